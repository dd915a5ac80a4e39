"""The people and organizations chats follow, and the archive's names to pick them from."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.people import AUTHOR, Followed, author_matches, name_key, org_matches
from storage.chats import upsert_chat
from storage.db import Database


async def follow(
    db: Database,
    chat_id: int,
    chat_type: str,
    title: str | None,
    followed: Followed,
    language: str | None,
) -> bool:
    """Follow ``followed`` in the chat (registering it, active again); False when it did
    already."""
    async with db.transaction():
        await upsert_chat(db, chat_id, chat_type, title, reactivate=True, language=language)
        cursor = await db.execute(
            "INSERT INTO follows (chat_id, kind, key, name) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (chat_id, followed.kind, followed.key, followed.name),
        )
    return cursor.rowcount == 1


async def unfollow(db: Database, chat_id: int, followed: Followed) -> bool:
    async with db.transaction():
        cursor = await db.execute(
            "DELETE FROM follows WHERE chat_id = ? AND kind = ? AND key = ?",
            (chat_id, followed.kind, followed.key),
        )
    return cursor.rowcount > 0


async def follows(db: Database, chat_id: int) -> list[Followed]:
    rows = await db.execute_fetchall(
        "SELECT kind, key, name FROM follows WHERE chat_id = ? ORDER BY created_at, key",
        (chat_id,),
    )
    return [Followed(kind, key, name) for kind, key, name in rows]


async def count(db: Database, chat_id: int) -> int:
    ((n,),) = await db.execute_fetchall(
        "SELECT COUNT(*) FROM follows WHERE chat_id = ?", (chat_id,)
    )
    return int(n)


async def all_follows(db: Database) -> dict[int, list[Followed]]:
    """Every active, unpaused chat's follows: who a new paper may be owed to."""
    rows = await db.execute_fetchall(
        "SELECT f.chat_id, f.kind, f.key, f.name FROM follows f JOIN chats c"
        " ON c.chat_id = f.chat_id WHERE c.active = 1 AND c.paused = 0"
    )
    found: dict[int, list[Followed]] = {}
    for chat_id, kind, key, name in rows:
        found.setdefault(chat_id, []).append(Followed(kind, key, name))
    return found


@dataclass(frozen=True)
class Candidate:
    """A name the archive holds that a follow would match, with its latest paper."""

    name: str
    title: str
    date: str


CANDIDATE_SCAN = 2000  # papers read to find the names a follow matches, newest first


async def candidates(db: Database, followed: Followed, limit: int = 8) -> list[Candidate]:
    """The archive's names (or organizations) ``followed`` matches, each with its latest
    paper; found among the newest ``CANDIDATE_SCAN`` papers that mention its last word."""
    last = followed.key.split()[-1]
    column = (
        "p.authors" if followed.kind == AUTHOR else "p.organization_name || ' ' || p.organization"
    )
    rows = await db.execute_fetchall(
        f"SELECT p.authors, p.organization, p.organization_name, p.title, p.last_date"
        f" FROM papers p WHERE {column} LIKE ? ORDER BY p.last_date DESC LIMIT ?",
        (f"%{last}%", CANDIDATE_SCAN),
    )
    found: dict[str, Candidate] = {}
    for authors, org, org_name, title, date in rows:
        if followed.kind == AUTHOR:
            names = [n for n in json.loads(authors) if author_matches(followed.key, name_key(n))]
        else:
            names = [org_name or org] if org_matches(followed.key, org, org_name) else []
        for name in names:
            found.setdefault(name_key(name), Candidate(name, title, date))
    return list(found.values())[:limit]
