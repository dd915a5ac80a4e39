"""The sender: drains due outbox rows to Telegram, in digest order per chat, paced.

A row is marked sent right after Telegram accepted it (in one commit with the sends that
finished meanwhile, ``SentLog``), and a chat's next card waits for that commit, so at most
one message per chat can go out twice after a kill; everything else is still pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import enum
import logging
from collections import OrderedDict
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.core.chat_settings import ChatSettings, Format
from bot.core.clock import Clock
from bot.core.i18n import t
from bot.core.models import Delivery
from bot.deliver.bot_api import says, send_card
from bot.deliver.budget import Budget, retry_seconds
from bot.deliver.sent_log import SentLog
from bot.render.cards import render_card
from bot.render.lists import render_paper_list
from bot.render.reply import Reply
from storage import archive, chats, outbox, subscriptions, summaries
from storage.db import Database

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # transient failures (timeouts, 5xx) before a row is given up
BACKOFF_BASE = 2.0  # seconds; doubled per attempt, capped
BACKOFF_CAP = 600.0
BATCH = 500
WORKERS = 8  # chats served at once: sends overlap their network round trips
_PREVIEW_ERRORS = ("webpage_", "http url", "web page", "wrong file identifier")
WAITING_FOR_SUMMARY = "waiting for a summary"
GROUP_FULL = "the group's 20 a minute are used"
GROUP_WAIT_IN_WORKER = 2.0  # seconds a worker may wait for a group itself


class Fate(enum.Enum):
    """What became of one card (or one compact digest) sent to a chat."""

    SENT = "sent"  # Telegram took every message
    GIVEN_UP = "given up"  # rejected, or failed too often: marked failed; the chat goes on
    WAIT = "wait"  # a 429 or a transient failure: the chat's remaining rows wait
    GONE = "gone"  # blocked, kicked or no such chat: the chat is deactivated


@dataclass(frozen=True)
class Outcome:
    fate: Fate
    chat: ChatSettings  # names the new chat id after a group became a supergroup
    until: dt.datetime | None = None  # with WAIT: when the chat's rows may go again


class Holds:
    """Papers whose cards wait for their summaries, each until a deadline, for readers of the
    languages being written. Kept in memory: after a restart cards go at once, with whatever
    summary exists by then."""

    def __init__(self, languages: tuple[str, ...] = ()) -> None:
        self.languages = frozenset(languages)
        self._until: dict[str, dt.datetime] = {}

    def hold(self, arxiv_ids: set[str], until: dt.datetime) -> None:
        for arxiv_id in arxiv_ids:
            self._until[arxiv_id] = until

    def release(self, arxiv_ids: set[str]) -> None:
        for arxiv_id in arxiv_ids:
            self._until.pop(arxiv_id, None)

    def until(self, rows: list[Delivery], lang: str, now: dt.datetime) -> dt.datetime | None:
        """When the first of ``rows`` held for a reader of ``lang`` may go; None: now."""
        if lang not in self.languages:
            return None
        times = [t for row in rows if (t := self._until.get(row.arxiv_id)) and t > now]
        return min(times) if times else None


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
        db: Database,
        clock: Clock,
        budget: Budget | None = None,
        workers: int = WORKERS,
        holds: Holds | None = None,
        similar: bool = True,
        paid: bool = False,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.budget = budget  # the bot's rate limiter: asked how long a full group waits
        self.workers = workers
        self.paid = paid  # send with allow_paid_broadcast (Telegram charges Stars)
        self.holds = holds if holds is not None else Holds()
        self.similar = similar  # cards carry the similar-papers button
        self.stats = SendStats()
        # Enough rows per read that the workers rarely wait for the last chat of a batch.
        self.batch = max(BATCH, workers * 150)
        # Cards rendered in this batch, by paper and language: a digest to 20,000 chats is
        # the same 15 cards, read and rendered once each, not 20,000 times.
        self._cards: dict[tuple[str, str, str | None], Reply] = {}
        self.sent_log = SentLog(db)
        self._wake = asyncio.Event()
        self._draining = asyncio.Lock()

    def wake(self) -> None:
        """New rows may be due: look now instead of at the next planned check."""
        self._wake.set()

    async def release(self, arxiv_ids: set[str]) -> None:
        """Summaries were written (or given up): the cards that waited for them go now."""
        self.holds.release(arxiv_ids)
        await outbox.due_again(self.db, WAITING_FOR_SUMMARY, self.clock.now())
        self.wake()

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
        """Send every row due now; returns how many messages went out.

        Workers take chats from a queue that is read full again before it runs dry, so no
        read of the outbox waits for the slowest chat of the one before: at 1,000 msg/s
        that wait cost 5% of the rate (``bench.broadcast --paid``). A chat is served by one
        worker, once a drain; its rows due again (a 429's short wait) go in the next drain.
        """
        async with self._draining:
            before = self.stats.sent
            queue: asyncio.Queue[list[Delivery] | None] = asyncio.Queue()
            taken = asyncio.Event()  # a worker took a chat from the queue
            workers = [
                asyncio.ensure_future(self._worker(queue, taken)) for _ in range(self.workers)
            ]
            try:
                await self._feed(queue, taken)
                for _ in workers:
                    queue.put_nowait(None)
                await asyncio.gather(*workers)
            finally:  # the feed failed, or the drain was cancelled: no worker outlives it
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
            return self.stats.sent - before

    async def _feed(
        self, queue: asyncio.Queue[list[Delivery] | None], taken: asyncio.Event
    ) -> None:
        """Queue each due chat's rows, walking the outbox in its order, reading on whenever
        fewer chats wait than there are workers; return at its end."""
        served: set[int] = set()
        after: Delivery | None = None
        while rows := await outbox.due(self.db, self.clock.now(), self.batch, after):
            after = rows[-1]
            by_chat: OrderedDict[int, list[Delivery]] = OrderedDict()
            for row in rows:
                if row.chat_id not in served:
                    by_chat.setdefault(row.chat_id, []).append(row)
            if len(rows) == self.batch and after.chat_id in by_chat:
                # The read may have cut the last chat's rows short: all of them, in order.
                rest = await outbox.due_for_chat(self.db, self.clock.now(), after.chat_id)
                by_chat[after.chat_id] = rest
            self._cards.clear()  # a summary written meanwhile shows from this read on
            for chat_id, batch in by_chat.items():
                served.add(chat_id)  # its rows that later reads meet go in the next drain
                queue.put_nowait(batch)
            while queue.qsize() >= self.workers:
                taken.clear()
                await taken.wait()

    async def _worker(
        self, queue: asyncio.Queue[list[Delivery] | None], taken: asyncio.Event
    ) -> None:
        while (batch := await queue.get()) is not None:
            taken.set()
            try:
                await self._serve_chat(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery to chat %s failed", batch[0].chat_id)
                ids = [row.id for row in batch]
                until = self._backoff(batch[0].attempts)
                await outbox.retry_later(self.db, ids, until, "internal error", count=True)

    async def _serve_chat(self, batch: list[Delivery]) -> None:
        chat = await subscriptions.chat_settings(self.db, batch[0].chat_id)
        if chat is None or not chat.active:
            await chats.deactivate(self.db, batch[0].chat_id, "chat inactive")
            return
        if chat.format == Format.COMPACT:
            by_digest: OrderedDict[dt.date, list[Delivery]] = OrderedDict()
            for row in batch:
                by_digest.setdefault(row.digest_date, []).append(row)
            groups = list(by_digest.values())
        else:
            groups = [[row] for row in batch]
        for index, rows in enumerate(groups):
            held = self.holds.until(rows, chat.lang, self.clock.now())
            if held is not None:  # its summary is being written: this and the rest wait
                rest = [r.id for group in groups[index:] for r in group]
                await outbox.retry_later(self.db, rest, held, WAITING_FOR_SUMMARY, False)
                return
            replies = await self._render(rows, chat)
            if not replies:
                await outbox.mark_failed(self.db, [r.id for r in rows], "paper missing")
                continue
            outcome = await self._send(chat, rows, replies)
            chat = outcome.chat
            if outcome.fate == Fate.WAIT:
                # Keep the chat's order: what is left waits for the row that could not go.
                rest = [r.id for group in groups[index + 1 :] for r in group]
                if rest:
                    await outbox.retry_later(
                        self.db, rest, outcome.until, "waiting for an earlier card", False
                    )
                return
            if outcome.fate == Fate.GONE:
                return

    async def _render(self, rows: list[Delivery], chat: ChatSettings) -> list[Reply]:
        if chat.format != Format.COMPACT:
            key = (rows[0].arxiv_id, chat.lang, rows[0].reason)
            if (card := self._cards.get(key)) is None:
                paper = await archive.get_paper(self.db, rows[0].arxiv_id)
                if paper is None:
                    return []
                paper = await summaries.as_read(self.db, paper, chat.lang)
                card = render_card(
                    paper, chat.lang, saved=False, similar=self.similar, reason=rows[0].reason
                )
                self._cards[key] = card
            return [card]
        papers = []
        for row in rows:
            paper = await archive.get_paper(self.db, row.arxiv_id)
            if paper is not None:
                papers.append(paper)
        if not papers:
            return []
        title = "📰 " + t(chat.lang, "digest.title", date=rows[0].digest_date.isoformat())
        return render_paper_list(title, papers, chat.lang)

    def _backoff(self, attempts: int) -> dt.datetime:
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempts)
        return self.clock.now() + dt.timedelta(seconds=delay)

    async def _send(
        self, chat: ChatSettings, rows: list[Delivery], replies: list[Reply]
    ) -> Outcome:
        """Deliver one row's (or one compact digest's) messages, and record what became of
        them."""
        ids = [row.id for row in rows]
        message_id: int | None = None
        for reply in replies:
            with_preview = True
            while True:
                if chat.is_group and self.budget is not None:
                    # A group that had its 20 this minute: its rows wait in the outbox, not
                    # in a worker, so the other chats go on meanwhile.
                    wait = self.budget.group_wait(chat.chat_id)
                    if wait > GROUP_WAIT_IN_WORKER:
                        until = self.clock.now() + dt.timedelta(seconds=wait)
                        await outbox.retry_later(self.db, ids, until, GROUP_FULL, False)
                        self.stats.retried += 1
                        return Outcome(Fate.WAIT, chat, until)
                try:
                    message_id = await send_card(
                        self.bot,
                        chat.chat_id,
                        reply,
                        thread_id=chat.thread_id,
                        quiet=chat.quiet,
                        with_preview=with_preview,
                        paid=self.paid,
                    )
                    break
                except RetryAfter as error:
                    # The budget paused every send for this long already.
                    seconds = retry_seconds(error)
                    until = self.clock.now() + dt.timedelta(seconds=seconds)
                    return await self._wait(chat, ids, until, error, count=False)
                except ChatMigrated as error:
                    await chats.migrate_chat(self.db, chat.chat_id, error.new_chat_id)
                    log.info("chat %s migrated to %s", chat.chat_id, error.new_chat_id)
                    chat = dataclasses.replace(chat, chat_id=error.new_chat_id, type="supergroup")
                except Forbidden as error:
                    return await self._gone(chat, error)
                except BadRequest as error:
                    if with_preview and reply.preview_url and says(error, *_PREVIEW_ERRORS):
                        with_preview = False  # the thumbnail could not be fetched: no preview
                        continue
                    if says(error, "chat not found"):
                        return await self._gone(chat, error)
                    log.error("delivery %s to chat %s rejected: %s", ids, chat.chat_id, error)
                    return await self._give_up(chat, ids, error)
                except NetworkError as error:  # timeouts, 5xx, connection errors
                    attempts = max(row.attempts for row in rows) + 1
                    if attempts >= MAX_ATTEMPTS:
                        log.error(
                            "delivery %s to chat %s failed %d times: %s",
                            *(ids, chat.chat_id, attempts, error),
                        )
                        return await self._give_up(chat, ids, error)
                    return await self._wait(chat, ids, self._backoff(attempts), error, count=True)
        await self.sent_log.record(ids, message_id, self.clock.now())
        self.stats.sent += len(replies)
        return Outcome(Fate.SENT, chat)

    async def _wait(
        self, chat: ChatSettings, ids: list[int], until: dt.datetime, error: Exception, count: bool
    ) -> Outcome:
        """Put the rows back for ``until``; ``count`` says whether this was a failed attempt
        (a 429 is Telegram asking to wait, not a failure)."""
        await outbox.retry_later(self.db, ids, until, str(error), count)
        self.stats.retried += 1
        return Outcome(Fate.WAIT, chat, until)

    async def _give_up(self, chat: ChatSettings, ids: list[int], error: Exception) -> Outcome:
        await outbox.mark_failed(self.db, ids, str(error))
        self.stats.failed += 1
        return Outcome(Fate.GIVEN_UP, chat)

    async def _gone(self, chat: ChatSettings, error: Exception) -> Outcome:
        cancelled = await chats.deactivate(self.db, chat.chat_id, str(error))
        log.info("chat %s is gone (%s): %d deliveries cancelled", chat.chat_id, error, cancelled)
        self.stats.cancelled_chats += 1
        return Outcome(Fate.GONE, chat)
