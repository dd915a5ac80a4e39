"""The language model's English of Korean subscription topics, kept between runs: after a
restart, fan-out matches every Korean topic in English at once instead of asking the model
about each again (``bot.understand.topics``). A row lives as long as some chat subscribes to
its topic (``forget_unsubscribed``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from storage.db import Database
from storage.timestamps import utc_text

CHUNK = 500  # topics looked up a statement (SQLite's variable limit is far above)


async def known(db: Database, topics: Iterable[str]) -> dict[str, str]:
    """The stored English of each of ``topics`` (their keys) that has one."""
    topics = list(dict.fromkeys(topics))
    found: dict[str, str] = {}
    for start in range(0, len(topics), CHUNK):
        chunk = topics[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await db.execute_fetchall(
            f"SELECT topic, english FROM topic_translations WHERE topic IN ({marks})", chunk
        )
        found.update({row[0]: row[1] for row in rows})
    return found


async def remember(db: Database, english: Mapping[str, str], now: dt.datetime) -> None:
    """Store ``english`` (topic key → its English) for the topics some chat subscribes to; a
    newer answer replaces an older."""
    if not english:
        return
    async with db.transaction():
        await db.executemany(
            "INSERT INTO topic_translations (topic, english, asked_at)"
            " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM subscriptions WHERE topic = ?)"
            " ON CONFLICT (topic) DO UPDATE SET english = excluded.english,"
            " asked_at = excluded.asked_at",
            [(topic, text, utc_text(now), topic) for topic, text in english.items()],
        )


async def forget_unsubscribed(db: Database) -> int:
    """Drop the English of topics no chat subscribes to any more (a topic is what a reader
    typed: /forget and /unsubscribe leave none of it behind). Call inside a transaction."""
    cursor = await db.execute(
        "DELETE FROM topic_translations WHERE topic NOT IN (SELECT topic FROM subscriptions)"
    )
    return cursor.rowcount
