"""The delivery engine: new listings become outbox rows (fan-out), and a sender drains them.

Fan-out and sending meet only in the database, so a crash between any two steps loses
nothing: listings not fanned out are fanned out on the next poll, pending rows are sent after
a restart, and a row is marked sent right after Telegram accepted it (so at most the message
in flight at a kill can go out twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite
from telegram import Bot, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.core.clock import Clock
from bot.core.i18n import DEFAULT_LANG, LANGUAGES, Lang, t
from bot.core.models import ChatSettings, Delivery
from bot.core.schedule import next_delivery
from bot.core.topics import Topic, match_topics
from bot.deliver.bot_api import keyboard, preview
from bot.deliver.pacer import Pacer
from bot.render.replies import Reply, render_card, render_paper_list
from storage import deliveries as outbox
from storage import papers as archive
from storage import subscriptions

log = logging.getLogger(__name__)

RECENT_DAYS = 3  # older listings are a backfill: archived, never pushed
MAX_ATTEMPTS = 6  # transient failures (timeouts, 5xx) before a row is given up
BACKOFF_BASE = 2.0  # seconds; doubled per attempt, capped
BACKOFF_CAP = 600.0
BATCH = 500
WORKERS = 8  # chats served at once: sends overlap their network round trips
_PREVIEW_ERRORS = ("webpage_", "http url", "web page", "wrong file identifier")


def chat_zone(settings: ChatSettings, default: ZoneInfo) -> ZoneInfo:
    if settings.timezone:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(settings.timezone)
    return default


def chat_lang(settings: ChatSettings) -> Lang:
    return settings.language if settings.language in LANGUAGES else DEFAULT_LANG  # type: ignore[return-value]


async def fan_out(db: aiosqlite.Connection, now: dt.datetime, default_zone: ZoneInfo) -> int:
    """Turn every listing not yet fanned out into outbox rows; returns rows created.

    Only listings of digests dated within ``RECENT_DAYS`` of now are pushed; each goes to the
    chats whose topics match it and whose minimum votes it meets, due at each chat's hour.
    """
    listings = await outbox.unfanned(db)
    if not listings:
        return 0
    oldest = now.date() - dt.timedelta(days=RECENT_DAYS)
    recent = [item for item in listings if item.digest_date >= oldest]
    owed: list[outbox.Owed] = []
    chats = await subscriptions.subscribers(db) if recent else []
    if chats:
        wanted_topics = {Topic(key) for _, keys in chats for key in keys}
        matches = match_topics([item.paper for item in recent], wanted_topics)
        for chat, keys in chats:
            wanted = set().union(*(matches[Topic(key)] for key in keys))
            due = next_delivery(now, chat.delivery_time, chat_zone(chat, default_zone))
            for item in recent:
                votes = item.paper.votes or 0
                if item.paper.arxiv_id in wanted and votes >= chat.min_votes:
                    owed.append(outbox.Owed(chat.chat_id, item, due))
    created = await outbox.enqueue(db, owed, listings)
    log.info(
        "fan-out: %d listings (%d recent) → %d deliveries to %d chats",
        len(listings),
        len(recent),
        created,
        len(chats),
    )
    return created


@dataclass
class SendStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled_chats: int = 0


class Sender:
    """Drains due outbox rows: in digest order per chat, paced under Telegram's limits."""

    def __init__(
        self,
        bot: Bot,
        db: aiosqlite.Connection,
        clock: Clock,
        pacer: Pacer | None = None,
        workers: int = WORKERS,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.pacer = pacer or Pacer()
        self.workers = workers
        self.stats = SendStats()
        self._wake = asyncio.Event()
        self._draining = asyncio.Lock()

    def wake(self) -> None:
        """New rows may be due: look now instead of at the next planned check."""
        self._wake.set()

    async def run(self) -> None:
        """Forever: drain, then sleep until the next row is due or someone wakes us."""
        while True:
            try:
                await self.drain()
                next_due = await outbox.next_due_at(self.db)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery sender failed; retrying in 10 s")
                next_due = self.clock.now() + dt.timedelta(seconds=10)
            timeout = 30.0
            if next_due is not None:
                timeout = min(timeout, max(0.0, (next_due - self.clock.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()

    async def drain(self) -> int:
        """Send every row due now; returns how many messages went out."""
        async with self._draining:
            before = self.stats.sent
            while rows := await outbox.due(self.db, self.clock.now(), BATCH):
                by_chat: OrderedDict[int, list[Delivery]] = OrderedDict()
                for row in rows:
                    by_chat.setdefault(row.chat_id, []).append(row)
                queue: asyncio.Queue[list[Delivery]] = asyncio.Queue()
                for batch in by_chat.values():
                    queue.put_nowait(batch)
                progress = self.stats.sent + self.stats.retried + self.stats.failed
                await asyncio.gather(*(self._worker(queue) for _ in range(self.workers)))
                if self.stats.sent + self.stats.retried + self.stats.failed == progress:
                    break  # nothing moved (e.g. all cancelled): the rows re-read would repeat
            return self.stats.sent - before

    async def _worker(self, queue: asyncio.Queue[list[Delivery]]) -> None:
        while not queue.empty():
            batch = queue.get_nowait()
            try:
                await self._serve_chat(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery to chat %s failed", batch[0].chat_id)
                await outbox.retry_later(
                    self.db,
                    [row.id for row in batch],
                    self._backoff(batch[0].attempts),
                    "internal error",
                    count=True,
                )

    async def _serve_chat(self, batch: list[Delivery]) -> None:
        settings = await subscriptions.chat_settings(self.db, batch[0].chat_id)
        if settings is None or not settings.active:
            await subscriptions.deactivate(self.db, batch[0].chat_id, "chat inactive")
            return
        lang = chat_lang(settings)
        if settings.format == "compact":
            by_digest: OrderedDict[dt.date, list[Delivery]] = OrderedDict()
            for row in batch:
                by_digest.setdefault(row.digest_date, []).append(row)
            groups = list(by_digest.values())
        else:
            groups = [[row] for row in batch]
        for index, rows in enumerate(groups):
            replies = await self._render(rows, settings, lang)
            if not replies:
                await outbox.mark_failed(self.db, [r.id for r in rows], "paper missing")
                continue
            outcome, until, settings = await self._send(settings, rows, replies)
            if outcome == "stop" and until is not None:
                # Keep the chat's order: what is left waits for the row that could not go.
                rest = [r.id for group in groups[index + 1 :] for r in group]
                if rest:
                    await outbox.retry_later(
                        self.db, rest, until, "waiting for an earlier card", False
                    )
                return
            if outcome == "gone":
                return

    async def _render(
        self, rows: list[Delivery], settings: ChatSettings, lang: Lang
    ) -> list[Reply]:
        papers = []
        for row in rows:
            paper = await archive.get_paper(self.db, row.arxiv_id)
            if paper is not None:
                papers.append(paper)
        if not papers:
            return []
        if settings.format == "compact":
            title = "📰 " + t(lang, "digest.title", date=rows[0].digest_date.isoformat())
            return render_paper_list(title, papers, lang)
        return [render_card(papers[0], lang, saved=False)]

    def _backoff(self, attempts: int) -> dt.datetime:
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempts)
        return self.clock.now() + dt.timedelta(seconds=delay)

    async def _send(
        self, settings: ChatSettings, rows: list[Delivery], replies: list[Reply]
    ) -> tuple[str, dt.datetime | None, ChatSettings]:
        """Deliver one row's (or one compact digest's) messages.

        Returns ("ok", None), ("gone", None) when the chat is gone, or ("stop", until) when
        the chat's remaining rows must wait until ``until``; and the chat's settings, which
        name a new chat id after a group became a supergroup.
        """
        ids = [row.id for row in rows]
        chat_id = settings.chat_id
        message: Message | None = None
        for reply in replies:
            with_preview = True
            while True:
                await self.pacer.acquire(chat_id, settings.is_group)
                try:
                    message = await self.bot.send_message(
                        chat_id=chat_id,
                        text=reply.text,
                        reply_markup=keyboard(reply),
                        link_preview_options=preview(reply, enabled=with_preview),
                        message_thread_id=settings.thread_id,
                        disable_notification=settings.quiet,
                    )
                    break
                except RetryAfter as error:
                    seconds = _seconds(error.retry_after)
                    self.pacer.pause(seconds)
                    until = self.clock.now() + dt.timedelta(seconds=seconds)
                    await outbox.retry_later(self.db, ids, until, str(error), False)
                    self.stats.retried += 1
                    return "stop", until, settings
                except ChatMigrated as error:
                    await subscriptions.migrate_chat(self.db, chat_id, error.new_chat_id)
                    log.info("chat %s migrated to %s", chat_id, error.new_chat_id)
                    chat_id = error.new_chat_id
                    settings = dataclasses.replace(settings, chat_id=chat_id, type="supergroup")
                    continue
                except Forbidden as error:
                    cancelled = await subscriptions.deactivate(self.db, chat_id, str(error))
                    log.info(
                        "chat %s is gone (%s): %d deliveries cancelled", chat_id, error, cancelled
                    )
                    self.stats.cancelled_chats += 1
                    return "gone", None, settings
                except BadRequest as error:
                    text = str(error).lower()
                    if (
                        with_preview
                        and reply.preview_url
                        and any(e in text for e in _PREVIEW_ERRORS)
                    ):
                        with_preview = False  # the thumbnail could not be fetched: no preview
                        continue
                    if "chat not found" in text:
                        await subscriptions.deactivate(self.db, chat_id, str(error))
                        self.stats.cancelled_chats += 1
                        return "gone", None, settings
                    log.error("delivery %s to chat %s rejected: %s", ids, chat_id, error)
                    await outbox.mark_failed(self.db, ids, str(error))
                    self.stats.failed += 1
                    return "ok", None, settings  # this row is given up; the chat's next rows may go
                except NetworkError as error:  # timeouts, 5xx, connection errors
                    attempts = max(row.attempts for row in rows) + 1
                    if attempts >= MAX_ATTEMPTS:
                        log.error(
                            "delivery %s to chat %s failed %d times: %s",
                            ids,
                            chat_id,
                            attempts,
                            error,
                        )
                        await outbox.mark_failed(self.db, ids, str(error))
                        self.stats.failed += 1
                        return "ok", None, settings
                    until = self._backoff(attempts)
                    await outbox.retry_later(self.db, ids, until, str(error), True)
                    self.stats.retried += 1
                    return "stop", until, settings
        await outbox.mark_sent(
            self.db, ids, message.message_id if message else None, self.clock.now()
        )
        self.stats.sent += len(replies)
        return "ok", None, settings


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)  # type: ignore[arg-type]
