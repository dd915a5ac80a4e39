"""The ``paperboy`` command as an operator uses it: ingest, top, search, show, stats, run."""

from __future__ import annotations

import asyncio
import csv
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import aiosqlite
import pytest

from bot.app.cli import main
from tests.conftest import FIXTURES

ENV_VARS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "PAPERBOY_DB",
    "PAPERBOY_SOURCES",
    "PAPERBOY_POLL_INTERVAL",
    "PAPERBOY_TIMEZONE",
    "PAPERBOY_ADMINS",
    "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env leaks in


@pytest.fixture
def archive_db(tmp_path: Path, capsys) -> Path:
    db = tmp_path / "cli.sqlite3"
    assert main(["ingest", str(FIXTURES), "--db", str(db)]) == 0
    capsys.readouterr()
    return db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ingest_reports_what_it_loaded_and_is_idempotent(capsys, tmp_path: Path):
    db = str(tmp_path / "a.sqlite3")
    code, out, err = run(capsys, "ingest", str(FIXTURES), "--db", db)
    assert code == 0
    assert (
        "Read 12 input(s): 13 digest(s) (12 new date(s)), 161 new paper(s), 1 updated, 162 new"
        in out
    )
    assert err == ""
    code, out, _ = run(capsys, "ingest", str(FIXTURES), "--db", db)
    assert code == 0
    assert "(0 new date(s)), 0 new paper(s), 0 updated, 0 new listing(s)" in out


def test_ingest_reports_bad_files_with_location_and_loads_the_rest(capsys, tmp_path: Path):
    bad = tmp_path / "notes.md"
    bad.write_text("# just notes\n", encoding="utf-8")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    good = FIXTURES / "2024" / "10" / "18.md"
    code, out, err = run(
        capsys, "ingest", str(bad), str(binary), str(good), "missing.md", "--db", "x.sqlite3"
    )
    assert code == 0
    assert "9 new paper(s)" in out
    assert f"{bad}:1: not a digest" in err
    assert f"{binary}: not UTF-8 text" in err
    assert "missing.md: no such file or directory" in err
    assert "Traceback" not in err


def test_ingest_of_nothing_readable_fails(capsys):
    code, _, err = run(capsys, "ingest", "missing.md", "--db", "x.sqlite3")
    assert code == 1
    assert "missing.md: no such file or directory" in err


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "www"
    shutil.copytree(FIXTURES, root)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_ingest_from_urls(capsys, http_root: str):
    code, out, err = run(
        capsys,
        "ingest",
        f"{http_root}/2024/10/18.md",
        f"{http_root}/2099/01/01.md",
        "--db",
        "u.sqlite3",
    )
    assert code == 0
    assert "9 new paper(s)" in out
    assert f"{http_root}/2099/01/01.md: not found (404)" in err


def test_top_defaults_to_the_latest_digest(capsys, archive_db: Path):
    code, out, _ = run(capsys, "top", "-n", "3", "--db", str(archive_db))
    assert code == 0
    assert out.splitlines()[0] == "Top 3 — 2024-10-18"
    assert "1." in out and "2410." in out


def test_top_json_for_every_period(capsys, archive_db: Path):
    for period in ([], ["--date", "2024-08-07"], ["--week"], ["--month"], ["--all"]):
        code, out, _ = run(capsys, "top", *period, "-n", "5", "--json", "--db", str(archive_db))
        assert code == 0
        rows = json.loads(out)
        assert 1 <= len(rows) <= 5
        for row in rows:
            assert {"arxiv_id", "title", "votes", "date", "authors"} <= set(row)
        votes = [r["votes"] if r["votes"] is not None else -1 for r in rows]
        assert votes == sorted(votes, reverse=True)
    _, out, _ = run(capsys, "top", "--date", "2024-08-07", "--json", "--db", str(archive_db))
    assert {r["date"] for r in json.loads(out)} == {"2024-08-07"}


def test_search_with_options_in_any_order(capsys, archive_db: Path):
    code, out, _ = run(capsys, "search", "확산", "-n", "2", "--json", "--db", str(archive_db))
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 2
    assert all(r["snippet"]["spans"] for r in rows)
    code, out, _ = run(capsys, "--db", str(archive_db), "search", "gaussian", "splatting")
    assert code == 0
    assert "«" in out  # matched terms marked when not on a terminal


def test_search_without_results_says_so(capsys, archive_db: Path):
    code, out, _ = run(capsys, "search", "zzzxqj", "--db", str(archive_db))
    assert code == 0
    assert "No papers match 'zzzxqj'" in out


def test_show_text_and_json(capsys, archive_db: Path):
    code, out, _ = run(capsys, "show", "https://arxiv.org/abs/2410.09342", "--db", str(archive_db))
    assert code == 0
    assert "## What's New" in out and "Listed: 2024-10-16, 2024-10-18" in out
    code, out, _ = run(capsys, "show", "2410.09342", "--json", "--db", str(archive_db))
    data = json.loads(out)
    assert data["arxiv_id"] == "2410.09342"
    assert list(data["sections"]) == ["What's New", "Technical Details", "Performance Highlights"]
    assert data["dates"] == ["2024-10-16", "2024-10-18"]


def test_show_unknown_and_malformed_ids(capsys, archive_db: Path):
    code, _, err = run(capsys, "show", "2401.00000", "--db", str(archive_db))
    assert (code, err.strip()) == (1, "paperboy show: 2401.00000 is not in the archive")
    code, _, err = run(capsys, "show", "banana", "--db", str(archive_db))
    assert code == 2 and "'banana' is not an arXiv id" in err


def test_stats(capsys, archive_db: Path):
    code, out, _ = run(capsys, "stats", "--json", "--db", str(archive_db))
    assert code == 0
    assert json.loads(out) == {
        "papers": 161,
        "without_vector": 161,  # PAPERBOY_SEMANTIC is off in these tests
        "digests": 12,
        "listings": 162,
        "first_date": "2023-11-20",
        "last_date": "2024-10-18",
    }


def test_empty_archive_top_says_what_to_do(capsys, tmp_path: Path):
    empty = tmp_path / "empty.sqlite3"
    asyncio.run(_create(empty))
    code, _, err = run(capsys, "top", "--db", str(empty))
    assert code == 2
    assert "archive is empty" in err


def test_run_without_token_explains_how_to_get_one(capsys):
    code, _, err = run(capsys, "run")
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in err and "@BotFather" in err


def test_bad_config_is_one_line_and_exit_2(capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PAPERBOY_POLL_INTERVAL", "soon")
    code, out, err = run(capsys, "stats")
    assert (code, out) == (2, "")
    assert err.strip().startswith("paperboy: PAPERBOY_POLL_INTERVAL must be")
    assert len(err.strip().splitlines()) == 1


def test_console_script_never_prints_a_traceback(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env["PAPERBOY_TIMEZONE"] = "Nowhere/Land"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "stats"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("paperboy: PAPERBOY_TIMEZONE must be an IANA time zone")
    assert "Traceback" not in done.stderr


OPTIONS = ["--json", "--mode", "fts", "--db", "{db}"]


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "llm", "-survey", *OPTIONS],
        ["search", "-survey", "llm", *OPTIONS],
        ["search", *OPTIONS, "--", "-survey", "llm"],
        ["search", "llm", "-survey", "-n", "3", *OPTIONS],
        ["--db", "{db}", "search", "-n=3", "llm", "-survey", "--json", "--mode=fts"],
    ],
)
def test_exclusions_work_as_typed(archive_db: Path, capsys, argv: list[str]):
    code, out, err = run(capsys, *(a.replace("{db}", str(archive_db)) for a in argv))
    assert code == 0, err
    hits = json.loads(out)
    assert hits and not any("survey" in h["title"].lower() for h in hits)
    code, everything, _ = run(
        capsys, "search", "llm", "-n", "50", "--json", "--mode", "fts", "--db", str(archive_db)
    )
    assert any("survey" in h["title"].lower() for h in json.loads(everything))  # it did exclude


def test_a_phrase_and_only_exclusions(archive_db: Path, capsys):
    code, out, _ = run(
        capsys, "search", '"large language model"', "--json", "--db", str(archive_db)
    )
    assert code == 0 and json.loads(out)
    code, out, err = run(capsys, "search", "-survey", "--db", str(archive_db))
    assert code == 0 and err == ""
    assert out.strip() == (
        "Nothing to search for: give at least one word besides exclusions like -survey."
    )


def test_backup_copies_a_consistent_archive_and_says_how_much(archive_db: Path, capsys, tmp_path):
    target = tmp_path / "backups" / "paperboy.sqlite3"
    code, out, err = run(capsys, "backup", str(target), "--db", str(archive_db))
    assert code == 0, err
    assert out.startswith("Backed up 161 papers (") and out.rstrip().endswith("integrity ok.")
    code, out, _ = run(capsys, "stats", "--json", "--db", str(target))
    assert json.loads(out)["papers"] == 161  # the copy opens as an archive
    assert [p.name for p in target.parent.iterdir()] == ["paperboy.sqlite3"]  # no leftovers
    code, _, err = run(capsys, "backup", str(archive_db), "--db", str(archive_db))
    assert code == 2 and "must not be the database itself" in err


async def test_a_backup_taken_while_papers_are_written_is_whole(tmp_path):
    from storage.db import connect as open_db

    source = tmp_path / "live.sqlite3"
    db = await open_db(source)
    writer = await open_db(source)  # the bot, writing while the backup runs
    try:
        from bot.source.ingest import ingest as load

        await load(db, [str(FIXTURES / "2024")])
        writing = asyncio.create_task(load(writer, [str(FIXTURES / "2023")]))
        copy_path = tmp_path / "copy.sqlite3"
        async with aiosqlite.connect(copy_path) as copy:
            await db.conn.backup(copy)
        await writing
        async with aiosqlite.connect(copy_path) as copy:
            ((check,),) = await copy.execute_fetchall("PRAGMA integrity_check")
            ((orphans,),) = await copy.execute_fetchall(
                "SELECT COUNT(*) FROM digest_entries e WHERE NOT EXISTS"
                " (SELECT 1 FROM papers p WHERE p.id = e.paper_id)"
            )
        assert check == "ok" and orphans == 0
    finally:
        await writer.close()
        await db.close()


def test_export_writes_every_paper_with_votes_and_summaries(archive_db: Path, capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--db", str(archive_db))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 161
    seed = next(item for item in lines if item["arxiv_id"] == "2409.12917")
    # No abstract in the fixture archive: the digest's summary is shown unjudged (issue 24).
    assert seed["votes"] == 52 and seed["dates"] == ["2024-09-20"] and seed["sections"]
    assert not seed["digest_summary_withheld"]
    code, out, _ = run(capsys, "export", "--since", "2024-10-01", "--db", str(archive_db))
    recent = [json.loads(line) for line in out.splitlines()]
    assert recent and all(item["dates"][-1] >= "2024-10-01" for item in recent)
    target = tmp_path / "papers.csv"
    code, _, err = run(
        capsys, "export", "--format", "csv", "-o", str(target), "--db", str(archive_db)
    )
    assert code == 0 and "Exported 161 papers" in err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read Korean
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 161 and rows[0].keys() >= {"arxiv_id", "votes", "summary", "generated_ko"}
    assert any("What's New: " in row["summary"] for row in rows)


async def _create(path: Path) -> None:
    from storage.db import connect

    await (await connect(path)).close()
