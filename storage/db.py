"""Open the SQLite archive: pragmas for a long-running bot, and the schema brought up to date."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.caches import LanguageMemory, SearchCache
from storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Paperboy; refusing to touch it protects its data."""


async def connect(path: str | Path) -> Database:
    """Open (creating if needed) the database at ``path`` with migrations applied.

    WAL lets readers (commands) run while the poller writes; foreign keys keep entries and
    papers consistent; ``synchronous=NORMAL`` is durable across a process crash in WAL mode.
    """
    existing = _holds_data(path)
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        if existing:
            try:
                verdict = await quick_check(conn)
            except sqlite3.DatabaseError as error:  # not a database at all
                raise DatabaseDamaged(Path(path), str(error)) from None
            if verdict not in ("ok", None):
                raise DatabaseDamaged(Path(path), verdict)
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return Database(conn)


def _holds_data(path: str | Path) -> bool:
    """Whether ``path`` is a file with something in it (a database to check before use)."""
    return str(path) != ":memory:" and Path(path).is_file() and Path(path).stat().st_size > 0


QUICK_CHECK_SECONDS = 3.0  # at start; a larger archive is checked in part (doctor: whole)
QUICK_CHECK_LINES = 20  # problems SQLite lists at most


class DatabaseDamaged(Exception):
    """SQLite's quick check found the file damaged: nothing should be served from it."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: damaged ({detail})")
        self.path = path
        self.detail = detail


async def quick_check(
    conn: aiosqlite.Connection, seconds: float | None = QUICK_CHECK_SECONDS
) -> str | None:
    """SQLite's quick check, summarised: "ok", what is wrong, or None when it did not end
    within ``seconds`` (a very large archive; ``paperboy doctor`` checks it whole). Raises
    sqlite3.DatabaseError when the file is not a database at all."""
    stopped = False
    running = True

    async def stop() -> None:
        nonlocal stopped
        stopped = True
        while running:  # an interrupt before the check starts running is lost: repeat it
            await conn.interrupt()  # SQLite stops the check between pages (tested on 3.40)
            await asyncio.sleep(0.01)

    timer = None
    if seconds is not None:
        timer = asyncio.get_running_loop().call_later(
            max(seconds, 0.0), lambda: asyncio.ensure_future(stop())
        )
    try:
        rows = await conn.execute_fetchall(f"PRAGMA quick_check({QUICK_CHECK_LINES})")
    except sqlite3.OperationalError:
        if stopped:
            return None
        raise
    finally:
        running = False
        if timer is not None:
            timer.cancel()
    return summarize_check(rows)


def summarize_check(rows: Iterable[Any]) -> str:
    """SQLite's check rows as one line: "ok", or the first two problems and how many more."""
    lines = [
        line.strip()
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if lines == ["ok"]:
        return "ok"
    more = f" and {len(lines) - 2} more" if len(lines) > 2 else ""
    return "; ".join(lines[:2]) + more


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply every migration newer than the database, each in its own transaction."""
    current = await schema_version(conn)
    if current > len(MIGRATIONS):
        raise SchemaTooNewError(
            f"database schema version {current} is newer than this Paperboy knows "
            f"({len(MIGRATIONS)}); upgrade Paperboy"
        )
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript would commit on its own; one explicit transaction makes the
        # migration and its version number land together or not at all.
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
        log.debug("database migrated to schema version %d", version)
    if current == 0:
        log.info("created a new database (schema version %d)", len(MIGRATIONS))
    elif current < len(MIGRATIONS):
        log.info("database migrated from schema version %d to %d", current, len(MIGRATIONS))
    return len(MIGRATIONS)


class Database:
    """The one connection and everything scoped to it: the write lock and the caches.

    Handlers, jobs and the sender share one connection; state that lives as long as it lives
    here, in one object, rather than in module-level maps keyed by connection.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.execute = conn.execute
        self.executemany = conn.executemany
        self.execute_fetchall = conn.execute_fetchall
        # Without the lock a handler's write could land inside (and roll back with) an ingest.
        self.write_lock = asyncio.Lock()
        self.search_cache = SearchCache()
        self.languages = LanguageMemory()
        self.session_ids: dict[str, int] = {}

    @property
    def total_changes(self) -> int:
        return self.conn.total_changes

    async def close(self) -> None:
        await self.conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """One write transaction at a time: committed on success, rolled back on error."""
        async with self.write_lock:
            # BEGIN runs in aiosqlite's thread whether or not we are cancelled meanwhile: if we
            # are, wait for it and roll back, or the next transaction would find this one open.
            begin = asyncio.ensure_future(self.conn.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await begin
                    await self.conn.rollback()
                raise
            try:
                yield self
            except BaseException:
                await self.conn.rollback()
                raise
            await self.conn.commit()
