"""Search cost is bounded however common the words: the newest matches (in arXiv order) are
scored, counting stops at a cap, and a query that is a title still finds that paper first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.core.models import Digest, Paper
from bot.core.query import index_text
from bot.render.lists import render_search_page
from bot.understand.search import search
from storage import archive
from storage import search as word_search
from storage.db import connect
from storage.migrations import MIGRATIONS

DAY = dt.date(2026, 7, 1)


def paper(arxiv_id: str, title: str = "", votes: int = 1) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=title or f"Sparse attention study {arxiv_id}",
        url=f"https://arxiv.org/abs/{arxiv_id}",
        votes=votes,
        authors=("Ada Lovelace",),
        sections={"What's New": "희소 어텐션 sparse attention 연구"},
    )


async def store(db, day: dt.date, papers: list[Paper], backfill: bool = False) -> None:
    await archive.store_digest(db, Digest(day, tuple(papers)), "test", backfill=backfill)


async def test_a_backfilled_old_paper_is_scored_by_its_arxiv_age_not_when_it_arrived(
    db, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(word_search, "SEARCH_SCORED", 3)
    new = [paper(f"2607.0000{i}") for i in range(1, 5)]
    await store(db, DAY, new)
    # A backfill stores older papers last, with higher row ids.
    old = [paper(f"2401.0000{i}", votes=999) for i in range(1, 5)]
    await store(db, dt.date(2024, 1, 10), old, backfill=True)

    results = await search(db, "sparse attention", limit=10, mode="fts")

    # Only the 3 newest by arXiv id were scored, though the old ones have far more votes.
    assert {h.paper.arxiv_id for h in results.hits} == {"2607.00004", "2607.00003", "2607.00002"}
    assert results.matches == 8


async def test_a_query_that_is_a_title_finds_that_paper_first_beyond_the_bound(
    db, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(word_search, "SEARCH_SCORED", 2)
    classic = paper("2312.00001", title="Sparse Attention Study")
    await store(db, dt.date(2023, 12, 5), [classic])
    await store(db, DAY, [paper(f"2607.0000{i}") for i in range(1, 6)])

    # Every paper matches these words; only the 2 newest are scored.
    for typed in ("sparse attention study", "  Sparse  Attention STUDY "):
        for mode in ("fts", "hybrid"):
            results = await search(db, typed, limit=5, mode=mode)
            assert results.hits[0].paper.arxiv_id == "2312.00001", (typed, mode)
            assert len(results.hits) == 3  # the title, then the 2 newest scored
    # Too short to be a title: no exact lookup, and the old paper stays out of the bound.
    short = await search(db, "sparse", limit=5, mode="fts")
    assert "2312.00001" not in {h.paper.arxiv_id for h in short.hits}


async def test_counting_stops_at_the_cap_and_says_so(db, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(word_search, "SEARCH_COUNT_CAP", 4)
    await store(db, DAY, [paper(f"2607.0000{i}") for i in range(1, 8)])
    results = await search(db, "sparse attention", limit=10, mode="fts")
    assert results.matches == 4
    assert len(results.hits) == 7  # counting stops; ranking does not

    def header(matches: int) -> str:
        page = render_search_page("q", results.hits[:1], 7, 0, 5, 1, "en", matches)
        return page.text.split("\n", 1)[0]

    assert "10,000+ papers" in header(10_000)
    assert "9,999 papers" in header(9_999)


async def test_a_word_in_every_paper_ranks_by_votes_among_the_newest(
    db, monkeypatch: pytest.MonkeyPatch
):
    """Every paper has the word, so FTS5 clamps its IDF: relevance ties, votes decide."""
    monkeypatch.setattr(word_search, "SEARCH_SCORED", 5)
    await store(db, DAY, [paper(f"2607.0000{i}", votes=i * 10) for i in range(1, 9)])
    results = await search(db, "attention", limit=10, mode="fts")
    ids = [h.paper.arxiv_id for h in results.hits]
    assert ids == [f"2607.0000{i}" for i in (8, 7, 6, 5, 4)]


async def test_an_id_that_is_not_new_style_is_refused_before_anything_is_stored(db):
    bad = dataclasses.replace(paper("2607.00001"), arxiv_id="hep-th/9901001")
    with pytest.raises(ValueError, match="new-style"):
        await store(db, DAY, [paper("2607.00002"), bad])
    ((stored,),) = await db.execute_fetchall("SELECT COUNT(*) FROM papers")
    assert stored == 0


def _database_at_version_7(path: Path, papers: list[tuple[int, str, str]]) -> None:
    """A database as Paperboy left it before migration 8: full-text rows keyed by papers.id."""
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in enumerate(MIGRATIONS[:7], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    for paper_id, arxiv_id, title in papers:
        conn.execute(
            "INSERT INTO papers (id, arxiv_id, title, summary, first_date, last_date)"
            " VALUES (?, ?, ?, '확산 모델', '2024-01-02', '2024-01-02')",
            (paper_id, arxiv_id, title),
        )
        conn.execute(
            "INSERT INTO papers_fts (rowid, title, authors, summary) VALUES (?, ?, '', ?)",
            (paper_id, index_text(title), index_text("확산 모델")),
        )
    conn.close()


async def test_migration_8_keys_existing_full_text_rows_by_arxiv_order(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    # Inserted newest first, as a backfill after the first poll leaves them.
    rows = [(1, "2607.12345", "Newest paper"), (2, "2401.00007", "Older paper"),
            (3, "1412.1234", "Pre-2015 four-digit id")]  # fmt: skip
    _database_at_version_7(path, rows)

    db = await connect(path)
    try:
        keyed = await db.execute_fetchall(
            "SELECT p.arxiv_id FROM papers_fts f JOIN papers p ON p.arxiv_key = f.rowid"
            " ORDER BY f.rowid DESC"
        )
        assert [r[0] for r in keyed] == ["2607.12345", "2401.00007", "1412.1234"]
        results = await search(db, "확산", limit=10, mode="fts")
        assert results.matches == 3
        # Storing and re-indexing after the migration use the same keys.
        await store(db, DAY, [paper("2607.20000", title="Newer still, 확산")])
        await archive.reindex(db, "2401.00007")
        ((fts_rows,),) = await db.execute_fetchall("SELECT COUNT(*) FROM papers_fts")
        assert fts_rows == 4
        after = await search(db, "확산", limit=10, mode="fts")
        assert after.matches == 4
        assert after.hits[0].paper.arxiv_id == "2607.20000"
    finally:
        await db.close()
