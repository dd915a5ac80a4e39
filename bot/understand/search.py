"""Search as a reader asks it: an arXiv id or URL looks the paper up; anything else is
ranked by words (``storage.search``) and, when the sentence encoder loaded, by meaning
(``Semantic.rank``, passed in), fused by reciprocal rank, a paper titled exactly as the
query first; then one page of hits with snippets."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Any

from bot.core.arxiv import parse_arxiv_ref
from bot.core.models import SearchHit
from bot.core.query import Query, build_query, match_expression, phrasings, term_expression
from bot.understand.crosslingual import MeaningRank, holds_any, reranked
from bot.understand.snippets import make_snippet
from storage.archive import get_paper, papers_keyed
from storage.caches import Ranked, Ranking
from storage.db import Database
from storage.search import SEARCH_CANDIDATES, indexed_texts, match_counts, rank_words

# Words too common to say anything on their own (FTS5 operators typed as words among them).
_FILLER = frozenset({"a", "an", "and", "or", "not", "the", "of", "for", "to", "in", "on", "with"})
RARE_MATCHES = 100  # a word in at most this many papers is rare enough to rank by
# A query of at most this many words is a term looked up (양자화, 검색 증강 생성, long
# context): the papers that say every word of it lead, meaning's others follow. Fused as
# equals, meaning's near-misses took places in the top 5 (bench.korean_terms, hybrid
# precision@5 of the Korean terms: 0.933 → 0.992 and 0.776 → 0.879 on the lists it was
# chosen on, 0.360–0.715 → 0.395–0.800 on the six others). A longer query is a description,
# which words alone rarely find: fused as before (the hand-written sets' recall unchanged).
# Among them, the papers that say the term as one phrase come first ("consistency model",
# not "consistency" in one sentence and "model" in another).
TERM_WORDS = 3
# Word hits read for the phrase, in fused order. At 201,510 papers (bench, one process,
# alternating): hybrid p95 40.8 ms without the term rules, 44.1 reading 50, 51.0 reading 200,
# for precision@5 0.01–0.025 higher on some lists.
PHRASE_CHECKED = 50


@dataclass(frozen=True)
class SearchResults:
    """One page of hits; ``total`` ranked results can be paged through (at most the
    candidate cap) of ``matches`` papers that match in all."""

    hits: list[SearchHit]
    total: int
    matches: int


SEARCH_MODES = ("hybrid", "fts", "semantic")
_RRF_K = 60  # reciprocal-rank fusion's constant: 1 / (60 + rank) from each list


async def search(
    db: Database,
    text: str,
    limit: int = 10,
    offset: int = 0,
    mode: str = "hybrid",
    meaning: MeaningRank | None = None,
    english: str | None = None,
) -> SearchResults:
    """Papers matching what a user typed, best first; an arXiv id or URL is an exact lookup.

    Words: FTS5 picks the most relevant candidates (bm25 with title > authors > summary);
    votes and recency then re-rank them, so a popular recent paper beats an obscure old one
    of similar relevance. Meaning (``meaning``, when the model loaded): the papers
    nearest to the query's embedding, in any language. Hybrid fuses both rankings by
    reciprocal rank (for a term of up to ``TERM_WORDS`` words, the papers with every word of
    it lead, those that say it as one phrase first); a paper whose title is exactly the query
    comes first. ``english``, a
    translation of a Korean query when a language model gave one, is ranked the same way and
    fused in, first on ties: most papers arrive English-only, and a Korean query that no
    paper fully matches ranks by some of its words.
    """
    arxiv_id = parse_arxiv_ref(text)
    if arxiv_id is not None:
        paper = await get_paper(db, arxiv_id)
        if paper is None:
            return SearchResults([], 0, 0)
        hit = SearchHit(paper, math.inf, make_snippet(paper.searchable_text, ()))
        return SearchResults([hit] if offset == 0 else [], 1, 1)

    query = build_query(text)
    ranked, matches = await _ranked(db, text, query, offset + limit, mode, meaning)
    if english:
        also, also_matches = await _ranked(
            db, english, build_query(english), offset + limit, mode, meaning
        )
        if also:
            scores = {pid: score for score, _, pid in also} | {pid: s for s, _, pid in ranked}
            order = _fuse([pid for _, _, pid in also], [pid for _, _, pid in ranked])
            matches = max(matches, also_matches, len(order))
            ranked = [(scores[pid], "", pid) for pid in order]
    page = ranked[offset : offset + limit]
    loaded = await papers_keyed(db, [pid for _, _, pid in page])
    terms = query.terms + (build_query(english).terms if english else ())
    hits = [
        # A hit found by meaning alone may share no word with the query: its snippet is the
        # start of its summary.
        SearchHit(loaded[pid], score, make_snippet(loaded[pid].searchable_text, terms))
        for score, _, pid in page
        if pid in loaded
    ]
    return SearchResults(hits, len(ranked), matches)


async def _ranked(
    db: Database, text: str, query: Query, wanted: int, mode: str, meaning: MeaningRank | None
) -> tuple[Ranked, int]:
    """Every ranked candidate of one query text, and how many papers match in all."""
    ranked: Ranked = []
    matches = 0
    exact: tuple[int, ...] = ()
    nearby: list[tuple[int, float]] = []
    # Words (SQL on aiosqlite's thread) and meaning (the embedding on another) at once; a
    # failure of either is raised as it is, not wrapped in an exception group.
    words = None
    relaxed = True
    if mode != "semantic" and not query.is_empty:
        # Only a search without meaning falls back to some of the words: fused with the
        # meaning ranking, papers that share a word or two bury what the meaning found
        # (bench.crosslingual: hybrid recall@10 0.39 → 0.25 at 1,000 papers).
        relaxed = mode == "fts" or meaning is None
        words = asyncio.ensure_future(_words(db, query, _title_key(text), relaxed))
    try:
        if mode != "fts" and meaning is not None:
            nearby = await reranked(db, text, meaning, SEARCH_CANDIDATES)
        if words is not None:
            ranked, matches, exact = await words
    finally:
        if words is not None and not words.done():
            words.cancel()
    word_ids = {pid for _, _, pid in ranked}
    if nearby:
        order = _fuse([pid for _, _, pid in ranked], [pid for pid, _ in nearby])
        if word_ids and len(query.terms) <= TERM_WORDS:
            said = await _saying_it(db, query, [pid for pid in order if pid in word_ids])
            order = _leading(order, said, word_ids)
        matches += sum(1 for pid in order if pid not in word_ids)
        scores = dict.fromkeys(order, 0.0) | {pid: score for pid, score in nearby}
        ranked = [(scores[pid], "", pid) for pid in order]
    if (
        words is not None
        and not relaxed
        and not word_ids
        and len(ranked) < wanted
        and len(query.terms) >= 2
    ):
        # Meaning found only a few, or none, and no paper has every word: the papers with
        # the rarest words follow them (after, never fused: they would bury what meaning
        # found). `긴 문맥` found 4 papers, 28 once words follow; `버그 수정` none, then 29.
        more_words, _, _ = await _words(db, query, None, relaxed=True)
        listed = {pid for _, _, pid in ranked}
        more = [(0.0, "", pid) for _, _, pid in more_words if pid not in listed]
        ranked += more
        matches += len(more)
    if exact:  # a paper whose title is the query leads, however old and common its words
        listed = {pid for _, _, pid in ranked}
        matches += sum(1 for pid in exact if pid not in listed)
        ranked = [(math.inf, "", pid) for pid in exact] + [r for r in ranked if r[2] not in exact]
    return ranked, matches


async def _words(db: Database, query: Query, title: str | None, relaxed: bool) -> Ranking:
    """The papers with every word; when none has them all (a sentence, a description
    typed in Korean), the papers with the most of them, so a sensible query is never
    answered with nothing."""
    found = await rank_words(db, query.expression, title)
    if found[1] or len(query.terms) < 2 or not relaxed:
        return found
    # The words that say most: the rarest that match at all (a word in thousands of papers,
    # "model", says little and would bury the rest), any of them, ranked by bm25.
    terms = [t for t in query.terms if len(t) > 1 and t.lower() not in _FILLER]
    counts = await match_counts(db, [term_expression(t) for t in terms], RARE_MATCHES + 1)
    rare = [t for t, n in zip(terms, counts, strict=True) if 0 < n <= RARE_MATCHES]
    if not rare:
        rare = [t for _, t in sorted((n, t) for t, n in zip(terms, counts, strict=True) if n)][:2]
    if not rare:
        return found
    either = match_expression(rare, list(query.excluded), any_of=True)
    return await rank_words(db, either, title)


def _fuse(*rankings: list[int]) -> list[int]:
    """Reciprocal-rank fusion: each list gives 1 / (K + rank); ties keep the first list's
    order."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, 1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (_RRF_K + rank)
    return sorted(fused, key=lambda pid: -fused[pid])


async def _saying_it(db: Database, query: Query, ids: list[int]) -> set[int]:
    """Those of the first ``PHRASE_CHECKED`` of ``ids`` that say the term as one phrase
    (``phrasings``), not only its words apart; none to check for a single word."""
    said = phrasings(query.terms)
    if not said:
        return set()
    ids = ids[:PHRASE_CHECKED]
    texts = await indexed_texts(db, ids)
    found = set()
    for pid in ids:
        text = texts.get(pid, "").lower()  # once a paper, not once a phrasing
        if any(holds_any(text, phrase) for phrase in said):
            found.add(pid)
    return found


def _leading(order: list[int], *groups: set[int]) -> list[int]:
    """``order`` with the papers of the first group first, then the next group's, then the
    rest, each part in its order."""
    placed: set[int] = set()
    result: list[int] = []
    for group in groups:
        result += [pid for pid in order if pid in group and pid not in placed]
        placed |= group
    return result + [pid for pid in order if pid not in placed]


def _title_key(text: str) -> str | None:
    """The query as a title to look up exactly (case aside), or None when too short to be
    one."""
    wanted = " ".join(text.split())
    return wanted if len(wanted) >= 8 else None


async def search_papers(db: Database, text: str, **options: Any) -> list[SearchHit]:
    """The hits of :func:`search` alone (``options``: its limit, offset, mode, meaning)."""
    return (await search(db, text, **options)).hits
