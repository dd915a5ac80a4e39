"""Subscriptions and per-chat delivery settings."""

from __future__ import annotations

import json

import aiosqlite

from bot.core.models import ChatSettings
from storage.db import transaction

_SETTINGS_COLUMNS = (
    "chat_id, type, language, thread_id, delivery_time, timezone, format, min_votes, quiet,"
    " paused, active"
)
# The settings /settings may change, and nothing else: column names are not user input.
SETTABLE = frozenset(
    {"delivery_time", "timezone", "format", "min_votes", "quiet", "paused", "language"}
)


def _settings(row: aiosqlite.Row) -> ChatSettings:
    return ChatSettings(
        chat_id=row["chat_id"],
        type=row["type"],
        language=row["language"],
        thread_id=row["thread_id"],
        delivery_time=row["delivery_time"],
        timezone=row["timezone"],
        format=row["format"],
        min_votes=row["min_votes"],
        quiet=bool(row["quiet"]),
        paused=bool(row["paused"]),
        active=bool(row["active"]),
    )


async def chat_settings(conn: aiosqlite.Connection, chat_id: int) -> ChatSettings | None:
    async with conn.execute(
        f"SELECT {_SETTINGS_COLUMNS} FROM chats WHERE chat_id = ?", (chat_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return _settings(row) if row else None


async def subscribe(
    conn: aiosqlite.Connection,
    chat_id: int,
    chat_type: str,
    title: str | None,
    topics: list[str],
    thread_id: int | None,
    language: str | None,
) -> list[str]:
    """Add topics to a chat (registering it, active again); returns the ones that were new.

    Deliveries go to the forum topic the command came from; a chat without a chosen language
    takes the subscriber's.
    """
    async with transaction(conn):
        await conn.execute(
            "INSERT INTO chats (chat_id, type, title, language, thread_id) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " thread_id = excluded.thread_id, active = 1,"
            " language = COALESCE(chats.language, excluded.language),"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (chat_id, chat_type, title, language, thread_id),
        )
        added = []
        for topic in topics:
            cursor = await conn.execute(
                "INSERT INTO subscriptions (chat_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (chat_id, topic),
            )
            if cursor.rowcount == 1:
                added.append(topic)
    return added


async def unsubscribe(conn: aiosqlite.Connection, chat_id: int, topic: str | None) -> int:
    """Remove one topic, or every topic (``None``); pending deliveries stay owed only to chats
    that still subscribe, so removing everything cancels them. Returns topics removed."""
    async with transaction(conn):
        if topic is None:
            cursor = await conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            await conn.execute(
                "UPDATE deliveries SET status = 'cancelled', last_error = 'unsubscribed'"
                " WHERE chat_id = ? AND status = 'pending'",
                (chat_id,),
            )
        else:
            cursor = await conn.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)
            )
    return cursor.rowcount


async def topics(conn: aiosqlite.Connection, chat_id: int) -> list[str]:
    async with conn.execute(
        "SELECT topic FROM subscriptions WHERE chat_id = ? ORDER BY created_at, topic", (chat_id,)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def update_setting(
    conn: aiosqlite.Connection, chat_id: int, chat_type: str, name: str, value: object
) -> None:
    if name not in SETTABLE:
        raise ValueError(f"not a chat setting: {name}")
    async with transaction(conn):
        await conn.execute(
            "INSERT INTO chats (chat_id, type) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (chat_id, chat_type),
        )
        await conn.execute(
            f"UPDATE chats SET {name} = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE chat_id = ?",
            (value, chat_id),
        )


async def subscribers(conn: aiosqlite.Connection) -> list[tuple[ChatSettings, list[str]]]:
    """Active, unpaused chats with their topics: who a new digest goes to."""
    async with conn.execute(
        f"SELECT {_SETTINGS_COLUMNS}, (SELECT json_group_array(topic) FROM subscriptions s"
        "  WHERE s.chat_id = c.chat_id) AS topics"
        " FROM chats c WHERE active = 1 AND paused = 0"
        " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = c.chat_id)"
    ) as cursor:
        rows = await cursor.fetchall()
    return [(_settings(row), json.loads(row["topics"])) for row in rows]


async def deactivate(conn: aiosqlite.Connection, chat_id: int, reason: str) -> int:
    """The bot was blocked, kicked or the chat is gone: stop, and cancel what was owed.

    Subscriptions are kept, so a /start brings the chat back as it was. Returns the number of
    deliveries cancelled.
    """
    async with transaction(conn):
        await conn.execute(
            "UPDATE chats SET active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE chat_id = ?",
            (chat_id,),
        )
        cursor = await conn.execute(
            "UPDATE deliveries SET status = 'cancelled', last_error = ?"
            " WHERE chat_id = ? AND status = 'pending'",
            (reason[:200], chat_id),
        )
    return cursor.rowcount


async def migrate_chat(conn: aiosqlite.Connection, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move subscriptions, settings and the outbox to ``new_id``."""
    async with transaction(conn):
        async with conn.execute("SELECT 1 FROM chats WHERE chat_id = ?", (old_id,)) as cursor:
            if await cursor.fetchone() is None:
                return  # moved already
        async with conn.execute("SELECT 1 FROM chats WHERE chat_id = ?", (new_id,)) as cursor:
            exists = await cursor.fetchone() is not None
        if not exists:
            # ON UPDATE CASCADE carries subscriptions and deliveries along.
            await conn.execute(
                "UPDATE chats SET chat_id = ?, type = 'supergroup' WHERE chat_id = ?",
                (new_id, old_id),
            )
            return
        # The new chat is known already (someone used a command there): merge into it.
        await conn.execute(
            "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at)"
            " SELECT ?, topic, created_at FROM subscriptions WHERE chat_id = ?",
            (new_id, old_id),
        )
        await conn.execute(
            "UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await conn.execute(
            "UPDATE chats SET (delivery_time, timezone, format, min_votes, quiet, paused, language,"
            " thread_id, active) = (SELECT delivery_time, timezone, format, min_votes, quiet,"
            " paused, COALESCE(chats.language, o.language), thread_id, 1 FROM chats o"
            " WHERE o.chat_id = ?) WHERE chat_id = ?",
            (old_id, new_id),
        )
        await conn.execute("DELETE FROM chats WHERE chat_id = ?", (old_id,))
