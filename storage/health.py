"""Looks at a database file from outside the bot: whether it is sound, what it holds, and a
checked online copy. Read-only (``mode=ro``) except the copy's own file, so ``paperboy
doctor`` can look at the archive of a running bot without taking a lock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from storage.db import Database, quick_check, schema_version, summarize_check


@dataclass(frozen=True)
class Health:
    verdict: str  # SQLite's integrity check: "ok", or what is wrong
    version: int  # the schema version
    papers: int
    without_vector: int = 0  # papers with no vector of the model asked about


@asynccontextmanager
async def read_only(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as conn:
        yield conn


async def _health(conn: aiosqlite.Connection, verdict: str) -> Health:
    version = await schema_version(conn)
    ((papers,),) = await conn.execute_fetchall("SELECT COUNT(*) FROM papers")
    return Health(verdict, version, int(papers))


async def health(path: Path, model: str | None = None) -> Health:
    """SQLite's quick check, the schema version, the paper count and how many papers wait
    for a vector of ``model`` (raises aiosqlite.Error when the file is not a readable
    database). A damaged file is not read further."""
    async with read_only(path) as conn:
        verdict = await quick_check(conn, seconds=None) or "ok"
        if verdict != "ok":
            return Health(verdict, 0, 0)
        found = await _health(conn, verdict)
        if model is None or found.version < 1:
            return found
        ((waiting,),) = await conn.execute_fetchall(
            "SELECT COUNT(*) FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_vectors v"
            " WHERE v.paper_id = p.id AND v.model = ?)",
            (model,),
        )
        return Health(found.verdict, found.version, found.papers, int(waiting))


async def backup(db: Database, target: Path) -> Health:
    """SQLite's online backup of ``db`` into ``target`` (a consistent copy while the bot
    writes), then the copy's full integrity check."""
    async with aiosqlite.connect(target) as copy:
        await db.conn.backup(copy)
        rows = await copy.execute_fetchall("PRAGMA integrity_check")
        return await _health(copy, summarize_check(rows))


async def newest_digest(path: Path, source: str, prefix: str) -> str | None:
    """The newest digest date held from ``source``, or from any source starting ``prefix``
    (a URL template's fixed part)."""
    async with read_only(path) as conn:
        ((newest,),) = await conn.execute_fetchall(
            "SELECT MAX(date) FROM digests WHERE source = ? OR substr(source, 1, ?) = ?",
            (source, len(prefix), prefix),
        )
    return newest


async def subscribed_chats(path: Path) -> list[int]:
    """The active chats with at least one subscription, in id order."""
    async with read_only(path) as conn:
        rows = await conn.execute_fetchall(
            "SELECT chat_id FROM chats WHERE active = 1 AND chat_id IN"
            " (SELECT chat_id FROM subscriptions) ORDER BY chat_id"
        )
    return [int(row[0]) for row in rows]
