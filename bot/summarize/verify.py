"""A digest's own summary passes the same check as a model's answer before readers see it.

Judged after each ingest (and at start for papers never judged): against the paper's
abstract, AI summary and keywords when the archive has them (the HF API source and backfill
bring them); without an abstract it is shown unjudged. A summary that fails is kept in the
archive (``paperboy digest`` still exports the file byte for byte) but withheld from
readers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.summarize.check import OFF_TOPIC, Reference
from bot.summarize.judge import Judge, Meaning
from storage import summaries
from storage.archive import CHECK_OK
from storage.db import Database

BATCH = 500  # papers judged and recorded per step


@dataclass(frozen=True)
class VerifyReport:
    judged: int
    withheld: list[str]  # arXiv ids

    def line(self) -> str:
        return f"{self.judged} digest summaries checked, {len(self.withheld)} withheld"


async def load_judge(db: Database, meaning: Meaning | None = None) -> Judge:
    """The check with the whole archive behind it."""
    papers = await summaries.references(db)
    return await asyncio.to_thread(Judge, (Reference.of(p) for p in papers), meaning)


async def verify_digest_summaries(
    db: Database, meaning: Meaning | None = None, judge: Judge | None = None
) -> VerifyReport:
    """Judge every digest summary not judged yet, and record each verdict."""
    judged = 0
    withheld: list[str] = []
    while batch := await summaries.unchecked_digest_summaries(db, BATCH):
        if judge is None:
            judge = await load_judge(db, meaning)

        def run(todo=batch, judge=judge) -> dict[str, str]:
            verdicts = {}
            for paper, day in todo:
                reference = Reference.of(paper)
                # The title rule withholds 18% of correct summaries (bench.summary_check): on
                # a thin reference a digest's summary is shown, as before, until an abstract
                # arrives (the HF API source, backfill) and it is judged again.
                ok = reference.thin or judge.about(paper.summary_text, reference, day)
                verdicts[paper.arxiv_id] = CHECK_OK if ok else OFF_TOPIC
            return verdicts

        verdicts = await asyncio.to_thread(run)
        await summaries.set_digest_checks(db, verdicts)
        judged += len(verdicts)
        withheld += [a for a, v in verdicts.items() if v != CHECK_OK]
    return VerifyReport(judged, withheld)
