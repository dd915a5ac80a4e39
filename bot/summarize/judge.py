"""The summary check with the archive behind it: every paper's reference, the terms' weights,
and the rivals a summary is held against (the papers that share its rarest terms, and, with
a sentence encoder, the papers nearest to it in meaning).

Held in memory as numbers, not strings: a paper's terms are a sorted array of term ids, and
the rare terms (in at most ``RARE_SHARE`` of papers) have posting lists, so finding a
summary's rivals reads a few short lists. Measured at 20,000 papers by bench.summary_check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from bot.core.gist import GIST_CHARS
from bot.summarize.check import (
    OFF_TOPIC,
    Reference,
    Rivals,
    TermWeights,
    Verdict,
    on_topic,
    read_answer,
    terms,
)

RIVALS = 10  # archived papers a summary is held against, by words and again by meaning
RARE_SHARE = 0.05  # a term in more papers than this finds no rivals


class Meaning(Protocol):
    """A sentence encoder over the archive's paper vectors (bot/understand provides one)."""

    def cosines(self, text: str, arxiv_ids: Sequence[str]) -> dict[str, float]:
        """The cosine of ``text`` with each paper's vector (papers without one are left out)."""
        ...

    def nearest(self, text: str, k: int) -> list[str]:
        """The ``k`` papers nearest to ``text``, best first."""
        ...


class Judge:
    """Judges summaries for papers of the archive it was built from."""

    def __init__(self, references: Iterable[Reference], meaning: Meaning | None = None) -> None:
        self.meaning = meaning
        self.references: dict[str, Reference] = {}
        for reference in references:
            self.references[reference.arxiv_id] = reference
        self.weights = TermWeights(r.terms for r in self.references.values())
        rare = max(1, int(RARE_SHARE * len(self.references)))
        self._postings: dict[str, list[str]] = {}
        for reference in self.references.values():
            for term in reference.terms:
                if self.weights.counts[term] <= rare:
                    self._postings.setdefault(term, []).append(reference.arxiv_id)

    def rivals(self, summary: str, day: Sequence[str], exclude: str) -> Rivals:
        """The day's other papers, and the archived papers that could fit ``summary`` best."""
        scores: Counter[str] = Counter()
        for term in terms(summary):
            for arxiv_id in self._postings.get(term, ()):
                scores[arxiv_id] += self.weights.weight(term)
        found = [arxiv_id for arxiv_id, _ in scores.most_common(RIVALS + 1)]
        if self.meaning is not None:
            found += self.meaning.nearest(gist(summary), RIVALS + 1)
        skip = {exclude, *day}
        archive = [self.references[a] for a in dict.fromkeys(found) if a not in skip]
        return Rivals(
            [self.references[a] for a in day if a != exclude and a in self.references],
            archive,
        )

    def _cosines(self, summary: str, paper: Reference, rivals: Rivals) -> dict[str, float] | None:
        if self.meaning is None or paper.thin:
            return None
        ids = [paper.arxiv_id, *(r.arxiv_id for r in (*rivals.day, *rivals.archive))]
        cosines = self.meaning.cosines(summary, ids)
        # A paper without a vector (not embedded yet) is judged by its words alone.
        return cosines if paper.arxiv_id in cosines else None

    def about(self, summary: str, paper: Reference, day: Sequence[str]) -> bool:
        """Whether a summary (a digest's own, say) is about ``paper``; ``day``: the arXiv ids
        of the papers listed with it."""
        rivals = self.rivals(summary, day, paper.arxiv_id)
        cosines = self._cosines(gist(summary), paper, rivals)
        return on_topic(summary, paper, rivals, self.weights, cosines)

    def answer(
        self,
        answer: Mapping[str, object] | None,
        lang: str,
        paper: Reference,
        day: Sequence[str],
    ) -> Verdict:
        """Judge a model's answer for ``paper``: its form, then whether it is about it."""
        verdict = read_answer(answer, lang)
        if verdict.ok and not self.about("\n".join(verdict.sections.values()), paper, day):
            detail = "Summarise this paper only, naming its method, models and results."
            return Verdict({}, OFF_TOPIC, detail)
        return verdict


def gist(summary: str) -> str:
    """What of a summary is embedded: its start (What's New), as a paper's vector embeds a
    short gist; the encoder reads short texts best."""
    return summary[:GIST_CHARS]
