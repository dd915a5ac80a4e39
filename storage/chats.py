"""Chats, saved papers and search sessions: the bot's per-chat and per-user state."""

from __future__ import annotations

import weakref

import aiosqlite

from bot.core.i18n import LANGUAGES, Lang
from bot.core.models import Paper
from storage.db import transaction
from storage.papers import paper_from_row, paper_select

MAX_QUERY = 1000  # a search session keeps at most this much of a query
_SESSION_MEMORY = 10_000
_session_ids: weakref.WeakKeyDictionary[aiosqlite.Connection, dict[str, int]] = (
    weakref.WeakKeyDictionary()
)


async def register_chat(
    conn: aiosqlite.Connection, chat_id: int, chat_type: str, title: str | None
) -> None:
    """Remember a chat (or bring an inactive one back); keeps its settings."""
    async with transaction(conn):
        await conn.execute(
            "INSERT INTO chats (chat_id, type, title) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " active = 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (chat_id, chat_type, title),
        )


class _LanguageMemory:
    """Chat languages already read, valid while the connection has written nothing since.

    Every update needs its chat's language, and a lookup is a hop to aiosqlite's thread. Any
    write on the connection (``total_changes`` moves) may have changed one, so the memory is
    dropped then; only this process writes chats, so no other connection can stale it.
    """

    SIZE = 50_000

    def __init__(self) -> None:
        self.changes = -1
        self.languages: dict[int, Lang | None] = {}


_languages: weakref.WeakKeyDictionary[aiosqlite.Connection, _LanguageMemory] = (
    weakref.WeakKeyDictionary()
)


async def chat_language(conn: aiosqlite.Connection, chat_id: int) -> Lang | None:
    """The language a chat chose in /settings, or None to follow the user's client."""
    memory = _languages.setdefault(conn, _LanguageMemory())
    if memory.changes != conn.total_changes or len(memory.languages) >= _LanguageMemory.SIZE:
        memory.changes = conn.total_changes
        memory.languages.clear()
    if chat_id in memory.languages:
        return memory.languages[chat_id]
    rows = await conn.execute_fetchall("SELECT language FROM chats WHERE chat_id = ?", (chat_id,))
    value = rows[0][0] if rows else None
    language: Lang | None = value if value in LANGUAGES else None
    if memory.changes == conn.total_changes:  # nothing was written while we read
        memory.languages[chat_id] = language
    return language


async def set_chat_language(
    conn: aiosqlite.Connection, chat_id: int, chat_type: str, lang: Lang
) -> None:
    async with transaction(conn):
        await conn.execute(
            "INSERT INTO chats (chat_id, type, language) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (chat_id, chat_type, lang),
        )


async def toggle_bookmark(conn: aiosqlite.Connection, user_id: int, arxiv_id: str) -> bool | None:
    """Save or unsave a paper for a user; the new state, or None for an unknown paper."""
    async with transaction(conn):
        async with conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        cursor = await conn.execute(
            "DELETE FROM bookmarks WHERE user_id = ? AND paper_id = ?", (user_id, row[0])
        )
        if cursor.rowcount:
            return False
        await conn.execute(
            "INSERT INTO bookmarks (user_id, paper_id) VALUES (?, ?)", (user_id, row[0])
        )
        return True


async def is_bookmarked(conn: aiosqlite.Connection, user_id: int, arxiv_id: str) -> bool:
    async with conn.execute(
        "SELECT 1 FROM bookmarks b JOIN papers p ON p.id = b.paper_id"
        " WHERE b.user_id = ? AND p.arxiv_id = ?",
        (user_id, arxiv_id),
    ) as cur:
        return await cur.fetchone() is not None


async def bookmarks(conn: aiosqlite.Connection, user_id: int, limit: int = 50) -> list[Paper]:
    """A user's saved papers, most recently saved first."""
    async with conn.execute(
        f"{paper_select()} JOIN bookmarks b ON b.paper_id = p.id WHERE b.user_id = ?"
        " ORDER BY b.created_at DESC LIMIT ?",
        (user_id, limit),
    ) as cur:
        return [paper_from_row(row) for row in await cur.fetchall()]


async def search_session(conn: aiosqlite.Connection, query: str) -> int:
    """The id page buttons use for ``query`` (the same query reuses its id).

    Ids already handed out in this process are remembered, so a repeated search costs no
    write; sessions are only pruned at start, when this memory is empty.
    """
    query = query[:MAX_QUERY]
    known = _session_ids.setdefault(conn, {})
    if query in known:
        return known[query]
    async with (
        transaction(conn),
        conn.execute(
            "INSERT INTO search_sessions (query) VALUES (?) ON CONFLICT (query) DO UPDATE"
            " SET used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') RETURNING id",
            (query,),
        ) as cur,
    ):
        row = await cur.fetchone()
    if len(known) >= _SESSION_MEMORY:
        known.clear()
    known[query] = int(row[0])
    return known[query]


async def search_session_query(conn: aiosqlite.Connection, session_id: int) -> str | None:
    async with conn.execute("SELECT query FROM search_sessions WHERE id = ?", (session_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def prune_search_sessions(conn: aiosqlite.Connection, days: int = 30) -> int:
    """Forget sessions unused for ``days``; their buttons then say they expired."""
    _session_ids.pop(conn, None)
    async with transaction(conn):
        cursor = await conn.execute(
            "DELETE FROM search_sessions WHERE used_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
            (f"-{days} days",),
        )
    return cursor.rowcount
