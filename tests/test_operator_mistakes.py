"""The small mistakes of issue 27, each met with a clear line: a --db typo, a backup to a
place that cannot be written, an empty archive searched, a download that failed during a
backfill."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app.cli import main
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")


@pytest.mark.parametrize("command", [["stats"], ["top"], ["search", "llm"], ["export"]])
def test_a_db_typo_is_named_and_creates_nothing(capsys, tmp_path: Path, command):
    typo = tmp_path / "papreboy.sqlite3"
    code = main([*command, "--db", str(typo)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"no database at {typo} (a typo?)" in err
    assert not typo.exists()


def test_a_new_database_is_one_line_of_log_not_eleven(capsys, tmp_path: Path, caplog):
    caplog.set_level(logging.INFO)
    assert main(["ingest", "--no-index", str(FIXTURES), "--db", str(tmp_path / "n.sqlite3")]) == 0
    created = [r.getMessage() for r in caplog.records if r.name == "storage.db"]
    assert created == ["created a new database (schema version 12)"] or (
        len(created) == 1 and created[0].startswith("created a new database")
    )


def test_search_on_an_empty_archive_says_it_is_empty(capsys, tmp_path: Path):
    db = tmp_path / "empty.sqlite3"
    assert main(["ingest", "--no-index", str(tmp_path / "nothing-here"), "--db", str(db)]) == 1
    capsys.readouterr()
    assert main(["search", "llm", "--db", str(db)]) == 0
    assert "The archive is empty" in capsys.readouterr().out


def test_a_backup_into_a_file_where_a_folder_should_be_blames_the_place(capsys, tmp_path):
    """A place the backup cannot be written (its folder is a file: this fails for root
    too, where a read-only folder would not)."""
    db = tmp_path / "b.sqlite3"
    assert main(["ingest", "--no-index", str(FIXTURES), "--db", str(db)]) == 0
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code = main(["backup", str(blocker / "copy.sqlite3"), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"cannot write the backup to {blocker / 'copy.sqlite3'}" in err
    assert "cannot use database" not in err


async def test_a_failed_backfill_download_logs_why_not_answered_none(monkeypatch, caplog):
    import httpx

    from bot.source import backfill
    from tests.loopback import free_port

    monkeypatch.setattr(backfill, "BACKOFF", (0.0,))
    monkeypatch.setattr(backfill, "ATTEMPTS", 2)
    caplog.set_level(logging.INFO)
    url = f"http://127.0.0.1:{free_port()}/api/daily_papers?date=2024-01-01"
    async with httpx.AsyncClient() as client:
        got = await backfill._fetch(
            client, url, backfill.HostPacer(1000.0), backfill.BackfillReport()
        )
    assert got.status is None
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.source.backfill"]
    assert lines and all("None" not in line for line in lines), lines
    assert "download failed: ConnectError" in lines[0]
