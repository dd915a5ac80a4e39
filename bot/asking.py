"""Asking a paper (issue 29), as a step of the pipeline: the chat's allowance, the paper's
full text (fetched once, kept), the passages for the question, the model's checked answer,
and the tokens it cost. Telegram stays out: the caller streams ``on_text`` and shows the
``Outcome``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

from bot.core.clock import Clock
from bot.core.fulltext import FullText, NoFullText, Passage, Section, passages
from bot.core.limits import QUESTION_CHARS
from bot.core.models import Paper
from bot.core.settings import Settings
from bot.source.fulltext import FullTextSource
from bot.summarize import ask as asking
from bot.summarize.client import ChatClient, EndpointError
from bot.summarize.translate import QueryTranslator
from bot.understand.embedder import Embedder
from bot.understand.passage_search import by_meaning, passage_vectors, ranked, relevant
from storage import fulltext
from storage.db import Database

log = logging.getLogger(__name__)

REFRESH = dt.timedelta(days=30)  # a text read this long ago is asked for again (conditionally)
RETRY_NONE = dt.timedelta(hours=12)  # a page that had no text is tried again after this
# Tokens kept out of the passages' budget besides the instructions, title and question: the
# retry's repeated answer and complaint (bot/summarize/ask.py RETRY_CHARS), and the framing.
RETRY_RESERVE = 500


@dataclass(frozen=True)
class Outcome:
    """``kind``: answered, no_model, spent (the day's questions), too_long (the question),
    endpoint (the model gave nothing in time)."""

    kind: str
    answer: asking.Answer | None = None
    without_text: str = ""  # why the answer is from the abstract only ('' : the full text)
    detail: str = ""


class Asker:
    """Questions to papers for the whole bot: one per chat's allowance, one fetch per paper
    however many readers ask at once, the model asked within the context budget."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        clock: Clock,
        client: ChatClient | None,
        source: FullTextSource,
        translator: QueryTranslator | None = None,
        embedder: Callable[[], Embedder | None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.client = client
        self.source = source
        self.translator = translator
        self._embedder = embedder
        self._reading: dict[str, asyncio.Task[FullText | NoFullText]] = {}

    async def text(self, arxiv_id: str, refresh: bool = False) -> FullText | NoFullText:
        """The paper's full text: the stored one, else fetched now (one fetch per paper at a
        time however many readers ask), refreshed when old or ``refresh``."""
        task = self._reading.get(arxiv_id)
        if task is None:
            task = asyncio.ensure_future(self._read(arxiv_id, refresh))
            self._reading[arxiv_id] = task
            task.add_done_callback(lambda _: self._reading.pop(arxiv_id, None))
        return await asyncio.shield(task)

    async def _read(self, arxiv_id: str, refresh: bool) -> FullText | NoFullText:
        now = self.clock.now()
        known = await fulltext.latest(self.db, arxiv_id)
        if known is not None and not refresh:
            fresh = fulltext.age(known, now) < (REFRESH if known.text else RETRY_NONE)
            if fresh:
                return known.text or NoFullText(known.reason)
        got = await self.source.fetch(arxiv_id, known)
        if got.unchanged and known is not None:
            await fulltext.touch(self.db, arxiv_id, now)
            return known.text or NoFullText(known.reason)
        if got.later:  # nothing learnt: what was read before still serves
            log.info("full text of %s: %s", arxiv_id, got.reason)
            if known is not None and known.text is not None:
                return known.text
            return NoFullText(got.reason)
        if got.text is None:
            await fulltext.store_refusal(self.db, arxiv_id, got.reason, now, got.seen)
            if known is not None and known.text is not None:  # a page that broke later
                await fulltext.touch(self.db, arxiv_id, now)
                return known.text
            return NoFullText(got.reason)
        await fulltext.store_text(self.db, arxiv_id, got.text, now, got.seen)
        return got.text

    async def answer(
        self,
        chat_id: int,
        day: dt.date,
        paper: Paper,
        question: str,
        lang: str,
        on_text: Callable[[str], Awaitable[None]],
    ) -> Outcome:
        if self.client is None:
            return Outcome("no_model")
        loop = asyncio.get_running_loop()
        started = loop.time()
        question = " ".join(question.split())
        if len(question) > QUESTION_CHARS:
            return Outcome("too_long", detail=str(QUESTION_CHARS))
        if not await fulltext.count_question(self.db, chat_id, day, self.settings.ask_per_day):
            return Outcome("spent", detail=str(self.settings.ask_per_day))
        found = await self.text(paper.arxiv_id)
        without = found.reason if isinstance(found, NoFullText) else ""
        sections = _sections_of(paper, found)
        pieces = passages(FullText(paper.title, sections))
        english = await self.translator.english(question) if self.translator else None
        meaning = await self._meaning(paper.arxiv_id, found, pieces, question)
        # The whole prompt, a retry included, within PAPERBOY_ASK_CONTEXT tokens.
        fixed = asking.prompt_tokens(paper.title, question, lang) + RETRY_RESERVE
        budget = max(300, self.settings.ask_context - fixed)
        chosen = relevant(pieces, question, budget, english, meaning)
        note = "" if not without else "Only the abstract is available."
        try:
            # The 60 s to the first words count from the question, the fetch included.
            first_words = max(5.0, asking.FIRST_WORDS - (loop.time() - started))
            answer = await asking.ask(
                self.client, paper.title, question, lang, chosen, sections, on_text, note,
                first_words,
            )  # fmt: skip
        except EndpointError as error:
            log.warning("asking %s failed: %s", paper.arxiv_id, error)
            await fulltext.refund_question(self.db, chat_id, day)
            closest = ranked(pieces, question, english, meaning)
            return Outcome("endpoint", detail=str(error), answer=_closest(closest))
        if not answer.grounded:
            closest = ranked(pieces, question, english, meaning)[:3]
            answer = dataclasses.replace(answer, closest=tuple(closest))
            log.info("no grounded answer for %s: %s", paper.arxiv_id, answer.problem)
        await fulltext.add_tokens(self.db, chat_id, day, answer.tokens)
        return Outcome("answered", answer, without)

    async def _meaning(
        self, arxiv_id: str, found: FullText | NoFullText, pieces: list[Passage], question: str
    ) -> list[int] | None:
        """The passages ranked by the encoder; their vectors are stored with the text, so a
        paper's passages are embedded once."""
        embedder = self._embedder()
        if embedder is None or not pieces:
            return None
        stored = None
        if isinstance(found, FullText):
            stored = await fulltext.vectors(self.db, arxiv_id, found.version, embedder.model)
        if stored is None or len(stored) != len(pieces):
            stored = await asyncio.to_thread(passage_vectors, embedder, pieces)
            if isinstance(found, FullText):
                await fulltext.store_vectors(
                    self.db, arxiv_id, found.version, embedder.model, stored
                )
        query: np.ndarray = await asyncio.to_thread(embedder.query, question)
        return by_meaning(query, stored)


def _sections_of(paper: Paper, found: FullText | NoFullText) -> tuple[Section, ...]:
    """The text quotes are checked against: the full text, or the abstract alone."""
    if isinstance(found, FullText):
        has_abstract = any(s.heading.lower() == "abstract" for s in found.sections)
        if has_abstract or not paper.abstract:
            return found.sections
        return (Section("Abstract", paper.abstract), *found.sections)
    return (Section("Abstract", paper.abstract or paper.summary_text or paper.title),)


def _closest(found: list[Passage]) -> asking.Answer:
    return asking.Answer("", (), False, tuple(found[:3]), "the language model did not answer")
