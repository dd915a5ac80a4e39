"""Fan-out: every listing not yet fanned out becomes outbox rows for the chats that want it.

Fan-out and sending meet only in the database, so a crash between any two steps loses
nothing: listings not fanned out are fanned out on the next poll, and the rows and "fanned
out" are written in one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.chat_settings import ChatSettings, Rank
from bot.core.models import Paper
from bot.core.people import PeopleIndex
from bot.core.schedule import next_delivery
from bot.core.topics import Topic
from storage import follows, outbox, subscriptions
from storage.db import Database

log = logging.getLogger(__name__)

RECENT_DAYS = 3  # older listings are a backfill: archived, never pushed


class TopicMatcher(Protocol):
    """Which papers match which topics (``understand.topics.TopicMatcher``)."""

    async def translate(self, topics: Iterable[Topic]) -> None:
        """Make ready what matching ``topics`` needs from a language model, if any."""
        ...

    def match(
        self, papers: Sequence[tuple[int, Paper]], topics: Iterable[Topic]
    ) -> dict[Topic, set[str]]: ...


class TasteRanker(Protocol):
    """Orders a chat's papers by its taste (``understand.foryou.ForYou``)."""

    async def order(
        self, chat: ChatSettings, papers: Sequence[tuple[int, Paper]], now: dt.datetime
    ) -> list[int] | None:
        """Indexes into ``papers``, best first; None to keep the digest's order."""
        ...


async def fan_out(
    db: Database,
    now: dt.datetime,
    default_zone: ZoneInfo,
    topics: TopicMatcher,
    taste: TasteRanker | None = None,
) -> int:
    """Turn every listing not yet fanned out into outbox rows; returns rows created.

    Only listings of digests dated within ``RECENT_DAYS`` of now are pushed; each goes to the
    chats whose topics match it and whose minimum votes it meets, due at each chat's hour, in
    the chat's order (its taste, or the digest's) and only its top N where it asked for that.
    """
    listings = await outbox.unfanned(db)
    if not listings:
        return 0
    oldest = now.date() - dt.timedelta(days=RECENT_DAYS)
    recent = [item for item in listings if item.digest_date >= oldest]
    owed, chats = await _owed(db, recent, now, default_zone, topics, taste)
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
    db: Database,
    arxiv_ids: set[str],
    polled: dt.datetime,
    default_zone: ZoneInfo,
    topics: TopicMatcher,
    taste: TasteRanker | None = None,
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
    owed, _ = await _owed(db, listings, polled, default_zone, topics, taste)
    created = await outbox.enqueue(db, owed, [])
    if created:
        log.info("fan-out after summaries: %d more deliveries", created)
    return created


async def _owed(
    db: Database,
    listings: list[outbox.Listing],
    now: dt.datetime,
    default_zone: ZoneInfo,
    topics: TopicMatcher,
    taste: TasteRanker | None,
) -> tuple[list[outbox.Owed], list[tuple[ChatSettings, list[str]]]]:
    """The rows ``listings`` owe the subscribed chats, and those chats."""
    if not listings:
        return [], []
    owed: list[outbox.Owed] = []
    chats = await subscriptions.subscribers(db)
    if chats:
        wanted_topics = {Topic(key) for _, keys in chats for key in keys}
        papers = [(item.paper_id, item.paper) for item in listings]
        await topics.translate(wanted_topics)
        matches = topics.match(papers, wanted_topics)
        following = await follows.all_follows(db)
        people = PeopleIndex([item.paper for item in listings]) if following else None
        for chat, keys in chats:
            wanted = set().union(*(matches[Topic(key)] for key in keys))
            # A paper by someone the chat follows comes whatever its topics (issue 28).
            chat_follows = following.get(chat.chat_id)
            reasons = people.reasons(chat_follows) if people and chat_follows else {}
            due = next_delivery(now, chat.delivery_time, chat.zone(default_zone))
            mine = [
                item
                for item in listings
                if (item.paper.arxiv_id in wanted or item.paper.arxiv_id in reasons)
                and (item.paper.votes or 0) >= chat.min_votes
                and (item.paper.github_repo or not chat.code_only)
            ]
            rows = await _in_chat_order(chat, mine, due, now, taste)
            owed += [
                dataclasses.replace(row, reason=reasons.get(row.listing.paper.arxiv_id))
                if row.listing.paper.arxiv_id in reasons
                else row
                for row in rows
            ]
    return owed, chats


async def _in_chat_order(
    chat: ChatSettings,
    mine: list[outbox.Listing],
    due: dt.datetime,
    now: dt.datetime,
    taste: TasteRanker | None,
) -> list[outbox.Owed]:
    """A chat's rows: per digest, in its taste's order where it has one (positions
    renumbered), and only its top ``foryou_only`` where it asked for that."""
    if not mine:
        return []
    order = None
    if taste is not None and chat.rank != Rank.VOTES:
        order = await taste.order(chat, [(item.paper_id, item.paper) for item in mine], now)
    if order is None:
        if not chat.foryou_only:
            return [outbox.Owed(chat.chat_id, item, due) for item in mine]
        order = list(range(len(mine)))  # the digest's order: its best by votes
    owed: list[outbox.Owed] = []
    taken: dict[dt.date, int] = {}
    for index in order:
        item = mine[index]
        rank = taken.get(item.digest_date, 0)
        if chat.foryou_only and rank >= chat.foryou_only:
            continue
        taken[item.digest_date] = rank + 1
        owed.append(outbox.Owed(chat.chat_id, item, due, position=rank))
    return owed
