"""A damaged database is named, not served (issue 27): every command meets it with one
paragraph (what is wrong, the backup, SQLite's .recover), doctor gives a ✗ line, and the bot
does not start on it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app.cli import main
from storage.db import DatabaseDamaged, connect, quick_check
from tests.conftest import FIXTURES

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


@pytest.fixture(scope="module")
def sound(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("damaged") / "sound.sqlite3"
    assert main(["ingest", "--no-index", str(FIXTURES), "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def damaged(sound: Path, tmp_path: Path) -> Path:
    """The archive with garbage over the cell pointers of a page in its middle: SQLite still
    opens it and answers some queries (`stats` did, before), but its check fails."""
    data = bytearray(sound.read_bytes())
    page = 4096
    pages = len(data) // page
    # The b-tree page nearest the middle (its first byte says so: 2, 5, 10 or 13); a free
    # or overflow page there would not be noticed by the check.
    middle = next(
        n * page
        for n in sorted(range(1, pages), key=lambda n: abs(n - pages // 2))
        if data[n * page] in (2, 5, 10, 13)
    )
    data[middle + 8 : middle + 200] = b"\xff" * 192
    target = tmp_path / "damaged.sqlite3"
    target.write_bytes(bytes(data))
    return target


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)


COMMANDS = [
    ["stats"],
    ["top", "--all"],
    ["search", "llm"],
    ["show", "2409.12917"],
    ["export"],
    ["digest", "--date", "2024-09-20"],
    ["index"],
    ["ingest", "--no-index", str(FIXTURES)],
    ["run"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_every_command_names_the_damage_with_the_way_out(capsys, damaged: Path, argv):
    code = main([*argv, "--db", str(damaged)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert f"the database {damaged} is damaged" in captured.err
    assert "Restore the last backup" in captured.err and ".recover" in captured.err
    assert "Traceback" not in captured.err


def test_doctor_gives_a_cross_with_the_fix(capsys, damaged: Path):
    main(["doctor", "--db", str(damaged)])
    lines = capsys.readouterr().out.splitlines()
    (line,) = [line for line in lines if line.startswith("✗ database")]
    assert f"{damaged} is damaged (" in line and ".recover" in line


def test_a_sound_database_opens_and_its_check_is_bounded_in_time(sound: Path, tmp_path: Path):
    import asyncio

    import aiosqlite

    big = tmp_path / "big.sqlite3"
    with sqlite3.connect(big) as conn:  # its check takes about 50 ms
        conn.execute("CREATE TABLE t (x BLOB, y INTEGER)")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000)"
            " INSERT INTO t SELECT randomblob(100), i FROM n"
        )
        conn.execute("CREATE INDEX ty ON t (y)")

    async def check() -> tuple[str | None, str | None, str | None]:
        db = await connect(sound)
        try:
            whole = await quick_check(db.conn)
        finally:
            await db.close()
        async with aiosqlite.connect(big) as conn:
            return whole, await quick_check(conn, seconds=0.0), await quick_check(conn)

    whole, stopped, again = asyncio.run(check())
    assert whole == "ok"
    assert stopped is None  # out of time: not known, not called damaged
    assert again == "ok"  # the interrupt touched nothing after it


def test_connect_raises_for_a_file_that_is_no_database(tmp_path: Path):
    import asyncio

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 500)
    with pytest.raises(DatabaseDamaged, match="not a database"):
        asyncio.run(connect(junk))
