"""Papers a user saved with ☆ (per user, in any chat): /saved and the card's ☆ button."""

from __future__ import annotations

from bot.core.models import Paper
from storage.archive import PAPER_SELECT, paper_from_row
from storage.db import Database


async def toggle_bookmark(db: Database, user_id: int, arxiv_id: str) -> bool | None:
    """Save or unsave a paper for a user; the new state, or None for an unknown paper."""
    async with db.transaction():
        async with db.execute("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        cursor = await db.execute(
            "DELETE FROM bookmarks WHERE user_id = ? AND paper_id = ?", (user_id, row[0])
        )
        if cursor.rowcount:
            return False
        await db.execute(
            "INSERT INTO bookmarks (user_id, paper_id) VALUES (?, ?)", (user_id, row[0])
        )
        return True


async def is_bookmarked(db: Database, user_id: int, arxiv_id: str) -> bool:
    async with db.execute(
        "SELECT 1 FROM bookmarks b JOIN papers p ON p.id = b.paper_id"
        " WHERE b.user_id = ? AND p.arxiv_id = ?",
        (user_id, arxiv_id),
    ) as cur:
        return await cur.fetchone() is not None


async def saved_papers(db: Database, user_id: int, limit: int = 50) -> list[Paper]:
    """A user's saved papers, most recently saved first."""
    async with db.execute(
        f"{PAPER_SELECT} JOIN bookmarks b ON b.paper_id = p.id WHERE b.user_id = ?"
        " ORDER BY b.created_at DESC LIMIT ?",
        (user_id, limit),
    ) as cur:
        return [paper_from_row(row) for row in await cur.fetchall()]
