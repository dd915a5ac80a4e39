"""👍/👎 ratings: each chat's own, one per member and paper, and what a chat's taste is
learnt from (its ratings, and a private chat's saves as likes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.models import Tally
from storage.db import Database
from storage.timestamps import utc_text


@dataclass(frozen=True)
class Rated:
    """One paper a chat has a verdict on: +1 liked, -1 disliked, as of ``at`` (UTC)."""

    paper_id: int
    value: int
    at: dt.datetime


async def rate(
    db: Database, chat_id: int, user_id: int, arxiv_id: str, value: int, now: dt.datetime
) -> Tally | None:
    """Set the user's rating of a paper in this chat; the same tap again takes it back.
    The chat's tally afterwards, or None for a paper not in the archive."""
    if value not in (1, -1):
        raise ValueError(f"a rating is 1 or -1, not {value!r}")
    async with db.transaction():
        rows = await db.execute_fetchall("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,))
        if not rows:
            return None
        paper_id = rows[0][0]
        cursor = await db.execute(
            "DELETE FROM ratings WHERE chat_id = ? AND paper_id = ? AND user_id = ? AND value = ?",
            (chat_id, paper_id, user_id, value),
        )
        if not cursor.rowcount:
            await db.execute(
                "INSERT INTO ratings (chat_id, paper_id, user_id, value, rated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, paper_id, user_id)"
                " DO UPDATE SET value = excluded.value, rated_at = excluded.rated_at",
                (chat_id, paper_id, user_id, value, utc_text(now)),
            )
        return await _tally(db, chat_id, paper_id, user_id)


async def tally(db: Database, chat_id: int, arxiv_id: str, user_id: int | None) -> Tally:
    """The chat's 👍 and 👎 for a paper (zeros for an unknown one)."""
    rows = await db.execute_fetchall("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,))
    if not rows:
        return Tally()
    return await _tally(db, chat_id, rows[0][0], user_id)


async def _tally(db: Database, chat_id: int, paper_id: int, user_id: int | None) -> Tally:
    ((likes, dislikes, mine),) = await db.execute_fetchall(
        "SELECT COALESCE(SUM(value = 1), 0), COALESCE(SUM(value = -1), 0),"
        " COALESCE(SUM(CASE WHEN user_id = ?3 THEN value END), 0)"
        " FROM ratings WHERE chat_id = ?1 AND paper_id = ?2",
        (chat_id, paper_id, user_id),
    )
    return Tally(likes, dislikes, mine)


async def chat_verdicts(db: Database, chat_id: int) -> list[Rated]:
    """Every paper the chat has a verdict on, newest first: the sign of its members' ratings
    summed (a tie is no verdict), and in a private chat a save counts as a like."""
    rows = await db.execute_fetchall(
        "SELECT paper_id, SUM(value), MAX(at) FROM ("
        "  SELECT paper_id, value, rated_at AS at FROM ratings WHERE chat_id = ?1"
        "  UNION ALL"
        "  SELECT paper_id, 1, replace(substr(created_at, 1, 19), ' ', 'T') FROM bookmarks"
        "  WHERE user_id = ?1 AND ?1 > 0"
        "  AND paper_id NOT IN (SELECT paper_id FROM ratings WHERE chat_id = ?1)"
        ") GROUP BY paper_id HAVING SUM(value) != 0 ORDER BY MAX(at) DESC",
        (chat_id,),
    )
    return [
        Rated(pid, 1 if total > 0 else -1, dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC))
        for pid, total, at in rows
    ]
