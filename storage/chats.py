"""Chats, saved papers and search sessions: the bot's per-chat and per-user state."""

from __future__ import annotations

from bot.core.i18n import LANGUAGES, Lang
from bot.core.limits import MAX_QUERY
from bot.core.models import Paper
from storage.archive import PAPER_SELECT, paper_from_row
from storage.db import Database

_SESSION_MEMORY = 10_000


async def register_chat(db: Database, chat_id: int, chat_type: str, title: str | None) -> None:
    """Remember a chat (or bring an inactive one back); keeps its settings."""
    async with db.transaction():
        await upsert_chat(db, chat_id, chat_type, title, reactivate=True)


async def upsert_chat(
    db: Database,
    chat_id: int,
    chat_type: str,
    title: str | None = None,
    *,
    reactivate: bool = False,
    language: str | None = None,
    thread_id: int | None = None,
    set_thread: bool = False,
) -> None:
    """The one statement that writes a chat's row; run it inside ``db.transaction()``.

    Settings are kept. A chat without a chosen language takes ``language`` (the
    subscriber's); ``set_thread`` points deliveries at forum topic ``thread_id`` (None: the
    main chat); ``reactivate`` brings an inactive chat back.
    """
    await db.execute(
        "INSERT INTO chats (chat_id, type, title, language, thread_id) VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type,"
        " title = COALESCE(excluded.title, chats.title),"
        " thread_id = CASE WHEN ?6 THEN excluded.thread_id ELSE chats.thread_id END,"
        " active = CASE WHEN ?7 THEN 1 ELSE chats.active END,"
        " language = COALESCE(chats.language, excluded.language),"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        (chat_id, chat_type, title, language, thread_id, set_thread, reactivate),
    )


async def chat_counts(db: Database) -> dict[str, int]:
    """Chats known, chats active, and subscriptions of active, unpaused chats."""
    ((chats, active, subscriptions),) = await db.execute_fetchall(
        "SELECT (SELECT COUNT(*) FROM chats), (SELECT COUNT(*) FROM chats WHERE active = 1),"
        " (SELECT COUNT(*) FROM subscriptions s JOIN chats c ON c.chat_id = s.chat_id"
        "  WHERE c.active = 1 AND c.paused = 0)"
    )
    return {"chats": chats, "active": active, "subscriptions": subscriptions}


async def chat_language(db: Database, chat_id: int) -> Lang | None:
    """The language a chat chose in /settings, or None to follow the user's client."""
    changes = db.total_changes
    known = db.languages.valid_at(changes)
    if chat_id in known:
        return known[chat_id]
    rows = await db.execute_fetchall("SELECT language FROM chats WHERE chat_id = ?", (chat_id,))
    value = rows[0][0] if rows else None
    language: Lang | None = value if value in LANGUAGES else None
    if db.total_changes == changes:  # nothing was written while we read
        known[chat_id] = language
    return language


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


async def bookmarks(db: Database, user_id: int, limit: int = 50) -> list[Paper]:
    """A user's saved papers, most recently saved first."""
    async with db.execute(
        f"{PAPER_SELECT} JOIN bookmarks b ON b.paper_id = p.id WHERE b.user_id = ?"
        " ORDER BY b.created_at DESC LIMIT ?",
        (user_id, limit),
    ) as cur:
        return [paper_from_row(row) for row in await cur.fetchall()]


async def search_session(db: Database, query: str) -> int:
    """The id page buttons use for ``query`` (the same query reuses its id).

    Ids already handed out in this process are remembered, so a repeated search costs no
    write; sessions are only pruned at start, when this memory is empty.
    """
    query = query[:MAX_QUERY]
    known = db.session_ids
    if query in known:
        return known[query]
    async with (
        db.transaction(),
        db.execute(
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


async def search_session_query(db: Database, session_id: int) -> str | None:
    async with db.execute("SELECT query FROM search_sessions WHERE id = ?", (session_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def prune_search_sessions(db: Database, days: int = 30) -> int:
    """Forget sessions unused for ``days``; their buttons then say they expired."""
    db.session_ids.clear()
    async with db.transaction():
        cursor = await db.execute(
            "DELETE FROM search_sessions WHERE used_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
            (f"-{days} days",),
        )
    return cursor.rowcount
