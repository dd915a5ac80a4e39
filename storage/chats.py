"""A chat's life, in one place: registered (or brought back), read, migrated to a
supergroup, deactivated (blocked, removed, /stop) and forgotten (/forget)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import LANGUAGES, Lang
from storage import topic_translations
from storage.db import Database


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


async def deactivate(db: Database, chat_id: int, reason: str) -> int:
    """The bot was blocked, kicked or the chat is gone: stop, and cancel what was owed.

    Subscriptions are kept, so a /start brings the chat back as it was. Returns the number of
    deliveries cancelled.
    """
    async with db.transaction():
        await db.execute(
            "UPDATE chats SET active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE chat_id = ?",
            (chat_id,),
        )
        cursor = await db.execute(
            "UPDATE deliveries SET status = 'cancelled', last_error = ?"
            " WHERE chat_id = ? AND status = 'pending'",
            (reason[:200], chat_id),
        )
    return cursor.rowcount


async def migrate_chat(db: Database, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move subscriptions, settings and the outbox to ``new_id``."""
    async with db.transaction():
        async with db.execute("SELECT 1 FROM chats WHERE chat_id = ?", (old_id,)) as cursor:
            if await cursor.fetchone() is None:
                return  # moved already
        async with db.execute("SELECT 1 FROM chats WHERE chat_id = ?", (new_id,)) as cursor:
            exists = await cursor.fetchone() is not None
        if not exists:
            # ON UPDATE CASCADE carries subscriptions and deliveries along.
            await db.execute(
                "UPDATE chats SET chat_id = ?, type = 'supergroup' WHERE chat_id = ?",
                (new_id, old_id),
            )
            return
        # The new chat is known already (someone used a command there): merge into it.
        await db.execute(
            "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at)"
            " SELECT ?, topic, created_at FROM subscriptions WHERE chat_id = ?",
            (new_id, old_id),
        )
        await db.execute(
            "UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await db.execute(
            "UPDATE chats SET (delivery_time, timezone, format, min_votes, quiet, paused, language,"
            " thread_id, active, code_only) = (SELECT delivery_time, timezone, format, min_votes,"
            " quiet, paused, COALESCE(chats.language, o.language), thread_id, 1, code_only"
            " FROM chats o"
            " WHERE o.chat_id = ?) WHERE chat_id = ?",
            (old_id, new_id),
        )
        await db.execute("DELETE FROM chats WHERE chat_id = ?", (old_id,))


@dataclass(frozen=True)
class Forgotten:
    """What ``forget`` deleted."""

    ratings: int
    saves: int
    settings: bool  # the chat's row: language, time, time zone, format, filters


async def forget(db: Database, chat_id: int) -> Forgotten:
    """Delete what the chat taught Paperboy: its ratings, a private chat's saves, and the
    chat itself (its settings; any topics and owed deliveries go with it, by cascade)."""
    async with db.transaction():
        ratings = await db.execute("DELETE FROM ratings WHERE chat_id = ?", (chat_id,))
        saves = await db.execute(
            "DELETE FROM bookmarks WHERE user_id = ? AND ? > 0", (chat_id, chat_id)
        )
        chat = await db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
        await topic_translations.forget_unsubscribed(db)  # its topics' English, if no one else's
    return Forgotten(ratings.rowcount, saves.rowcount, chat.rowcount > 0)
