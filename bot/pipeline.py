"""The pipeline the running bot drives: poll the sources, judge and fan new listings out,
write summaries, wake the sender. PTB's ``bot_data`` is a ``BotData`` holding it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.asking import Asker
from bot.core.clock import Clock, SystemClock
from bot.core.models import Paper
from bot.core.settings import Settings
from bot.core.topics import Topic
from bot.deliver.budget import Budget
from bot.deliver.recap import recap_reply, send_recap
from bot.deliver.sender import Sender
from bot.publish.digest import write_day
from bot.publish.repository import Clone, publish_archive, publish_dir
from bot.select.fan_out import RECENT_DAYS, fan_out, rematch
from bot.select.recap import plan_recaps, recap_content
from bot.source import backfill
from bot.source.backfill import BackfillReport
from bot.source.fulltext import FullTextSource
from bot.source.ingest import IngestReport
from bot.source.poll import poll, refresh_votes
from bot.summarize.client import ChatClient
from bot.summarize.prompt import PROMPT_VERSION
from bot.summarize.translate import QueryTranslator
from bot.summarize.verify import verify_digest_summaries
from bot.summarize.writer import summarize
from bot.understand.foryou import ForYou, cold_start
from bot.understand.meaning import archive_meaning
from bot.understand.search import SearchResults, search
from bot.understand.semantic import Semantic
from bot.understand.topics import ASK_AT_ONCE, TopicMatcher, topics_in_english
from storage import archive, meta, recaps, subscriptions, summaries
from storage.db import Database
from storage.summaries import SummaryKey
from storage.timestamps import utc_text

log = logging.getLogger(__name__)


@dataclass
class PollResult:
    """One poll or vote refresh, as /stats and /ingest show it."""

    at: str
    report: IngestReport
    deliveries: int = 0

    def summary(self) -> dict[str, object]:
        """The figures kept as the ``last_poll`` meta value."""
        return {
            "at": self.at,
            "changed": self.report.changed,
            "new_digests": [d.isoformat() for d in self.report.new_digests],
            "papers_new": self.report.papers_new,
            "deliveries": self.deliveries,
            "errors": self.report.errors,
        }


SENDER_TASK = "paperboy.sender"
FIRST_POLL_TASK = "paperboy.first_poll"
BACKFILL_TASK = "paperboy.backfill"
RECAP_TASK = "paperboy.first_recaps"  # recaps due while the bot was down, sent at start
SEMANTIC_TASK = "paperboy.semantic"
SUMMARIES_TASK = "paperboy.summaries"
INDEX_TASK = "paperboy.index"
TRANSLATE_TASK = "paperboy.translate_topics"  # new Korean topics' English, asked at once
PUBLISH_TASK = "paperboy.publish"  # commits and pushes to PAPERBOY_PUBLISH_GIT
STOP_SECONDS = 10  # a task's own clean-up at shutdown (a transaction) takes far less


class Background:
    """Every task the bot runs beside its updates, by name: started here, one of a name at
    a time, and stopped here at shutdown, in the order they started (the sender first, so
    no task stopping after it waits on a send)."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def start(self, name: str, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """Run ``work`` as the task ``name``; None (and ``work`` closed unrun) while a task
        of that name still runs."""
        if self.running(name):
            work.close()
            return None
        task = self._tasks[name] = asyncio.create_task(work, name=name)
        return task

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def get(self, name: str) -> asyncio.Task[Any] | None:
        return self._tasks.get(name)

    async def stop(self) -> None:
        """Cancel every task and wait for each: rows are marked sent one by one and each
        digest is one transaction, so a cancelled broadcast or poll resumes where it stopped."""
        for name in list(self._tasks):
            task = self._tasks.pop(name)
            if not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=STOP_SECONDS)
                if not task.done():
                    log.warning(
                        "%s did not stop within %d s; closing without it", name, STOP_SECONDS
                    )
                elif not task.cancelled() and task.exception() is not None:
                    log.warning("%s ended with %r", name, task.exception())


@dataclass
class Pipeline:
    """The database, the sender and the HTTP client, the steps that join them, and the
    background tasks that run them."""

    settings: Settings
    db: Database
    clock: Clock
    sender: Sender
    http: httpx.AsyncClient
    writer: ChatClient | None = None  # the language model, when one is configured
    poll_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tasks: Background = field(default_factory=Background)
    semantic: Semantic | None = None  # the embedding model and vector index, once loaded
    foryou: ForYou | None = None  # chats' tastes ("For you"), with the semantic index
    backfilling: tuple[int, int] | None = None  # days done and planned, while it runs
    translator: QueryTranslator | None = None  # Korean queries in English, by the writer
    recap_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one recap run at a time
    asker: Asker = field(init=False)  # questions to papers, from their full texts
    _publish_again: bool = False  # another publish was asked for while one ran
    _publish_since: dt.date = dt.date(2023, 5, 4)
    _to_translate: set[str] = field(default_factory=set)  # topics /subscribe just added

    def __post_init__(self) -> None:
        if self.writer is not None and self.translator is None:
            self.translator = QueryTranslator(self.writer)
        source = FullTextSource(self.http, self.settings.fulltext_url, self.settings.fetch_rate)
        self.asker = Asker(
            self.settings,
            self.db,
            self.clock,
            self.writer,
            source,
            self.translator,
            lambda: self.semantic.embedder if self.semantic is not None else None,
        )

    @property
    def summarizing(self) -> asyncio.Task[Any] | None:
        """The summaries being written in the background, if any."""
        return self.tasks.get(SUMMARIES_TASK)

    @property
    def indexing(self) -> asyncio.Task[Any] | None:
        """The papers without a vector being embedded, if any."""
        return self.tasks.get(INDEX_TASK)

    def topics(self) -> TopicMatcher:
        """The topic matcher: by meaning once the encoder loaded, by keywords until then; a
        Korean free-text topic also by its English when a language model is configured."""
        return TopicMatcher(self.semantic, self.translator, self.db, self.clock)

    def translate_topics(self, keys: Iterable[str]) -> None:
        """Ask the language model for the English of newly subscribed Korean topics now, in
        the background, so the next fan-out finds it kept rather than waiting on it. Topics
        subscribed while a translation runs join it."""
        if self.translator is not None:
            self._to_translate.update(keys)
            self.tasks.start(TRANSLATE_TASK, self._translate_pending())

    async def _translate_pending(self) -> None:
        matcher = self.topics()
        while self._to_translate:
            keys = sorted(self._to_translate)[:ASK_AT_ONCE]
            self._to_translate.difference_update(keys)
            await matcher.translate(Topic(key) for key in keys)

    async def topics_in_english(self, keys: Sequence[str]) -> dict[str, str]:
        """How a chat's Korean topics are matched in English, for /topics to show."""
        return await topics_in_english(self.db, keys)

    async def search(
        self,
        text: str,
        limit: int = 10,
        offset: int = 0,
        mode: str = "hybrid",
        typing: bool = False,
    ) -> SearchResults:
        """The archive searched by words and, once the encoder loaded, by meaning; a Korean
        query also in English when the language model gives a translation in time. While
        ``typing`` (inline mode, a query per keystroke) only a translation made before is
        used: no call, no wait."""
        meaning = None
        if self.semantic is not None:
            meaning = self.semantic.rank
            await self.semantic.gloss(text)
        english = None
        if self.translator is not None:
            english = (
                self.translator.remembered(text) if typing else await self.translator.english(text)
            )
        return await search(self.db, text, limit, offset, mode, meaning, english)

    async def send_recaps(self, bot: Any) -> int:
        """Every weekly recap due now, sent through ``bot`` (PTB's, from the shell); then each
        chat's next one planned. Returns recaps sent. Runs every minute (a job), and the rows
        make it restart-safe."""
        now = self.clock.now()
        sent = 0
        async with self.recap_lock:
            for recap in await recaps.due(self.db, now):
                chat = await subscriptions.chat_settings(self.db, recap.chat_id)
                if chat is None:
                    continue
                content = await recap_content(self.db, recap.chat_id, recap.week)
                picks: list[Paper] = []
                if self.foryou is not None:
                    found = await self.foryou.picks(recap.chat_id, "week", now)
                    picks = [pick.paper for pick in found or []]
                reply = recap_reply(
                    chat,
                    content.start,
                    content.end,
                    content.top,
                    picks,
                    content.followed,
                    (content.papers, content.digests),
                )
                sent += await send_recap(bot, self.db, recap, chat, reply, now)
            await plan_recaps(self.db, now, self.settings.timezone)
        return sent

    async def cold_start(self) -> list[tuple[Paper, str]]:
        """/start's papers to rate (understand/foryou.cold_start)."""
        return await cold_start(self.db, self.foryou, self.clock.now())

    async def poll_now(self) -> PollResult:
        """Poll every source once (never two polls at a time), fan out, wake the sender."""
        async with self.poll_lock:
            try:
                now = self.clock.now()
                report = await poll(
                    self.db, self.settings.sources, self.http, now, self.settings.hf_api_url
                )
                await self._start_summaries(now)  # before fan-out: the new cards start held
                if self.semantic is not None and report.papers_new:
                    # Topics match meaning: the new papers are embedded before fan-out (newest
                    # first, so an old backlog waits for the background catch-up).
                    await self._index(self.semantic, limit=report.papers_new)
                await self.verify_digest_summaries()  # before fan-out: cards show the verdict
                result = await self._fan_out("poll", now, report)
                await meta.write(self.db, "last_poll", result.summary())
                if not self.tasks.running(SUMMARIES_TASK):
                    await self.publish(now)  # else once the summaries are written
                if report.papers_new:
                    self.start_indexing()
                return result
            finally:
                self.sender.wake()

    async def refresh_votes(self, days: int = 7) -> PollResult:
        """Re-read the API for the last ``days`` dates: live votes (and late joiners)."""
        async with self.poll_lock:
            try:
                now = self.clock.now()
                report = await refresh_votes(
                    self.db, self.http, self.settings.hf_api_url, now, days
                )
                return await self._fan_out("vote refresh", now, report)
            finally:
                self.sender.wake()

    async def _start_summaries(self, now: dt.datetime) -> None:
        """Hold the recent papers that lack a summary (their cards wait, at most
        ``summary_wait``) and write them in the background: never inside the poll."""
        if self.writer is None or self.tasks.running(SUMMARIES_TASK):
            return
        since = now.date() - dt.timedelta(days=RECENT_DAYS)
        todo = {
            lang: await summaries.pending(
                self.db, SummaryKey(lang, self.writer.model, PROMPT_VERSION), since
            )
            for lang in self.settings.summary_languages
        }
        waiting = {paper.arxiv_id for papers in todo.values() for paper in papers}
        if not waiting:
            return
        self.sender.holds.hold(waiting, now + dt.timedelta(seconds=self.settings.summary_wait))
        self.tasks.start(SUMMARIES_TASK, self._summarize(todo, waiting, now))

    async def _summarize(
        self, todo: dict[str, list[Paper]], waiting: set[str], polled: dt.datetime
    ) -> None:
        """Write the summaries, match topics again with their text, then let the cards go."""
        assert self.writer is not None
        try:
            report = await summarize(
                self.db,
                self.writer,
                list(todo),
                self.clock,
                concurrency=self.settings.llm_concurrency,
                given=todo,
                meaning=await archive_meaning(self.db, self.semantic),
            )
            log.info("summaries: %s", report.line())
            await rematch(
                self.db, waiting, polled, self.settings.timezone, self.topics(), self.foryou
            )
        except Exception:  # logged; the next poll tries again
            log.exception("summaries failed")
        finally:
            await self.sender.release(waiting)
        await self.publish(polled)

    async def publish(self, now: dt.datetime) -> list[Path]:
        """Write the recent days' digests to ``digest_dir``, with the summaries written so far;
        a file whose text is unchanged is left alone. Returns the files written."""
        directory = self.settings.digest_dir
        self.publish_git(now)
        if directory is None:
            return []
        lang = self.settings.summary_languages[0]
        written = []
        since = now.date() - dt.timedelta(days=RECENT_DAYS)
        for day in await archive.digest_dates(self.db, since):
            try:
                if (path := await write_day(self.db, day, directory, lang)) is not None:
                    written.append(path)
            except OSError as error:  # a full disk must not stop polling
                log.error("digest %s not written to %s: %s", day, directory, error)
        if written:
            log.info("digests written: %s", ", ".join(str(path) for path in written))
        return written

    def publish_git(self, now: dt.datetime) -> None:
        """Commit and push the recent days to PAPERBOY_PUBLISH_GIT in the background: a slow
        or failing remote never holds up a poll or a delivery. A publish asked for while one
        runs follows it."""
        if self.settings.publish_git is None:
            return
        self._publish_since = now.date() - dt.timedelta(days=RECENT_DAYS)
        self._publish_again = True
        self.tasks.start(PUBLISH_TASK, self._publish_loop())

    async def _publish_loop(self) -> None:
        assert self.settings.publish_git is not None
        clone = Clone(
            self.settings.publish_git,
            self.settings.publish_branch,
            publish_dir(self.settings.db_path),
        )
        while self._publish_again:
            self._publish_again = False
            report = await publish_archive(self.db, clone, self._publish_since)
            (log.warning if report.problem else log.info)("%s", report.line())
            await meta.write(self.db, "last_publish", {"at": utc_text(self.clock.now()),
                                                       "line": report.line()})  # fmt: skip

    async def backfill_if_empty(self) -> BackfillReport | None:
        """The history on first run (``PAPERBOY_BACKFILL=auto``): fill an empty archive,
        politely, while the bot answers. None when there was nothing to do."""
        if self.settings.backfill != "auto" or (await archive.archive_stats(self.db)).papers:
            return None
        todo = await backfill.plan(self.db, self.settings.sources, "all", self.clock.now().date())
        if not todo.total:
            return None
        log.info("empty archive: backfilling %d days in the background", todo.total)
        self.backfilling = (0, todo.total)

        def progress(done: int, total: int, day: dt.date) -> None:
            self.backfilling = (done, total)
            if done % 50 == 0:
                log.info("backfill: %d/%d days (%s)", done, total, day)

        try:
            pacer = backfill.HostPacer(self.settings.fetch_rate)
            report = await backfill.backfill(
                self.db, self.http, todo, self.settings.hf_api_url, pacer, progress
            )
        finally:
            self.backfilling = None
        log.info("%s", report.line())
        self.start_indexing()
        return report

    @property
    def loading_percent(self) -> int | None:
        """How far a running backfill is, for the note on /top and /search; None: not
        running."""
        if self.backfilling is None:
            return None
        done, total = self.backfilling
        return min(99, done * 100 // max(total, 1))

    def start_indexing(self) -> None:
        """Embed the papers without a vector, in the background (one catch-up at a time)."""
        if self.semantic is not None:
            self.tasks.start(INDEX_TASK, self._index(self.semantic))

    async def _index(self, semantic: Semantic, limit: int | None = None) -> int:
        try:
            done = await semantic.catch_up(limit=limit)
        except Exception:  # logged; the next poll tries again
            log.exception("embedding new papers failed")
            return 0
        if done:
            log.info("embedded %d papers; %d in the index", done, len(semantic.index))
        if limit is None:  # the background catch-up: digest summaries never judged, too
            await self.verify_digest_summaries()
        return done

    async def verify_digest_summaries(self) -> None:
        """Judge the digest summaries not judged yet (bot/summarize/verify.py)."""
        try:
            meaning = await archive_meaning(self.db, self.semantic)
            report = await verify_digest_summaries(self.db, meaning)
        except Exception:  # logged; the next poll tries again
            log.exception("checking digest summaries failed")
            return
        if report.judged:
            log.info("%s", report.line())

    async def summary_counts(self) -> dict[str, int] | None:
        """Summaries written, recent papers waiting, refusals and today's tokens; None when
        no model is configured."""
        if self.writer is None:
            return None
        now = self.clock.now()
        keys = [
            SummaryKey(lang, self.writer.model, PROMPT_VERSION)
            for lang in self.settings.summary_languages
        ]
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        recent = now.date() - dt.timedelta(days=RECENT_DAYS)
        return await summaries.counts(self.db, keys, recent, today)

    async def aclose(self) -> None:
        """Stop every background task, then close the HTTP client and the database."""
        await self.tasks.stop()
        async with self.poll_lock:  # a poll in progress: each digest is one transaction
            await self.http.aclose()
            await self.db.close()

    async def _fan_out(self, what: str, now: dt.datetime, report: IngestReport) -> PollResult:
        """New listings become deliveries; the poll is logged with every problem it met."""
        deliveries = await fan_out(
            self.db, self.clock.now(), self.settings.timezone, self.topics(), self.foryou
        )
        log.info(
            "%s: %d inputs, %d changed, %d new digests, %d new papers, %d deliveries, %d errors",
            *(what, report.inputs, report.changed, len(report.new_digests)),
            *(report.papers_new, deliveries, len(report.issues)),
        )
        for error in report.errors:
            log.warning("%s: %s", what, error)
        return PollResult(utc_text(now), report, deliveries)


@dataclass
class BotData:
    """PTB's ``bot_data``, typed (``ContextTypes(bot_data=BotData)``): the settings and test
    hooks from the composition root, then the pipeline once the bot has started."""

    settings: Settings = field(default_factory=Settings)
    clock: Clock = field(default_factory=SystemClock)
    budget: Budget | None = None  # the bot's rate limiter, for the sender
    pipeline: Pipeline | None = None

    @property
    def running(self) -> Pipeline:
        """The pipeline; handlers run only after ``post_init`` made them."""
        assert self.pipeline is not None, "the bot has not started"
        return self.pipeline
