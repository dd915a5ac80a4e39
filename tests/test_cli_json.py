"""With ``--json`` stdout is always JSON (issue 27): ``[]`` or the data, or an object with an
``error`` key and a non-zero exit; ``jq`` never meets a sentence. Every ``--json`` command on
an empty archive, on hostile input and on a failing database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app.cli import main
from tests.conftest import FIXTURES

COMMANDS = {
    "top": [["top"], ["top", "-n", "0"], ["top", "--date", "yesterday"], ["top", "--week"]],
    "search": [
        ["search", '"'],
        ["search", "-x"],
        ["search", ""],
        ["search", "-n", "5000", "llm"],
        ["search", "llm", "--mode", "nope"],
        ["search", "llm"],
        ["search", "' OR 1=1 --"],
    ],
    "show": [["show", "2409.12917"], ["show", "not-an-id"], ["show", "9999.99999"]],
    "similar": [["similar", "2409.12917"], ["similar", "x"]],
    "stats": [["stats"], ["stats", "--bogus"]],
}
CASES = [argv for group in COMMANDS.values() for argv in group]


@pytest.fixture(autouse=True)
def quiet_model(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")
    monkeypatch.chdir(tmp_path)


def empty(path: Path) -> Path:
    """A database with nothing in it (a missing file is another case: a --db typo)."""
    import asyncio

    from storage.db import connect

    async def create() -> None:
        await (await connect(path)).close()

    if not path.exists():
        asyncio.run(create())
    return path


def run_json(capsys, argv: list[str], db: Path) -> tuple[int, object]:
    code = main([*argv, "--json", "--db", str(db)])
    out = capsys.readouterr().out
    return code, json.loads(out)  # fails the test when stdout is not JSON


def well_formed(code: int, data: object) -> bool:
    """Data with exit 0, or an error object (a non-empty message) with a non-zero exit."""
    if isinstance(data, dict) and set(data) == {"error"}:
        return code != 0 and isinstance(data["error"], str) and bool(data["error"])
    return code == 0


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_an_empty_archive(capsys, tmp_path: Path, argv: list[str]):
    code, data = run_json(capsys, argv, empty(tmp_path / "empty.sqlite3"))
    assert well_formed(code, data), (code, data)


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("json") / "filled.sqlite3"
    assert main(["ingest", str(FIXTURES), "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_a_filled_archive_and_hostile_input(capsys, filled: Path, argv: list[str]):
    code, data = run_json(capsys, argv, filled)
    assert well_formed(code, data), (code, data)


def test_the_expected_answers_and_errors(capsys, filled: Path, tmp_path: Path):
    code, data = run_json(capsys, ["search", '"'], filled)
    assert code == 2 and "nothing to search for" in data["error"]
    code, data = run_json(capsys, ["search", "-x"], filled)
    assert code == 2 and "error" in data
    code, data = run_json(capsys, ["show", "9999.99999"], filled)
    assert code == 1 and data == {"error": "9999.99999 is not in the archive"}
    code, data = run_json(capsys, ["search", "self-correct"], filled)
    assert code == 0 and data and data[0]["arxiv_id"] == "2409.12917"
    code, data = run_json(capsys, ["top"], empty(tmp_path / "empty.sqlite3"))
    assert code == 2 and "archive is empty" in data["error"]
    code, data = run_json(capsys, ["search", "llm"], tmp_path / "empty.sqlite3")
    assert (code, data) == (0, [])


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_a_database_that_cannot_be_used(capsys, tmp_path: Path, argv: list[str]):
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database at all" * 100)
    code, data = run_json(capsys, argv, broken)
    assert well_formed(code, data), (code, data)
    if argv not in (["stats", "--bogus"], ["top", "-n", "0"], ["search", "llm", "--mode", "nope"]):
        assert code != 0 and "error" in data


def test_an_unknown_option_is_a_json_error(capsys, tmp_path: Path):
    code, data = run_json(capsys, ["stats", "--bogus"], tmp_path / "x.sqlite3")
    assert code == 2 and "--bogus" in data["error"]


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_a_database_that_does_not_exist(capsys, tmp_path: Path, argv: list[str]):
    code, data = run_json(capsys, argv, tmp_path / "typo.sqlite3")
    assert well_formed(code, data), (code, data)
    assert not (tmp_path / "typo.sqlite3").exists()
