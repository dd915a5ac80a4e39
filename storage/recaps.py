"""The weekly recap's outbox: one row per chat and week, planned before it is due and marked
sent after it went, so a restart neither loses a recap nor sends it twice (but the one in
flight at a crash, as with every delivery)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.chat_settings import ChatSettings
from storage.db import Database
from storage.subscriptions import SETTINGS_COLUMNS, settings_from_row
from storage.timestamps import from_utc_text, utc_text


@dataclass(frozen=True)
class Recap:
    chat_id: int
    week: dt.date
    due_at: dt.datetime


async def weekly_chats(db: Database) -> list[ChatSettings]:
    """Active, unpaused chats that asked for a weekly recap."""
    rows = await db.execute_fetchall(
        f"SELECT {SETTINGS_COLUMNS} FROM chats WHERE active = 1 AND paused = 0"
        " AND weekly IS NOT NULL"
    )
    return [settings_from_row(row) for row in rows]


async def plan(db: Database, recaps: list[Recap], now: dt.datetime) -> int:
    """Rows for recaps not planned yet; returns how many are new. A chat's changed day
    drops its pending row for another day first, unless that one is due already (it still
    goes)."""
    async with db.transaction():
        before = db.total_changes
        for recap in recaps:
            await db.execute(
                "UPDATE recaps SET status = 'cancelled' WHERE chat_id = ? AND status = 'pending'"
                " AND week != ? AND due_at > ?",
                (recap.chat_id, recap.week.isoformat(), utc_text(now)),
            )
        cancelled = db.total_changes - before
        await db.executemany(
            "INSERT INTO recaps (chat_id, week, due_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id, week) DO NOTHING",
            [(r.chat_id, r.week.isoformat(), utc_text(r.due_at)) for r in recaps],
        )
        return db.total_changes - before - cancelled


async def cancel_off(db: Database) -> None:
    """Pending recaps of chats that turned it off, paused or left."""
    await db.execute(
        "UPDATE recaps SET status = 'cancelled' WHERE status = 'pending' AND chat_id IN"
        " (SELECT chat_id FROM chats WHERE weekly IS NULL OR active = 0 OR paused = 1)"
    )


async def due(db: Database, now: dt.datetime) -> list[Recap]:
    """Pending recaps due by ``now`` of chats that still want them (on, active, unpaused:
    one turned off since it was planned is cancelled first)."""
    await cancel_off(db)
    rows = await db.execute_fetchall(
        "SELECT chat_id, week, due_at FROM recaps WHERE status = 'pending' AND due_at <= ?"
        " ORDER BY due_at, chat_id",
        (utc_text(now),),
    )
    return [Recap(c, dt.date.fromisoformat(w), from_utc_text(d)) for c, w, d in rows]


async def mark(
    db: Database, recap: Recap, status: str, message_id: int | None, now: dt.datetime
) -> None:
    await db.execute(
        "UPDATE recaps SET status = ?, message_id = ?, sent_at = ? WHERE chat_id = ? AND week = ?",
        (status, message_id, utc_text(now), recap.chat_id, recap.week.isoformat()),
    )


async def week_counts(db: Database, start: dt.date, end: dt.date) -> tuple[int, int]:
    """Papers listed and digests between ``start`` and ``end`` (inclusive)."""
    ((papers, days),) = await db.execute_fetchall(
        "SELECT COUNT(DISTINCT paper_id), COUNT(DISTINCT digest_date) FROM digest_entries"
        " WHERE digest_date >= ? AND digest_date <= ?",
        (start.isoformat(), end.isoformat()),
    )
    return int(papers), int(days)
