"""A full disk stops ingest at the first failure with one line (issue 27: it went on through
229 more files, printing 5,738 lines of traceback). SQLite's page limit stands in for a full
disk: it fails the same way ("database or disk is full")."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.app.cli as cli
from bot.app.cli import main
from storage.db import connect
from tests.conftest import FIXTURES


def test_ingest_stops_at_the_first_full_write_with_one_line(
    tmp_path: Path, capsys, monkeypatch, caplog
):
    monkeypatch.chdir(tmp_path)
    db_path = tmp_path / "full.sqlite3"
    files = sorted(FIXTURES.rglob("*.md"))
    assert len(files) >= 5

    async def small_disk(path):
        db = await connect(path)
        ((pages,),) = await db.execute_fetchall("PRAGMA page_count")
        await db.execute_fetchall(f"PRAGMA max_page_count = {pages + 40}")
        return db

    monkeypatch.setattr(cli, "connect", small_disk)
    code = main(["ingest", "--no-index", *map(str, files), "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("paperboy ingest:")]
    assert len(lines) == 1, err
    (said,) = lines
    assert "the disk is full (" in said and "MB free beside the database): stopped at " in said
    assert "Free some space and run again" in said
    assert "Traceback" not in err and "Traceback" not in caplog.text
    stopped_at = said.split("stopped at ")[1].split(". Stored")[0]
    assert stopped_at in map(str, files) and stopped_at != str(files[-1])  # it stopped early

    # What was stored stays, and a second run with room finishes the job.
    monkeypatch.setattr(cli, "connect", connect)
    assert main(["ingest", "--no-index", *map(str, files), "--db", str(db_path)]) == 0


@pytest.mark.parametrize("text", ["database or disk is full", "DATABASE OR DISK IS FULL"])
def test_what_counts_as_a_full_disk(text):
    import errno
    import sqlite3

    from bot.source.ingest import _disk_full

    assert _disk_full(sqlite3.OperationalError(text))
    assert _disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not _disk_full(sqlite3.OperationalError("no such table: papers"))
    assert not _disk_full(OSError(errno.EACCES, "Permission denied"))
