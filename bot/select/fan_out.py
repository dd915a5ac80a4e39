"""Fan-out: every listing not yet fanned out becomes outbox rows for the chats that want it.

Fan-out and sending meet only in the database, so a crash between any two steps loses
nothing: listings not fanned out are fanned out on the next poll, and the rows and "fanned
out" are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from bot.core.chat_settings import ChatSettings
from bot.core.schedule import next_delivery
from bot.core.topics import Topic
from storage import deliveries as outbox
from storage import subscriptions
from storage.db import Database
from storage.matching import match_topics

log = logging.getLogger(__name__)

RECENT_DAYS = 3  # older listings are a backfill: archived, never pushed


async def fan_out(db: Database, now: dt.datetime, default_zone: ZoneInfo) -> int:
    """Turn every listing not yet fanned out into outbox rows; returns rows created.

    Only listings of digests dated within ``RECENT_DAYS`` of now are pushed; each goes to the
    chats whose topics match it and whose minimum votes it meets, due at each chat's hour.
    """
    listings = await outbox.unfanned(db)
    if not listings:
        return 0
    oldest = now.date() - dt.timedelta(days=RECENT_DAYS)
    recent = [item for item in listings if item.digest_date >= oldest]
    owed, chats = await _owed(db, recent, now, default_zone)
    created = await outbox.enqueue(db, owed, listings)
    log.info(
        "fan-out: %d listings (%d recent) → %d deliveries to %d chats",
        len(listings),
        len(recent),
        created,
        len(chats),
    )
    return created


async def rematch(
    db: Database, arxiv_ids: set[str], polled: dt.datetime, default_zone: ZoneInfo
) -> int:
    """After summaries were written for ``arxiv_ids``: match their recent listings again,
    now with the summaries' text, so a topic only a summary mentions still brings the card.

    Due times are counted from ``polled``, the fan-out that first saw the listings: a chat
    whose hour passed while the summaries were written gets the card now, not tomorrow. A
    chat already owed a paper is never owed it twice.
    """
    oldest = polled.date() - dt.timedelta(days=RECENT_DAYS)
    listings = await outbox.fanned_listings(db, arxiv_ids, oldest)
    if not listings:
        return 0
    owed, _ = await _owed(db, listings, polled, default_zone)
    created = await outbox.enqueue(db, owed, [])
    if created:
        log.info("fan-out after summaries: %d more deliveries", created)
    return created


async def _owed(
    db: Database, listings: list[outbox.Listing], now: dt.datetime, default_zone: ZoneInfo
) -> tuple[list[outbox.Owed], list[tuple[ChatSettings, list[str]]]]:
    """The rows ``listings`` owe the subscribed chats, and those chats."""
    if not listings:
        return [], []
    owed: list[outbox.Owed] = []
    chats = await subscriptions.subscribers(db)
    if chats:
        wanted_topics = {Topic(key) for _, keys in chats for key in keys}
        matches = match_topics([item.paper for item in listings], wanted_topics)
        for chat, keys in chats:
            wanted = set().union(*(matches[Topic(key)] for key in keys))
            due = next_delivery(now, chat.delivery_time, chat.zone(default_zone))
            for item in listings:
                votes = item.paper.votes or 0
                if item.paper.arxiv_id in wanted and votes >= chat.min_votes:
                    owed.append(outbox.Owed(chat.chat_id, item, due))
    return owed, chats
