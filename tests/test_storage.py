"""The archive: migrations, idempotent ingest, merging a paper across digests, reading back."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.core.chat_settings import read_setting
from bot.core.models import Digest, Paper
from bot.parse.markdown import parse_digest
from bot.understand.search import search_papers
from storage import archive, chats, subscriptions
from storage import search as search_sessions
from storage.db import SchemaTooNewError, connect, schema_version
from storage.migrations import MIGRATIONS
from tests.conftest import fixture_text

D1, D2, D3 = dt.date(2024, 6, 1), dt.date(2024, 6, 2), dt.date(2024, 6, 3)


def paper(arxiv_id: str, votes: int | None = 1, **changes) -> Paper:
    base = Paper(
        arxiv_id=arxiv_id,
        title=f"Paper {arxiv_id}",
        url=f"https://arxiv.org/abs/{arxiv_id}",
        votes=votes,
        authors=("Ada Lovelace",),
        sections={"What's New": f"{arxiv_id} 확산 모델을 제안합니다"},
    )
    return dataclasses.replace(base, **changes)


async def counts(conn) -> tuple[int, int, int, int]:
    async with conn.execute(
        "SELECT (SELECT COUNT(*) FROM papers), (SELECT COUNT(*) FROM digests),"
        " (SELECT COUNT(*) FROM digest_entries), (SELECT COUNT(*) FROM papers_fts)"
    ) as cursor:
        return tuple(await cursor.fetchone())


async def test_fresh_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path):
    conn = await connect(tmp_path / "sub" / "new.sqlite3")
    try:
        assert await schema_version(conn) == len(MIGRATIONS)
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await conn.close()
    conn = await connect(tmp_path / "sub" / "new.sqlite3")  # reopening migrates nothing
    assert await schema_version(conn) == len(MIGRATIONS)
    await conn.close()


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path):
    path = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(SchemaTooNewError):
        await connect(path)


async def test_the_same_file_twice_changes_nothing(db):
    result = parse_digest(fixture_text("2024/10/18"), "2024/10/18.md")
    first = [await archive.store_digest(db, d, "a") for d in result.digests]
    assert [s.papers_new for s in first] == [7, 2]
    before = await counts(db)
    again = [await archive.store_digest(db, d, "a") for d in result.digests]
    assert all(s.papers_new == s.papers_updated == s.entries_new == 0 for s in again)
    assert not any(s.new_digest for s in again)
    assert await counts(db) == before == (9, 1, 9, 9)


async def test_a_rerun_appended_to_a_file_adds_only_what_is_new(db):
    result = parse_digest(fixture_text("2024/10/18"), "2024/10/18.md")
    first, rerun = result.digests
    await archive.store_digest(db, first, "a")
    stats = await archive.store_digest(db, rerun, "a")
    assert (stats.new_digest, stats.papers_new, stats.entries_new) == (False, 2, 2)
    listed = await archive.digest_papers(db, first.date)
    assert [p.arxiv_id for p in listed] == [p.arxiv_id for p in first.papers + rerun.papers]


async def test_the_same_paper_on_two_days_is_one_paper_in_two_digests(db):
    await archive.store_digest(db, Digest(D1, (paper("2406.00001", 5),)), "a")
    stats = await archive.store_digest(db, Digest(D2, (paper("2406.00001", 9),)), "b")
    assert (stats.new_digest, stats.papers_new, stats.papers_updated) == (True, 0, 1)
    assert await counts(db) == (1, 2, 2, 1)
    stored = await archive.get_paper(db, "2406.00001")
    assert stored.votes == 9
    assert stored.date == D2
    assert await archive.paper_dates(db, "2406.00001") == [D1, D2]


async def test_an_older_digest_read_later_does_not_roll_votes_back(db):
    await archive.store_digest(db, Digest(D3, (paper("2406.00001", 30),)), "a")
    await archive.store_digest(db, Digest(D1, (paper("2406.00001", 2),)), "a")
    stored = await archive.get_paper(db, "2406.00001")
    assert stored.votes == 30
    assert await archive.paper_dates(db, "2406.00001") == [D1, D3]


async def test_unknown_votes_never_erase_known_ones(db):
    await archive.store_digest(db, Digest(D1, (paper("2406.00001", 7),)), "a")
    await archive.store_digest(db, Digest(D2, (paper("2406.00001", None),)), "a")
    assert (await archive.get_paper(db, "2406.00001")).votes == 7


async def test_missing_parts_are_filled_in_and_searchable(db):
    bare = paper("2406.00001", authors=(), sections={}, thumbnail=None)
    await archive.store_digest(db, Digest(D1, (bare,)), "a")
    assert await search_papers(db, "Lovelace") == []
    full = paper("2406.00001", thumbnail="https://cdn-thumbnails.huggingface.co/x.png")
    stats = await archive.store_digest(db, Digest(D2, (full,)), "a")
    assert stats.papers_updated == 1
    stored = await archive.get_paper(db, "2406.00001")
    assert stored.authors == ("Ada Lovelace",)
    assert stored.thumbnail == "https://cdn-thumbnails.huggingface.co/x.png"
    assert "What's New" in stored.sections
    assert [h.paper.arxiv_id for h in await search_papers(db, "Lovelace")] == ["2406.00001"]
    assert [h.paper.arxiv_id for h in await search_papers(db, "확산")] == ["2406.00001"]
    assert (await counts(db))[3] == 1


async def test_a_paper_reads_back_as_it_was_parsed(db):
    (digest,) = parse_digest(fixture_text("2024/08/07"), "x").digests
    await archive.store_digest(db, digest, "x")
    for original in digest.papers:
        stored = await archive.get_paper(db, original.arxiv_id)
        assert stored == original


async def test_a_failed_digest_leaves_nothing_half_written(db):
    good = Digest(D1, (paper("2406.00001"),))
    await archive.store_digest(db, good, "a")
    before = await counts(db)
    broken = Digest(D2, (paper("2406.00002"), paper("2406.00003", title=None)))
    with pytest.raises(sqlite3.IntegrityError):
        await archive.store_digest(db, broken, "a")
    assert await counts(db) == before
    assert await archive.latest_digest_date(db) == D1


async def test_top_papers_by_period(db):
    await archive.store_digest(
        db, Digest(D1, (paper("2406.00001", 50), paper("2406.00002", 5))), "a"
    )
    await archive.store_digest(
        db, Digest(D2, (paper("2406.00003", 10), paper("2406.00004", None))), "a"
    )
    await archive.store_digest(db, Digest(D3, (paper("2406.00002", 70),)), "a")
    top = await archive.top_papers(db, D2, D2, 10)
    assert [(p.arxiv_id, p.date) for p in top] == [("2406.00003", D2), ("2406.00004", D2)]
    everything = await archive.top_papers(db, None, None, 3)
    assert [p.arxiv_id for p in everything] == ["2406.00002", "2406.00001", "2406.00003"]
    assert everything[0].date == D3
    # A day ranks by the votes known now: 2406.00002 gained votes after D1.
    (best,) = await archive.top_papers(db, D1, D1, 1)
    assert (best.arxiv_id, best.votes, best.date) == ("2406.00002", 70, D1)


async def test_archive_stats(db):
    assert await archive.archive_stats(db) == archive.ArchiveStats(0, 0, 0, None, None)
    await archive.store_digest(db, Digest(D1, (paper("2406.00001"),)), "a")
    await archive.store_digest(db, Digest(D3, (paper("2406.00001"), paper("2406.00002"))), "a")
    assert await archive.archive_stats(db) == archive.ArchiveStats(2, 2, 3, D1, D3)


async def test_search_results_follow_new_data_from_this_and_other_connections(db, tmp_path):
    await archive.store_digest(db, Digest(D1, (paper("2406.00001"),)), "a")
    assert len(await search_papers(db, "확산")) == 1
    await archive.store_digest(db, Digest(D2, (paper("2406.00002"),)), "a")
    assert len(await search_papers(db, "확산")) == 2  # cached ranking invalidated
    other = await connect(tmp_path / "test.sqlite3")
    try:
        await archive.store_digest(other, Digest(D3, (paper("2406.00003"),)), "cli")
    finally:
        await other.close()
    assert len(await search_papers(db, "확산")) == 3  # another process's ingest too


async def test_a_repeated_search_keeps_its_session_id_and_writes_nothing(db):
    first = await search_sessions.search_session(db, "확산 모델")
    changes = db.total_changes
    assert await search_sessions.search_session(db, "확산 모델") == first
    assert db.total_changes == changes  # answered from memory
    assert await search_sessions.search_session(db, "diffusion") != first
    await search_sessions.prune_search_sessions(db)  # as at start: the memory is emptied
    assert (
        await search_sessions.search_session(db, "확산 모델") == first
    )  # the stored id, not a new one
    assert await search_sessions.search_session_query(db, first) == "확산 모델"


async def test_a_chat_language_read_from_memory_follows_every_change(db):
    assert await chats.chat_language(db, 7) is None
    await subscriptions.update_setting(db, 7, "private", read_setting("lang", "ko"))
    assert await chats.chat_language(db, 7) == "ko"
    assert await chats.chat_language(db, 7) == "ko"  # from memory, still right
    await subscriptions.update_setting(db, 7, "private", read_setting("lang", "en"))
    assert await chats.chat_language(db, 7) == "en"
    await subscriptions.update_setting(db, -5, "group", read_setting("lang", "ko"))
    assert await chats.chat_language(db, -5) == "ko"
    await chats.migrate_chat(db, -5, -1005)
    assert await chats.chat_language(db, -5) is None
    assert await chats.chat_language(db, -1005) == "ko"


async def test_a_transaction_cancelled_while_it_begins_leaves_none_open(db):
    import asyncio

    async def write() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO meta (key, value) VALUES ('k', '1')")

    for _ in range(20):  # cancel at once: BEGIN is still queued for aiosqlite's thread
        task = asyncio.create_task(write())
        await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with db.transaction():  # would fail: "cannot start a transaction within ..."
            await db.execute("DELETE FROM meta WHERE key = 'k'")
    assert not db.conn.in_transaction
