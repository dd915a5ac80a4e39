"""The delivery outbox: listings not yet fanned out, rows owed to chats, and their fate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aiosqlite

from bot.core.models import Delivery, Paper
from storage.archive import PAPER_COLUMNS, paper_from_row
from storage.db import Database
from storage.timestamps import from_utc_text, utc_text


@dataclass(frozen=True)
class Listing:
    """A listing waiting for fan-out: which paper, in which digest, at which position."""

    digest_date: dt.date
    position: int
    paper_id: int
    paper: Paper


@dataclass(frozen=True)
class Owed:
    """One row to create: ``chat_id`` is owed ``listing``'s paper at ``due_at``."""

    chat_id: int
    listing: Listing
    due_at: dt.datetime
    position: int | None = None  # the chat's own order (its taste); None: the digest's
    reason: str | None = None  # the followed names that brought it, as the card shows them


_LISTING_SELECT = (
    f"SELECT {PAPER_COLUMNS}, e.digest_date AS listed, e.position AS position"
    " FROM digest_entries e JOIN papers p ON p.id = e.paper_id"
)


async def unfanned(db: Database) -> list[Listing]:
    """Listings no fan-out has handled yet, oldest digest first, in listed order."""
    rows = await db.execute_fetchall(
        f"{_LISTING_SELECT} WHERE e.fanned_out = 0 ORDER BY e.digest_date, e.position"
    )
    return _listings(rows)


async def fanned_listings(db: Database, arxiv_ids: Iterable[str], since: dt.date) -> list[Listing]:
    """The listings of these papers, in digests from ``since`` on, that were fanned out."""
    ids = sorted(set(arxiv_ids))
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await db.execute_fetchall(
        f"{_LISTING_SELECT} WHERE e.fanned_out = 1 AND e.digest_date >= ?"
        f" AND p.arxiv_id IN ({marks}) ORDER BY e.digest_date, e.position",
        (since.isoformat(), *ids),
    )
    return _listings(rows)


def _listings(rows: Iterable[aiosqlite.Row]) -> list[Listing]:
    return [
        Listing(
            dt.date.fromisoformat(row["listed"]),
            row["position"],
            row["id"],
            # The digest's own date, and the votes it printed, decide this delivery.
            paper_from_row(row, row["listed"]),
        )
        for row in rows
    ]


async def enqueue(db: Database, owed: Iterable[Owed], done: Sequence[Listing]) -> int:
    """Create outbox rows and mark ``done`` listings fanned out, in one transaction.

    A (chat, paper) pair that was ever queued is never queued again. Returns rows created.
    """
    rows = [
        (
            item.chat_id,
            item.listing.paper_id,
            item.listing.digest_date.isoformat(),
            item.listing.position if item.position is None else item.position,
            utc_text(item.due_at),
            item.reason,
        )
        for item in owed
    ]
    async with db.transaction():
        # One statement for all rows (a digest to 20,000 chats is 300,000 of them): the
        # connection's change counter says how many were new.
        before = db.total_changes
        await db.executemany(
            "INSERT INTO deliveries (chat_id, paper_id, digest_date, position, due_at, reason)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, paper_id) DO NOTHING",
            rows,
        )
        created = db.total_changes - before
        await db.executemany(
            "UPDATE digest_entries SET fanned_out = 1 WHERE digest_date = ? AND paper_id = ?",
            [(listing.digest_date.isoformat(), listing.paper_id) for listing in done],
        )
    return created


_DUE_COLUMNS = (
    "SELECT d.id, d.chat_id, d.paper_id, p.arxiv_id, d.digest_date, d.position, d.due_at,"
    " d.attempts, d.reason FROM deliveries d JOIN papers p ON p.id = d.paper_id"
    " WHERE d.status = 'pending' AND d.due_at <= ?"
)
_DUE_ORDER = " ORDER BY d.due_at, d.chat_id, d.digest_date, d.position, d.id"


async def due(
    db: Database, now: dt.datetime, limit: int = 500, after: Delivery | None = None
) -> list[Delivery]:
    """Pending rows due by ``now``: by due time, then chat, then digest order; only those
    that come after ``after`` in that order, so reads can walk the outbox while the rows
    already read are still pending."""
    sql, args = _DUE_COLUMNS, [utc_text(now)]
    if after is not None:
        sql += " AND (d.due_at, d.chat_id, d.digest_date, d.position, d.id) > (?, ?, ?, ?, ?)"
        args += [
            *(utc_text(after.due_at), after.chat_id, after.digest_date.isoformat()),
            *(after.position, after.id),
        ]
    return await _deliveries(db, sql + _DUE_ORDER + " LIMIT ?", [*args, limit])


async def due_for_chat(db: Database, now: dt.datetime, chat_id: int) -> list[Delivery]:
    """Every pending row due by ``now`` for one chat, in the order ``due`` gives them."""
    sql = _DUE_COLUMNS + " AND d.chat_id = ?" + _DUE_ORDER
    return await _deliveries(db, sql, [utc_text(now), chat_id])


async def _deliveries(db: Database, sql: str, args: Sequence[object]) -> list[Delivery]:
    async with db.execute(sql, args) as cursor:
        rows = await cursor.fetchall()
    return [
        Delivery(
            id=row[0],
            chat_id=row[1],
            paper_id=row[2],
            arxiv_id=row[3],
            digest_date=dt.date.fromisoformat(row[4]),
            position=row[5],
            due_at=from_utc_text(row[6]),
            attempts=row[7],
            reason=row[8],
        )
        for row in rows
    ]


async def next_due_at(db: Database) -> dt.datetime | None:
    async with db.execute("SELECT MIN(due_at) FROM deliveries WHERE status = 'pending'") as cursor:
        row = await cursor.fetchone()
    return from_utc_text(row[0]) if row and row[0] else None


async def mark_sent_many(
    db: Database, sends: Sequence[tuple[Sequence[int], int | None, dt.datetime]]
) -> None:
    """Several sends (rows, the message that carried them, when) in one transaction."""
    async with db.transaction():
        await db.executemany(
            "UPDATE deliveries SET status = 'sent', message_id = ?, sent_at = ?,"
            " attempts = attempts + 1, last_error = NULL WHERE id = ? AND status = 'pending'",
            [(message_id, utc_text(now), i) for ids, message_id, now in sends for i in ids],
        )


async def retry_later(
    db: Database, ids: Sequence[int], due_at: dt.datetime, error: str, count: bool
) -> None:
    """Put rows back for ``due_at``; ``count`` says whether this was a failed attempt (a 429
    is Telegram asking to wait, not a failure)."""
    async with db.transaction():
        await db.executemany(
            "UPDATE deliveries SET due_at = ?, last_error = ?, attempts = attempts + ?"
            " WHERE id = ? AND status = 'pending'",
            [(utc_text(due_at), error[:500], int(count), i) for i in ids],
        )


async def due_again(db: Database, reason: str, now: dt.datetime) -> int:
    """Rows put back for ``reason`` are due ``now``: what they waited for has happened."""
    async with db.transaction():
        cursor = await db.execute(
            "UPDATE deliveries SET due_at = ? WHERE status = 'pending' AND last_error = ?",
            (utc_text(now), reason[:500]),
        )
    return cursor.rowcount


async def mark_failed(db: Database, ids: Sequence[int], error: str) -> None:
    async with db.transaction():
        await db.executemany(
            "UPDATE deliveries SET status = 'failed', last_error = ?, attempts = attempts + 1"
            " WHERE id = ? AND status = 'pending'",
            [(error[:500], i) for i in ids],
        )


async def counts(db: Database) -> dict[str, int]:
    async with db.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status") as cursor:
        found = {row[0]: row[1] for row in await cursor.fetchall()}
    return {status: found.get(status, 0) for status in ("pending", "sent", "failed", "cancelled")}
