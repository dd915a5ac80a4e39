"""The passages of one paper that answer a question, within a token budget.

Two rankings fused, as the archive search fuses them: by meaning (the USE encoder, which
carries a Korean question to English text) and by words (BM25 over the passages, the
question's Korean words also in English through the mined lexicon, and the model's
translation of the question when there is one). The abstract always goes first: it is what
every answer about a paper can lean on. Passages go to the model in the paper's order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from bot.core.fulltext import Passage, estimate_tokens
from bot.core.lexicon import korean_words, translations
from bot.understand.embedder import Embedder

FUSION_K = 60  # reciprocal-rank fusion's constant, as in bot/understand/search.py
BM25_K1 = 1.2
BM25_B = 0.75
_WORD = re.compile(r"[a-z][a-z0-9-]+|\d+(?:\.\d+)?")
_STOP_WORDS = (
    "a an and are as at be by can did do does for from has have how in is it its of on or"
    " that the their this to was were what when where which who why will with paper authors"
    " they use used using"
)
_STOP = frozenset(_STOP_WORDS.split())


def words(text: str) -> list[str]:
    """Lower-case words without stop words, a plural's s dropped (models → model)."""
    found = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


def question_words(question: str, english: str | None = None) -> list[str]:
    """The words a question is searched by: its own Latin words, its Korean words' English
    translations, and the model's English of it."""
    terms = words(question)
    for korean in korean_words(question):
        for translation in translations(korean):
            terms.extend(words(translation))
    if english:
        terms.extend(words(english))
    return list(dict.fromkeys(terms))


def by_words(found: Sequence[Passage], terms: Sequence[str]) -> list[int]:
    """Passage indexes by BM25 score, best first; passages sharing no word left out."""
    if not terms or not found:
        return []
    # The heading counts as the passage's words: "4.1 Datasets" answers "which datasets".
    docs = [Counter(words(f"{p.heading} {p.text}")) for p in found]
    lengths = [sum(d.values()) for d in docs]
    average = sum(lengths) / len(docs) or 1.0
    df = Counter(term for d in docs for term in set(d))
    scores = []
    for position, (doc, length) in enumerate(zip(docs, lengths, strict=True)):
        score = 0.0
        for term in terms:
            tf = doc.get(term, 0)
            if not tf:
                continue
            idf = math.log(1 + (len(docs) - df[term] + 0.5) / (df[term] + 0.5))
            norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average)
            score += idf * tf * (BM25_K1 + 1) / (tf + norm)
        if score > 0:
            scores.append((score, position))
    scores.sort(key=lambda pair: (-pair[0], pair[1]))
    return [position for _, position in scores]


def by_meaning(question_vector: np.ndarray, vectors: np.ndarray) -> list[int]:
    if vectors.size == 0:
        return []
    return [int(i) for i in np.argsort(-(vectors @ question_vector), kind="stable")]


def passage_vectors(embedder: Embedder, found: Sequence[Passage]) -> np.ndarray:
    """One vector a passage, its heading in front (CPU-bound: call it from a thread)."""
    return embedder.texts([f"{p.heading}: {p.text}" for p in found])


def ranked(
    found: Sequence[Passage],
    question: str,
    english: str | None = None,
    meaning: list[int] | None = None,
) -> list[Passage]:
    """Every passage, the closest to ``question`` first: by words and, when the encoder is
    loaded, by ``meaning`` (its ranking), fused; passages neither ranks follow in order."""
    rankings = [by_words(found, question_words(question, english))]
    if meaning:
        rankings.append(meaning)
    fused: Counter[int] = Counter()
    for ranking in rankings:
        for rank, position in enumerate(ranking):
            fused[position] += 1.0 / (FUSION_K + rank)
    order = [p for p, _ in sorted(fused.items(), key=lambda item: (-item[1], item[0]))]
    order += [p for p in range(len(found)) if p not in fused]
    return [found[p] for p in order]


def relevant(
    found: Sequence[Passage],
    question: str,
    budget: int,
    english: str | None = None,
    meaning: list[int] | None = None,
) -> list[Passage]:
    """The passages for ``question`` within ``budget`` tokens, in the paper's order; the
    abstract (the first passage when the text has one) first of all."""
    order = ranked(found, question, english, meaning)
    if found and found[0].heading.lower() == "abstract":
        order = [found[0]] + [p for p in order if p.index != found[0].index]
    chosen: list[Passage] = []
    used = 0
    for passage in order:
        cost = estimate_tokens(passage.text) + 12  # the heading line around it
        if used + cost > budget:
            continue  # a smaller passage further down may still fit
        chosen.append(passage)
        used += cost
    return sorted(chosen, key=lambda p: p.index)
