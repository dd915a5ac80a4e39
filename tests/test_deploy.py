"""The deployment files say what docs/operations.md promises: a slim image, a non-root user, the
database on a volume, `paperboy run`; compose keeps the data and reads .env. (No Docker daemon
or image registry is reachable here, so the image itself is not built by the tests.)"""

from __future__ import annotations

from tests.conftest import ROOT


def test_the_dockerfile_runs_paperboy_as_a_user_with_its_data_on_a_volume():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    instructions = [line.split(None, 1) for line in lines]
    keywords = [parts[0] for parts in instructions]
    values: dict[str, list[str]] = {}
    for keyword, value in instructions:
        values.setdefault(keyword, []).append(value)
    (base,) = values["FROM"]
    assert base.startswith("python:3.") and base.endswith("-slim")
    assert values["USER"] == ["paperboy"] and any("useradd" in run for run in values["RUN"])
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")
    assert values["VOLUME"] == ['["/app/data"]']
    assert values["CMD"] == ['["paperboy", "run"]']
    assert "PAPERBOY_DB=/app/data/paperboy.sqlite3" in values["ENV"][0]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "data"} <= set(ignored)  # no secrets or local data in the image


def test_compose_keeps_the_data_and_reads_the_env_file():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "env_file: .env" in text
    assert "- paperboy-data:/app/data" in text and "\nvolumes:\n  paperboy-data:" in text
    assert "restart: unless-stopped" in text
