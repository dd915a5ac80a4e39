"""Korean queries over English papers: the meaning ranking, re-ranked by the English words
the lexicon gives the query's Korean words.

The sentence encoder alone ranks an English abstract poorly for a Korean description of it
(bench.crosslingual: recall@10 0.32 over 4,600 papers on the tune half), while the lexicon's
English words for the query (확산 → diffusion, 양자화 → quantization) say what the paper
must be about. Each candidate the encoder found gains up to ``LEXICAL_WEIGHT`` by the share of
the query's English words it holds, each word weighted by its rarity (IDF over the archive):
0.32 → 0.47 on the tune half, with a lexicon mined from the other half of it.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import Protocol

from bot.core.lexicon import hangul_words, join_phrases, translations
from bot.core.query import phrase
from storage.db import Database
from storage.search import indexed_texts, paper_count_and_matches, papers_holding

# Tuned on bench.crosslingual's tune half (lexicon mined on one half of it, queries from the
# other; the encoder's best 200 above its floor re-ranked): recall@10 at 4,600 papers 0.324
# without, 0.465 at 0.3, 0.470 at 0.4, 0.471 at 0.5.
LEXICAL_WEIGHT = 0.4
MAX_WORDS = 24  # English words a query may bring: a pasted paragraph brings no more
# Papers holding the query's rarer English words join meaning's candidates, whatever their
# cosine: the encoder ranked the target of 11 of the 40 queries of the fourth hand-written
# set past its 200 candidates or under its floor at 20,000 papers. Tuned on that set
# (bench.crosslingual --hand-written, a scratch re-rank): recall@10 0.725 → 0.775 with 100
# papers, words in at most 5% of the archive; 0.750 at 2%; 50 papers the same as 100.
WORD_CANDIDATES = 100
WORD_SHARE = 0.05
# Papers read per word, newest first: 5% of a 20,000-paper archive, so nothing is cut there;
# at 201,510 papers 2,000 took hybrid p95 from 40 to 58 ms (bench.semantic, 5 Korean queries
# of 25), the reads waiting on the embedding before they ran beside it.
WORD_POSTINGS = 1_000


Sense = tuple[str, ...]  # one English translation, word by word (in-context learning)


def english_groups(text: str) -> list[tuple[Sense, ...]]:
    """The English translations the lexicon gives each Korean word and glossary phrase of
    ``text``, one group per Korean term, first seen first; ``MAX_WORDS`` words in all."""
    groups: list[tuple[Sense, ...]] = []
    seen: set[str] = set()
    for term in join_phrases(text.split()):
        # A phrase only a gloss knows (해석 가능성) counts by its words: glosses stay out.
        whole = translations(term, guessed=False) if " " in term else ()
        parts = (
            [whole]
            if whole
            # Words as typed: the lookup peels their particles itself, from the whole word
            # first, so 정확도 stays accuracy (a stem first made it 정확: 36 entries lost).
            else [translations(w, guessed=False) for w in hangul_words(term)]
        )
        for found in parts:
            senses = []
            for english in found:
                # Papers are read lower-cased: an entry's GPU or GitHub is held as gpu, github.
                sense = tuple(english.lower().split())
                if len(seen | set(sense)) <= MAX_WORDS:
                    senses.append(sense)
                    seen.update(sense)
            if senses:
                groups.append(tuple(senses))
    return groups


def english_words(text: str) -> list[str]:
    """The English words of ``english_groups``, first seen first."""
    return _words_of(english_groups(text))


def _words_of(groups: list[tuple[Sense, ...]]) -> list[str]:
    return list(dict.fromkeys(w for group in groups for sense in group for w in sense))


class MeaningRank(Protocol):
    """Ranks papers by meaning for a query text: (paper id, cosine), the ``k`` nearest above
    the floor, best first, then each of ``also`` the index holds, whatever its cosine."""

    async def __call__(
        self, text: str, k: int, also: Sequence[int] = ()
    ) -> list[tuple[int, float]]: ...


async def reranked(
    db: Database, text: str, meaning: MeaningRank, k: int
) -> list[tuple[int, float]]:
    """The ``k`` papers nearest in meaning to ``text``, with the papers that hold most of its
    Korean words' rarer English words beside them, re-scored by the English words they hold;
    meaning's ranking as it was when the text has no such words."""
    groups = english_groups(text)
    words = _words_of(groups)
    if not words:
        return await meaning(text, k)
    # The words' side (their counts, then the papers holding them: SQL on aiosqlite's
    # thread) runs while the query is embedded and ranked (on another).
    nearby, (weights, word_papers) = await asyncio.gather(meaning(text, k), _words_side(db, words))
    # A Korean word weighs as its weightiest translation (a translation as its words' sum),
    # and a paper gains by the translation it says most of: three senses of one word
    # (휴대폰: mobile, phone, smartphone) are one word a paper says one way, not three words
    # it must all say.
    senses = [[[w for w in sense if w in weights] for sense in group] for group in groups]
    whole = sum(max(sum(weights[w] for w in sense) for sense in group) for group in senses)
    if whole <= 0:
        return nearby
    listed = {pid for pid, _ in nearby}
    extra = [pid for pid in word_papers if pid not in listed]
    if extra:
        nearby = nearby + await meaning(text, 0, also=extra)
    if not nearby:
        return nearby
    texts = await indexed_texts(db, [pid for pid, _ in nearby])
    scored = []
    for pid, cosine in nearby:
        held = texts.get(pid, "").lower()
        said = {word for word in weights if holds_any(held, word)}
        gained = sum(
            max(sum(weights[w] for w in sense if w in said) for sense in group) for group in senses
        )
        share = gained / whole
        scored.append((pid, cosine + LEXICAL_WEIGHT * share))
    scored.sort(key=lambda hit: -hit[1])
    return scored


async def _words_side(db: Database, words: list[str]) -> tuple[dict[str, float], list[int]]:
    """Each English word's weight by its rarity (IDF over the archive; a word no paper holds
    has none), and the papers holding the most of the rarer ones (``_holding``)."""
    total, counts = await paper_count_and_matches(db, [phrase(word) for word in words])
    weights = {
        word: math.log(max(total, count) / count)
        for word, count in zip(words, counts, strict=True)
        if count
    }
    return weights, (await _holding(db, weights, total)) if weights else []


async def _holding(db: Database, weights: dict[str, float], total: int) -> list[int]:
    """The ``WORD_CANDIDATES`` papers holding the most weight of the query's English words,
    counting only words in at most ``WORD_SHARE`` of the archive: the papers that say what
    the query names, which meaning may rank past its candidates (휴대폰 가우시안 스플래팅:
    the one paper that says mobile among the many on splatting)."""
    rare = [word for word, weight in weights.items() if weight >= math.log(1 / WORD_SHARE)]
    if not rare:
        return []
    gained: dict[int, float] = {}
    lists = await papers_holding(db, [phrase(word) for word in rare], WORD_POSTINGS)
    for word, ids in zip(rare, lists, strict=True):
        for pid in ids:
            gained[pid] = gained.get(pid, 0.0) + weights[word]
    return sorted(gained, key=lambda pid: -gained[pid])[:WORD_CANDIDATES]


def holds(text: str, word: str) -> bool:
    """Whether a word of ``text`` starts with ``word`` (model: models, modelling). A scan
    with ``str.find``: a regular expression per word and paper cost 15 µs, 18 ms a query."""
    at = text.find(word)
    while at != -1:
        if at == 0 or not text[at - 1].isalnum():
            return True
        at = text.find(word, at + 1)
    return False


def holds_any(text: str, word: str) -> bool:
    """``holds``, with a hyphenated word also found spaced (long-context: long context)."""
    return holds(text, word) or ("-" in word and holds(text, word.replace("-", " ")))
