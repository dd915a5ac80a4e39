"""Every input within its budget (issue 27): a download, a file and an archive member each
have a size and a deadline, counted as they unpack; fields are cut visibly; a good paper next
to a bad one is kept. Built small here; bench.hostile_input runs the issue's sizes."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import httpx
import pytest

from bot.core.limits import (
    ENTRIES_PER_DAY,
    ENTRY_CHARS,
    FILE_BYTES,
    ISSUES_PER_FILE,
    MEMBER_BYTES,
    SECTION_CHARS,
)
from bot.parse import markdown
from bot.parse.markdown import parse_digest
from bot.source import reader, unpack
from bot.source.ingest import ingest
from bot.understand.search import search
from storage.archive import archive_stats, get_paper
from tests.hostile_inputs import (
    HostileMirror,
    crowded_api_day,
    huge_field_digest,
    lying_zip,
    many_members_zip,
    newlines_file,
)

MB = 1 << 20


def problems(report) -> list[str]:
    return [str(issue) for issue in report.issues]


async def test_a_file_over_its_budget_is_not_read(db, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(reader, "FILE_BYTES", 2 * MB)
    big = newlines_file(tmp_path / "big.md", 2 * MB + 1)
    report = await ingest(db, [str(big)])
    assert problems(report) == [f"{big}: over {2 * MB:,} bytes; not read (a digest is far smaller)"]
    assert (await archive_stats(db)).digests == 0


def test_a_heading_and_a_sea_of_newlines_is_refused_at_its_line_not_parsed_whole():
    text = "## Daily Papers (2024-01-01)\n" + "\n" * (ENTRY_CHARS + 5)
    text += "## Daily Papers (2024-01-02)\n\n### [Kept](https://arxiv.org/abs/2401.00009)\n\n"
    text += "- **What's New**: 새로운 방법입니다.\n"
    result = parse_digest(text, "sea.md")
    assert [str(i) for i in result.issues] == [
        f"sea.md:1: {ENTRY_CHARS + 34:,} characters under one heading, over the"
        f" {ENTRY_CHARS:,} an entry may have; skipped"
    ]
    # The empty, damaged day is not stored as a day; the next day and its paper are.
    assert [(d.date, [p.title for p in d.papers]) for d in result.digests] == [
        (dt.date(2024, 1, 2), ["Kept"])
    ]
    assert result.digests[0].line == ENTRY_CHARS + 7


def test_a_file_of_headings_is_read_up_to_its_budget_and_its_problems_counted(monkeypatch):
    monkeypatch.setattr(markdown, "HEADINGS_PER_FILE", 300)
    text = "## Daily Papers (2024-01-01)\n" + "### not an entry\n" * 1000
    result = markdown.parse_digest(text, "heads.md")
    said = [str(i) for i in result.issues]
    assert len(said) == ISSUES_PER_FILE + 1
    assert said[0] == "heads.md:301: over 300 headings in one file; the rest skipped"
    assert said[1] == "heads.md:2: entry heading is not '[title](arXiv link)': 'not an entry'"
    # The cap's own line and 299 bad headings: 300 problems, 100 listed.
    assert said[-1] == f"heads.md: {300 - ISSUES_PER_FILE:,} more problems not listed"


@pytest.fixture
async def mirror():
    async with HostileMirror(bomb_bytes=100 * MB, drip_seconds=0.2) as server:
        yield server


async def test_a_gzip_bomb_stops_at_the_budget_as_it_unpacks(db, mirror):
    report = await ingest(db, [f"{mirror.url}/bomb.md"])
    assert problems(report) == [
        f"{mirror.url}/bomb.md: download refused: over {FILE_BYTES:,} bytes unpacked"
    ]
    assert len(mirror.bomb) < MB  # what came over the wire: the budget is on what it unpacks to


async def test_an_endless_body_stops_at_the_budget(db, mirror):
    report = await ingest(db, [f"{mirror.url}/endless.md"])
    assert problems(report) == [
        f"{mirror.url}/endless.md: download refused: over {FILE_BYTES:,} bytes unpacked"
    ]
    await asyncio.sleep(0.1)
    assert mirror.sent["/endless.md"] < 40 * FILE_BYTES  # it stopped sending: we hung up


async def test_a_drip_feed_is_dropped_when_it_falls_behind_the_minimum_rate(
    db, mirror, monkeypatch
):
    monkeypatch.setattr(reader, "DOWNLOAD_GRACE", 0.5)
    started = time.perf_counter()
    report = await ingest(db, [f"{mirror.url}/drip.md"])
    took = time.perf_counter() - started
    assert problems(report) == [f"{mirror.url}/drip.md: download too slow: stopped after 1 s"] or (
        problems(report) == [f"{mirror.url}/drip.md: download too slow: stopped after 0 s"]
    )
    assert took < 2


async def test_a_fast_download_is_not_cut_by_the_deadline(db, mirror, monkeypatch):
    """The deadline moves on with the bytes: a body that keeps the rate ends whole."""
    monkeypatch.setattr(reader, "DOWNLOAD_GRACE", 0.5)
    mirror.good = "## Daily Papers (2024-01-04)\n\n" + "\n" * (4 * MB)
    async with httpx.AsyncClient() as client:
        got = await reader.download(client, f"{mirror.url}/ok.md")
    assert got.error is None and got.text is not None and len(got.text) > 4 * MB


async def test_an_archive_member_that_lies_about_its_size_is_counted_as_it_unpacks(
    db, tmp_path: Path
):
    liar = lying_zip(tmp_path / "liar.zip", MEMBER_BYTES + MB)
    report = await ingest(db, [str(liar)])
    said = problems(report)
    assert any(
        f"day.md: over {MEMBER_BYTES:,} bytes unpacked, skipped" in p or "day.md: damaged" in p
        for p in said
    ), said
    assert f"{liar}: no digest in the archive (0 .md/.json members read)" in said


async def test_an_archive_has_a_total_budget_and_says_where_it_stopped(
    db, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(unpack, "ARCHIVE_UNPACKED_BYTES", 10 * MB)
    crowd = many_members_zip(tmp_path / "crowd.zip", members=6, size=3 * MB)
    report = await ingest(db, [str(crowd)])
    said = problems(report)
    assert (
        f"{crowd}: over {10 * MB:,} bytes unpacked; the members from days/003.md on skipped" in said
    )
    assert f"{crowd}: no digest in the archive (3 .md/.json members read)" in said


async def test_a_huge_field_is_cut_visibly_and_its_neighbour_kept(db, tmp_path: Path):
    path = huge_field_digest(tmp_path / "2024-01-02.md", 150_000)
    report = await ingest(db, [str(path)])
    assert problems(report) == [
        f"{path}:3: 2401.00001: cut to the limits: What's New (150,000 characters)"
    ]
    paper = await get_paper(db, "2401.00001")
    assert paper is not None and len(paper.sections["What's New"]) <= SECTION_CHARS
    assert paper.sections["What's New"].endswith("…")
    assert await get_paper(db, "2401.00002") is not None
    assert (await search(db, "Huge Summary", mode="fts")).hits


async def test_an_entry_too_big_to_parse_is_refused_and_its_neighbour_kept(db, tmp_path: Path):
    path = huge_field_digest(tmp_path / "2024-01-02.md", ENTRY_CHARS + 10)
    report = await ingest(db, [str(path)])
    (said,) = problems(report)
    assert said.startswith(f"{path}:3: ") and said.endswith("an entry may have; skipped")
    assert await get_paper(db, "2401.00001") is None
    assert await get_paper(db, "2401.00002") is not None


async def test_an_api_day_of_too_many_entries_keeps_the_first_ones(db, tmp_path: Path):
    path = crowded_api_day(tmp_path / "2024-01-03.json", ENTRIES_PER_DAY + 500)
    report = await ingest(db, [str(path)])
    assert problems(report) == [
        f"{path}:{ENTRIES_PER_DAY + 1}: {ENTRIES_PER_DAY + 500:,} entries, over the"
        f" {ENTRIES_PER_DAY:,} a listing may have; the rest skipped"
    ]
    assert (await archive_stats(db)).papers == ENTRIES_PER_DAY


async def test_a_digest_dated_far_ahead_is_refused(db, tmp_path: Path):
    ahead = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    path = tmp_path / "future.md"
    path.write_text(
        f"## Daily Papers ({ahead})\n\n### [From The Future](https://arxiv.org/abs/2401.00003)\n\n"
        "- **What's New**: 새로운 방법입니다.\n",
        encoding="utf-8",
    )
    report = await ingest(db, [str(path)])
    assert problems(report) == [
        f"{path}:1: digest dated {ahead}, more than 2 days ahead; not stored"
    ]
    assert (await archive_stats(db)).digests == 0


async def test_the_bot_keeps_answering_while_its_poller_meets_a_hostile_mirror(
    tmp_path: Path, monkeypatch
):
    """End to end: the poller reads a gzip bomb, an endless body and a drip-feed, one after
    another; /help is answered meanwhile, each within a second, and the poll ends with a
    problem for each."""
    from tests.bot_harness import bot_running
    from tests.fakebot.server import FakeBotApi

    monkeypatch.setattr(reader, "DOWNLOAD_GRACE", 2.0)
    user = FakeBotApi.user(4401, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    async with HostileMirror(bomb_bytes=200 * MB, drip_seconds=0.5) as mirror:
        sources = ",".join(f"{mirror.url}/{name}.md" for name in ("bomb", "endless", "drip"))
        async with bot_running(tmp_path / "b.sqlite3", sources) as bot:
            poll = asyncio.ensure_future(bot.pipeline.poll_now())
            waits = []
            while not poll.done():
                started = time.perf_counter()
                (reply,) = await bot.say(chat, user, "/help")
                waits.append(time.perf_counter() - started)
                assert "/search" in reply.text
                await asyncio.sleep(0.2)
            result = await poll
    assert len(waits) >= 3  # the poll took a while: the drip alone took 2 s
    assert max(waits) < 1.0, waits
    said = [str(issue) for issue in result.report.issues]
    assert any("bomb.md: download refused: over" in p for p in said), said
    assert any("endless.md: download refused: over" in p for p in said), said
    assert any("drip.md: download too slow" in p for p in said), said
