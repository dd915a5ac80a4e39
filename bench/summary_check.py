"""How well the summary check tells a paper's own Korean summary from a neighbour's.

Run: ``python -m bench.summary_check`` (needs ../shared/corpus). Every real Korean summary of
the shared digests is judged twice: for its own paper (it should pass) and for another paper
of the same day, chosen at random (a fluent summary of the wrong paper: it must be refused).
The reference is the paper's title: the corpus holds no abstract for any paper that has a
Korean summary (the digests are from 2023-24, the API days from 2026).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.core.models import Paper
from bot.parse.markdown import parse_digest
from bot.summarize.check import SECTIONS, TermWeights, check

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "daily_papers_ko"


@dataclass(frozen=True)
class Measure:
    own: int  # summaries judged for their own paper
    own_passed: int
    wrong: int  # summaries judged for another paper of their day
    wrong_passed: int
    refused_by_reason: dict[str, int]

    @property
    def recall(self) -> float:
        return self.own_passed / self.own

    @property
    def precision(self) -> float:
        return self.own_passed / (self.own_passed + self.wrong_passed)


def answer_of(paper: Paper) -> dict[str, object] | None:
    """A real summary as the model is asked to answer it; None unless it has all three."""
    if not all(paper.sections.get(name) for name in SECTIONS.values()):
        return None
    return {key: paper.sections[name] for key, name in SECTIONS.items()}


def measure(corpus: Path = CORPUS, seed: int = 1) -> Measure:
    days: dict[object, list[Paper]] = defaultdict(list)
    for path in sorted(corpus.rglob("*.md")):
        for digest in parse_digest(path.read_text(encoding="utf-8"), str(path)).digests:
            days[digest.date] += digest.papers
    weights = TermWeights(p.title for papers in days.values() for p in papers)
    rng = random.Random(seed)
    own = own_passed = wrong = wrong_passed = 0
    refused: dict[str, int] = defaultdict(int)
    for papers in days.values():
        for paper in papers:
            answer = answer_of(paper)
            others = [p for p in papers if p.arxiv_id != paper.arxiv_id]
            if answer is None or not others:
                continue
            verdict = check(answer, "ko", paper.title, [p.title for p in others], weights)
            own += 1
            own_passed += verdict.ok
            if not verdict.ok:
                refused[verdict.reason or ""] += 1
            target = rng.choice(others)
            neighbours = [p.title for p in papers if p.arxiv_id != target.arxiv_id]
            wrong += 1
            wrong_passed += check(answer, "ko", target.title, neighbours, weights).ok
    return Measure(own, own_passed, wrong, wrong_passed, dict(refused))


def main() -> None:
    if not CORPUS.is_dir():
        raise SystemExit(f"bench: {CORPUS} not found; the benchmark needs ../shared/corpus")
    m = measure()
    print(f"own summaries: {m.own:,}, passed {m.own_passed:,} (recall {m.recall:.3f})")
    print(f"  refused by reason: {m.refused_by_reason}")
    print(f"summaries judged for a neighbour: {m.wrong:,}, passed {m.wrong_passed:,}")
    print(f"precision of a pass: {m.precision:.4f}")


if __name__ == "__main__":
    main()
