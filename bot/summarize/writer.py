"""Summarise papers: ask the model, check every answer, ask again (at most twice, saying what
was wrong), and store only what passed. A paper whose answers were all unusable keeps its
fallback; one the endpoint could not answer is left for the next run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.clock import Clock
from bot.core.models import Paper
from bot.summarize.check import Reference, parse_answer
from bot.summarize.client import ChatClient, EndpointError
from bot.summarize.judge import Judge, Meaning
from bot.summarize.prompt import PROMPT_VERSION, messages
from bot.summarize.verify import load_judge
from storage import archive, summaries
from storage.db import Database
from storage.summaries import SummaryKey

log = logging.getLogger(__name__)

RETRIES = 2  # unusable answers asked again, each time saying what was wrong
ENDPOINT = "endpoint"  # the reason for papers the endpoint never answered


@dataclass(frozen=True)
class Written:
    """What became of one paper in one language."""

    sections: Mapping[str, str] | None  # None: refused, or the endpoint failed
    reason: str | None  # None when stored
    tokens: int
    requests: int


@dataclass
class SummaryReport:
    asked: int = 0
    stored: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # by reason, endpoint included
    tokens: int = 0
    requests: int = 0

    def line(self) -> str:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.refused.items()))
        refused = sum(self.refused.values())
        return (
            f"Asked {self.asked} paper(s): {self.stored} stored, {refused} refused"
            f"{f' ({reasons})' if reasons else ''}; {self.tokens:,} tokens used."
        )


async def write_summary(
    client: ChatClient, paper: Paper, lang: str, day: Sequence[str], judge: Judge
) -> Written:
    """Ask until an answer passes the check, at most ``1 + RETRIES`` times."""
    complaints: list[str] = []
    tokens = requests = 0
    reason = "format"
    for _ in range(1 + RETRIES):
        try:
            completion = await client.complete(messages(paper, lang, complaints))
        except EndpointError as error:
            log.warning("summary of %s (%s): %s", paper.arxiv_id, lang, error)
            return Written(None, ENDPOINT, tokens, requests)
        requests += 1
        tokens += completion.tokens
        answer = parse_answer(completion.content)
        verdict = await asyncio.to_thread(judge.answer, answer, lang, Reference.of(paper), day)
        if verdict.ok:
            return Written(verdict.sections, None, tokens, requests)
        reason = verdict.reason or reason
        complaints.append(verdict.detail)
    return Written(None, reason, tokens, requests)


async def summarize(
    db: Database,
    client: ChatClient,
    languages: Sequence[str],
    clock: Clock,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
    force: bool = False,
    concurrency: int = 4,
    progress: Callable[[int, int, str], None] | None = None,
    given: Mapping[str, list[Paper]] | None = None,
    meaning: Meaning | None = None,
) -> SummaryReport:
    """Summarise every paper listed from ``start`` to ``end`` that lacks a summary (or the
    papers ``given`` per language, when the caller looked them up already), at most
    ``concurrency`` requests at a time. ``meaning``: a sentence encoder for the check."""
    report = SummaryReport()
    judge = await load_judge(db, meaning)
    gate = asyncio.Semaphore(concurrency)

    async def one(paper: Paper, key: SummaryKey, others: list[str]) -> None:
        async with gate:
            written = await write_summary(client, paper, key.lang, others, judge)
        await _keep(db, paper.arxiv_id, key, written, report, clock.now())
        if progress is not None:
            done = report.stored + sum(report.refused.values())
            progress(done, report.asked, f"{paper.arxiv_id} ({key.lang})")

    for lang in languages:
        key = SummaryKey(lang, client.model, PROMPT_VERSION)
        if given is not None:
            todo = given.get(lang, [])
        else:
            todo = await summaries.pending(db, key, start, end, limit, force)
        neighbours = await _neighbours(db, todo)
        report.asked += len(todo)
        await asyncio.gather(*(one(p, key, neighbours.get(p.arxiv_id, [])) for p in todo))
    return report


async def _keep(
    db: Database,
    arxiv_id: str,
    key: SummaryKey,
    written: Written,
    report: SummaryReport,
    now: dt.datetime,
) -> None:
    """Store a summary that passed, remember a refusal; an endpoint failure is retried later."""
    report.tokens += written.tokens
    report.requests += written.requests
    if written.sections is not None:
        await summaries.store(db, arxiv_id, key, written.sections, written.tokens, now)
        report.stored += 1
        return
    reason = written.reason or ENDPOINT
    report.refused[reason] += 1
    if reason != ENDPOINT:
        await summaries.refuse(db, arxiv_id, key, reason, written.tokens, now)


async def _neighbours(db: Database, papers: Sequence[Paper]) -> dict[str, list[str]]:
    """For each paper, the arXiv ids of the papers of its digest."""
    by_day: dict[dt.date, list[str]] = defaultdict(list)
    for day in {paper.date for paper in papers if paper.date}:
        by_day[day] = [p.arxiv_id for p in await archive.digest_papers(db, day)]
    return {paper.arxiv_id: by_day[paper.date] if paper.date else [] for paper in papers}
