"""Full texts fetched politely from a hostile loopback arXiv, stored once, compressed."""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx
import pytest

from bot.asking import REFRESH, RETRY_NONE, Asker
from bot.core.fulltext import FullText, NoFullText
from bot.core.settings import Settings
from bot.source.fulltext import FullTextSource
from storage import fulltext
from tests.bot_harness import ManualClock
from tests.fakefulltext import (
    BUSY,
    HALFWAY,
    HUGE,
    LONG,
    MISSING,
    ROBOTS,
    SLOW,
    SPEECH,
    STUB,
)


def asker(db, fetch_client: httpx.AsyncClient, template: str, clock=None, **source) -> Asker:
    source.setdefault("rate", 1000.0)
    return Asker(
        Settings(),
        db,
        clock or ManualClock(),
        None,
        FullTextSource(fetch_client, template, **source),
    )


async def test_a_text_is_fetched_once_stored_compressed_and_served_from_storage(
    db, fetch_client, arxiv_html
):
    reader = asker(db, fetch_client, arxiv_html.template)
    text = await reader.text(SPEECH)
    assert isinstance(text, FullText) and text.version == 2
    assert await reader.text(SPEECH) == text
    assert arxiv_html.asked(SPEECH) == 1
    stored = await fulltext.latest(db, SPEECH)
    assert stored is not None and stored.text == text
    page_bytes = len(arxiv_html.pages[SPEECH].encode())
    assert stored.stored_bytes < page_bytes / 5  # text only, compressed
    assert await fulltext.totals(db) == (1, 0, stored.stored_bytes)


async def test_an_old_text_is_asked_again_conditionally_and_a_304_keeps_it(
    db, fetch_client, arxiv_html
):
    clock = ManualClock()
    reader = asker(db, fetch_client, arxiv_html.template, clock)
    first = await reader.text(SPEECH)
    clock.advance(days=REFRESH.days + 1)
    assert await reader.text(SPEECH) == first
    assert arxiv_html.asked(SPEECH) == 2
    headers = arxiv_html.requests[-1][2]
    assert headers.get("If-None-Match", "").startswith('"')
    stored = await fulltext.latest(db, SPEECH)
    assert stored.fetched_at.startswith(clock.now().strftime("%Y-%m-%d"))


@pytest.mark.parametrize(
    ("arxiv_id", "reason"),
    [
        (STUB, "never converted"),
        (HALFWAY, "stopped halfway"),
        (MISSING, "HTTP 404"),
        (HUGE, "40,000,000"),
    ],
)
async def test_a_page_without_a_paper_is_remembered_with_its_reason(
    db, fetch_client, arxiv_html, arxiv_id, reason
):
    clock = ManualClock()
    reader = asker(db, fetch_client, arxiv_html.template, clock)
    found = await reader.text(arxiv_id)
    assert isinstance(found, NoFullText) and reason in found.reason
    assert (await fulltext.latest(db, arxiv_id)).reason == found.reason
    await reader.text(arxiv_id)
    assert arxiv_html.asked(arxiv_id) == 1  # not fetched again for every question
    clock.advance(seconds=RETRY_NONE.total_seconds() + 1)
    await reader.text(arxiv_id)
    assert arxiv_html.asked(arxiv_id) == 2  # but tried again later: it may be converted by then


async def test_a_huge_page_stops_at_the_budget(db, fetch_client, arxiv_html):
    reader = asker(db, fetch_client, arxiv_html.template)
    started = time.monotonic()
    found = await reader.text(HUGE)
    assert isinstance(found, NoFullText) and "over" in found.reason
    assert time.monotonic() - started < 20


async def test_a_text_over_the_cap_is_kept_in_part_and_says_so(db, fetch_client, arxiv_html):
    found = await asker(db, fetch_client, arxiv_html.template).text(LONG)
    assert isinstance(found, FullText) and found.cut.startswith("kept the first")
    stored = await fulltext.latest(db, LONG)
    assert stored.reason == found.cut  # `paperboy fulltext` shows it


async def test_retry_after_rests_the_source_for_every_paper(db, fetch_client, arxiv_html):
    arxiv_html.retry_after = 300
    reader = asker(db, fetch_client, arxiv_html.template)
    found = await reader.text(BUSY)
    assert isinstance(found, NoFullText) and "429" in found.reason
    other = await reader.text(ROBOTS)
    assert isinstance(other, NoFullText) and "asked to wait" in other.reason
    assert arxiv_html.asked(ROBOTS) == 0
    assert await fulltext.latest(db, BUSY) is None  # "later" is not a verdict on the paper


async def test_a_slow_source_is_given_up_in_time(db, fetch_client, arxiv_html):
    arxiv_html.slow_seconds = 5
    reader = asker(db, fetch_client, arxiv_html.template, deadline=0.5)
    started = time.monotonic()
    found = await reader.text(SLOW)
    assert isinstance(found, NoFullText) and "did not answer in" in found.reason
    assert time.monotonic() - started < 3


async def test_requests_are_spaced_by_the_fetch_rate(db, fetch_client, arxiv_html):
    reader = asker(db, fetch_client, arxiv_html.template, rate=4.0)
    await asyncio.gather(reader.text(SPEECH), reader.text(ROBOTS), reader.text(STUB))
    times = [at for at, _, _ in arxiv_html.requests]
    assert len(times) == 3
    assert all(b - a >= 0.24 for a, b in itertools.pairwise(times))


async def test_readers_asking_at_once_cause_one_fetch(db, fetch_client, arxiv_html):
    reader = asker(db, fetch_client, arxiv_html.template)
    found = await asyncio.gather(*(reader.text(SPEECH) for _ in range(5)))
    assert len({id(f) for f in found}) == 1
    assert arxiv_html.asked(SPEECH) == 1


async def test_the_markdown_form_is_read_by_headings(db, fetch_client, arxiv_html):
    found = await asker(db, fetch_client, arxiv_html.markdown_template).text(SPEECH)
    assert isinstance(found, FullText)
    assert found.sections[4].heading == "3 Method › 3.1 Back-translation pipeline"


async def test_a_refetch_that_breaks_keeps_the_text_read_before(db, fetch_client, arxiv_html):
    clock = ManualClock()
    reader = asker(db, fetch_client, arxiv_html.template, clock)
    first = await reader.text(SPEECH)
    arxiv_html.pages[SPEECH] = "<html><body>maintenance</body></html>"
    clock.advance(days=REFRESH.days + 1)
    assert await reader.text(SPEECH) == first
    assert (await fulltext.latest(db, SPEECH)).text == first
