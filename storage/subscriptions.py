"""Subscriptions and per-chat delivery settings."""

from __future__ import annotations

import json

import aiosqlite

from bot.core.chat_settings import ChatSettings, Format, Rank, SettingChange
from storage import topic_translations
from storage.chats import upsert_chat
from storage.db import Database

# A chat's settings as every query that reads them selects them (settings_from_row).
SETTINGS_COLUMNS = (
    "chat_id, type, language, thread_id, delivery_time, timezone, format, min_votes, quiet,"
    " paused, active, rank, foryou_only, code_only, weekly"
)


def settings_from_row(row: aiosqlite.Row) -> ChatSettings:
    return ChatSettings(
        chat_id=row["chat_id"],
        type=row["type"],
        language=row["language"],
        thread_id=row["thread_id"],
        delivery_time=row["delivery_time"],
        timezone=row["timezone"],
        format=Format(row["format"]),
        min_votes=row["min_votes"],
        quiet=bool(row["quiet"]),
        paused=bool(row["paused"]),
        active=bool(row["active"]),
        rank=Rank(row["rank"]),
        foryou_only=row["foryou_only"],
        code_only=bool(row["code_only"]),
        weekly=row["weekly"],
    )


async def chat_settings(db: Database, chat_id: int) -> ChatSettings | None:
    async with db.execute(
        f"SELECT {SETTINGS_COLUMNS} FROM chats WHERE chat_id = ?", (chat_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return settings_from_row(row) if row else None


async def subscribe(
    db: Database,
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
    async with db.transaction():
        await upsert_chat(
            db,
            chat_id,
            chat_type,
            title,
            reactivate=True,
            language=language,
            thread_id=thread_id,
            set_thread=True,
        )
        added = []
        for topic in topics:
            cursor = await db.execute(
                "INSERT INTO subscriptions (chat_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (chat_id, topic),
            )
            if cursor.rowcount == 1:
                added.append(topic)
    return added


async def unsubscribe(db: Database, chat_id: int, topic: str | None) -> int:
    """Remove one topic, or every topic (``None``); pending deliveries stay owed only to chats
    that still subscribe, so removing everything cancels them. Returns topics removed."""
    async with db.transaction():
        if topic is None:
            cursor = await db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            await db.execute(
                "UPDATE deliveries SET status = 'cancelled', last_error = 'unsubscribed'"
                " WHERE chat_id = ? AND status = 'pending'",
                (chat_id,),
            )
        else:
            cursor = await db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)
            )
        await topic_translations.forget_unsubscribed(db)
    return cursor.rowcount


async def topics(db: Database, chat_id: int) -> list[str]:
    async with db.execute(
        "SELECT topic FROM subscriptions WHERE chat_id = ? ORDER BY created_at, topic", (chat_id,)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def update_setting(db: Database, chat_id: int, chat_type: str, change: SettingChange) -> None:
    """Store one /settings change; the column comes from the setting's definition, never
    from what a user typed."""
    async with db.transaction():
        await upsert_chat(db, chat_id, chat_type)
        await db.execute(
            f"UPDATE chats SET {change.setting.column} = ? WHERE chat_id = ?",
            (change.value, chat_id),
        )


async def subscribers(db: Database) -> list[tuple[ChatSettings, list[str]]]:
    """Active, unpaused chats with their topics (and those that only follow people, with
    none): who a new digest goes to."""
    async with db.execute(
        f"SELECT {SETTINGS_COLUMNS}, (SELECT json_group_array(topic) FROM subscriptions s"
        "  WHERE s.chat_id = c.chat_id) AS topics"
        " FROM chats c WHERE active = 1 AND paused = 0"
        " AND (EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = c.chat_id)"
        " OR EXISTS (SELECT 1 FROM follows f WHERE f.chat_id = c.chat_id))"
    ) as cursor:
        rows = await cursor.fetchall()
    return [(settings_from_row(row), json.loads(row["topics"])) for row in rows]
