"""The summary check with the archive behind it: every paper's reference, the terms' weights,
and the rivals a summary is held against (the papers that share its rarest terms, and, with
a sentence encoder, the papers nearest to it in meaning).

Held in memory as numbers, not strings: a paper's terms are a sorted array of term ids, and
the rare terms (in at most ``RARE_SHARE`` of papers) have posting lists, so finding a
summary's rivals reads a few short lists. Measured at 20,000 papers by bench.summary_check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np

from bot.core.gist import GIST_CHARS
from bot.summarize.check import (
    OFF_TOPIC,
    Reference,
    Rivals,
    TermWeights,
    Verdict,
    clearly_on_topic,
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
        self._ids = list(self.references)
        rare = max(1, int(RARE_SHARE * len(self._ids)))
        postings: dict[str, list[int]] = {}
        for row, reference in enumerate(self.references.values()):
            for term in reference.terms:
                if self.weights.counts[term] <= rare:
                    postings.setdefault(term, []).append(row)
        self._postings = {t: np.array(rows, np.int32) for t, rows in postings.items()}

    def _by_words(self, summary: str) -> list[str]:
        """The papers sharing the most weight of ``summary``'s rare terms, best first."""
        rows, weights = [], []
        for term in terms(summary):
            found = self._postings.get(term)
            if found is not None:
                rows.append(found)
                weights.append(np.full(len(found), self.weights.weight(term)))
        if not rows:
            return []
        scores = np.bincount(np.concatenate(rows), np.concatenate(weights), len(self._ids))
        k = min(RIVALS + 1, int(np.count_nonzero(scores)))
        top = np.argpartition(-scores, k - 1)[:k]
        return [self._ids[i] for i in sorted(top, key=lambda i: (-scores[i], i))]

    def rivals(self, summary: str, day: Sequence[str], exclude: str) -> Rivals:
        """The day's other papers, and the archived papers sharing ``summary``'s rare terms."""
        return Rivals(
            [self.references[a] for a in day if a != exclude and a in self.references],
            self._archived(self._by_words(summary), {exclude, *day}),
        )

    def _archived(self, arxiv_ids: Iterable[str], skip: set[str]) -> list[Reference]:
        found = (a for a in dict.fromkeys(arxiv_ids) if a not in skip)
        return [self.references[a] for a in found if a in self.references]

    def _cosines(self, summary: str, paper: Reference, rivals: Rivals) -> dict[str, float] | None:
        if self.meaning is None or paper.thin:
            return None
        ids = [paper.arxiv_id, *(r.arxiv_id for r in (*rivals.day, *rivals.archive))]
        cosines = self.meaning.cosines(summary, ids)
        # A paper without a vector (not embedded yet) is judged by its words alone.
        return cosines if paper.arxiv_id in cosines else None

    def about(self, summary: str, paper: Reference, day: Sequence[str]) -> bool:
        """Whether a summary (a digest's own, say) is about ``paper``; ``day``: the arXiv ids
        of the papers listed with it.

        Words first: a summary whose words clearly pick its paper out of the day and of the
        archive passes without the encoder (an embedding costs more than the rest of the
        check; 3 in 4 real summaries are settled so). The rest are judged on words and
        meaning together."""
        rivals = self.rivals(summary, day, paper.arxiv_id)
        if self.meaning is None or paper.thin:
            return on_topic(summary, paper, rivals, self.weights)
        if clearly_on_topic(summary, paper, rivals, self.weights):
            return True
        # then on words and meaning, against the papers nearest in meaning as well
        nearest = self.meaning.nearest(gist(summary), RIVALS + 1)
        found = [*(r.arxiv_id for r in rivals.archive), *nearest]
        rivals = Rivals(rivals.day, self._archived(found, {paper.arxiv_id, *day}))
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
