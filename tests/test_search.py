"""Search as users type it, in Korean and English, on fixtures and on the whole shared corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.lexicon import translations
from bot.core.models import Paper
from bot.core.query import build_query
from bot.source.ingest import ingest
from bot.understand.search import search, search_papers
from storage import archive
from storage.db import connect
from tests.conftest import FIXTURES, needs_corpus

HOSTILE = [
    '"',
    "*",
    "-x",
    "NEAR(",
    "title:x",
    "C++",
    "2409.12917",
    "",
    "   ",
    "AND OR NOT",
    "a\x00b",
    "((",
    "^start",
    "🙂",
    "<script>",
    "x" * 5000,
]


@pytest.fixture
async def fixture_db(tmp_path: Path):
    conn = await connect(tmp_path / "f.sqlite3")
    await ingest(conn, [str(FIXTURES)])
    yield conn
    await conn.close()


# What a reader gets for text that is FTS5 syntax, markup or nothing at all: never an error,
# operators read as the words typed, and only papers that say them.
HOSTILE_FINDS = {
    **{text: [] for text in ['"', "*", "-x", "", "   ", "((", "🙂"]},  # nothing to search for
    # words no paper of the fixtures says: not column filters, operators or prefixes
    **{text: [] for text in ["NEAR(", "title:x", "AND OR NOT", "^start", "<script>", "a\x00b"]},
    "x" * 5000: [],
    "C++": ["2407.13739"],  # the one paper that names the language
    "2409.12917": ["2409.12917"],  # an arXiv id is a lookup
}


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:12]) for t in HOSTILE])
async def test_hostile_queries_find_what_they_say_and_nothing_else(fixture_db, text):
    results = await search(fixture_db, text)
    assert [h.paper.arxiv_id for h in results.hits] == HOSTILE_FINDS[text]
    assert results.total == len(results.hits) == results.matches


async def test_a_query_of_symbols_marks_them_in_its_snippet(fixture_db):
    (hit,) = await search_papers(fixture_db, "C++")
    marked = [hit.snippet.text[start : start + 3] for start, _ in hit.snippet.spans]
    assert "C++" in marked  # the word is marked (the index reads it as "c")
    fts_like = await search_papers(fixture_db, "title:C++")
    assert fts_like == []  # "title:" is a word typed, not a column filter


async def test_arxiv_id_and_urls_are_exact_lookups(fixture_db):
    for text in (
        "2410.09342",
        "arXiv:2410.09342v2",
        "https://arxiv.org/abs/2410.09342",
        "https://arxiv.org/pdf/2410.09342v1.pdf",
        "https://huggingface.co/papers/2410.09342",
    ):
        hits = await search_papers(fixture_db, text)
        assert [h.paper.arxiv_id for h in hits] == ["2410.09342"], text
    assert await search_papers(fixture_db, "2410.99999") == []


async def test_results_are_relevant_and_carry_highlighted_snippets(fixture_db):
    hits = await search_papers(fixture_db, "확산", limit=5)
    assert hits
    for hit in hits:
        marked = [hit.snippet.text[s:e] for s, e in hit.snippet.spans]
        assert marked and all("확산" in m for m in marked)


async def test_title_matches_outrank_summary_mentions(fixture_db):
    hits = await search_papers(fixture_db, "MapReduce", limit=3)
    assert hits[0].paper.arxiv_id == "2410.09342"


async def test_paging_is_stable_and_disjoint(fixture_db):
    first = await search_papers(fixture_db, "모델", limit=5)
    second = await search_papers(fixture_db, "모델", limit=5, offset=5)
    both = await search_papers(fixture_db, "모델", limit=10)
    assert [h.paper.arxiv_id for h in first + second] == [h.paper.arxiv_id for h in both]
    assert len(both) == 10


async def test_exclusion_removes_papers(fixture_db):
    with_llm = await matching(fixture_db, "모델")
    without = await matching(fixture_db, "모델 -LLM")
    assert without and without.keys() < with_llm.keys()
    word = re.compile(r"\bllms?\b", re.IGNORECASE)
    assert not any(word.search(p.title + p.searchable_text) for p in without.values())
    assert any(word.search(p.title + p.searchable_text) for p in with_llm.values())


async def test_votes_break_relevance_ties(fixture_db):
    hits = await search_papers(fixture_db, "모델", limit=50)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


async def matching(db, text: str) -> dict[str, Paper]:
    """Every paper the FTS expression of ``text`` matches, unranked (the test's own SQL)."""
    rows = await db.execute_fetchall(
        "SELECT p.id FROM papers_fts JOIN papers p ON p.arxiv_key = papers_fts.rowid"
        " WHERE papers_fts MATCH ?",
        (build_query(text).expression,),
    )
    return {p.arxiv_id: p for p in await archive.papers_by_id(db, [row[0] for row in rows])}


# -- the whole shared corpus --------------------------------------------------------------


async def all_papers(conn):
    async with conn.execute("SELECT id FROM papers") as cursor:
        ids = [row[0] async for row in cursor]
    return await archive.papers_by_id(conn, ids)


@needs_corpus
async def test_corpus_korean_and_english_matching(corpus_db: Path):
    conn = await connect(corpus_db)
    try:
        papers = await all_papers(conn)
        assert len(papers) == 3590

        def having(predicate) -> set[str]:
            found = {p.arxiv_id for p in papers if predicate(p)}
            assert found, "the corpus should hold examples"
            return found

        cases = {
            "확산": having(lambda p: "확산 모델을" in p.summary_text),
            "모델": having(lambda p: "모델은" in p.summary_text),
            "diffusion": having(lambda p: "Diffusion Models" in p.title),
            "splatting": having(lambda p: "Gaussian-Splatting" in p.title + p.summary_text),
            "Höllein": having(lambda p: any("Höllein" in a for a in p.authors)),
            "Hollein": having(lambda p: any("Höllein" in a for a in p.authors)),
            "Miranda": having(lambda p: any(a.endswith(" Miranda") for a in p.authors)),
        }
        for query, expected in cases.items():
            matched = set(await matching(conn, query))
            assert expected <= matched, (query, sorted(expected - matched)[:5])

        for query in ("diffusion", "splatting", "확산"):
            said = (query, *translations(query))  # 확산 finds "diffusion" too
            for hit in await search_papers(conn, query, limit=10):
                haystack = (hit.paper.title + hit.paper.searchable_text).lower()
                assert any(word in haystack for word in said), (query, hit.paper.title)
        for text in HOSTILE:
            await search_papers(conn, text)
    finally:
        await conn.close()


@needs_corpus
async def test_corpus_ranking_prefers_popular_recent_title_matches(corpus_db: Path):
    conn = await connect(corpus_db)
    try:
        hits = await search_papers(conn, "gaussian splatting", limit=5)
        assert all(re.search("splat", h.paper.title, re.I) for h in hits)
        assert all(h.snippet.text for h in hits)
    finally:
        await conn.close()


async def test_a_word_in_most_papers_ranks_by_votes_and_recency(fixture_db):
    """'모델' is in over half the papers: bm25 cannot tell them apart, so votes and dates do."""
    results = await search(fixture_db, "모델", limit=200)
    async with fixture_db.execute("SELECT COUNT(*) FROM papers") as cursor:
        papers = (await cursor.fetchone())[0]
    assert results.matches * 2 > papers
    assert results.total == len(results.hits) == min(results.matches, 200)
    said = ("모델", *translations("모델"))  # and "model", in English-only papers
    assert all(
        any(w in (h.paper.title + h.paper.searchable_text).lower() for w in said)
        for h in results.hits
    )
    best = results.hits[0].paper
    same_day = [h.paper for h in results.hits if h.paper.date == best.date]
    assert best.votes == max(p.votes or 0 for p in same_day)


async def test_match_count_is_reported(fixture_db):
    results = await search(fixture_db, "MapReduce")
    assert results.matches == results.total == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("semantic file system", "2410.11843"),  # title words
        ("의미론적 파일 시스템", "2410.11843"),  # Korean summary words, particles attached
        ("Wenyue Hua", "2410.11843"),  # an author
        ("MapReduce", "2410.09342"),  # one rare title word
        ("https://arxiv.org/abs/2410.11900", "2410.11900"),  # a link is an exact lookup
    ],
)
async def test_search_finds_the_paper_that_says_it_first(fixture_db, query, expected):
    results = await search(fixture_db, query, limit=3)
    assert results.hits[0].paper.arxiv_id == expected
    assert results.matches >= 1 and results.total >= len(results.hits)


async def test_search_snippets_mark_the_words_that_matched(fixture_db):
    (hit,) = await search_papers(fixture_db, "의미론적 인덱스", limit=1)
    assert hit.paper.arxiv_id == "2410.11843"
    marked = [hit.snippet.text[start:end] for start, end in hit.snippet.spans]
    assert any("의미론적" in m for m in marked) and any("인덱스" in m for m in marked)


async def test_a_query_nothing_matches_finds_nothing(fixture_db):
    results = await search(fixture_db, "zyxwvut quasiparticle", limit=5)
    assert (results.hits, results.total, results.matches) == ([], 0, 0)
