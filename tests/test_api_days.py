"""A day of the HF API as poll and backfill both read it: every page, each parsed once."""

from __future__ import annotations

import datetime as dt
import json

from bot.parse.hf_api import PAGE_SIZE
from bot.source.api_days import MAX_PAGES, fetch_day
from bot.source.reader import Download

DAY = dt.date(2026, 8, 19)


def entries(start: int, count: int, duplicate: bool = False) -> str:
    """``count`` API entries numbered from ``start``; with ``duplicate`` all one paper."""
    return json.dumps(
        [
            {
                "paper": {
                    "id": f"2608.{(start if duplicate else start + i):05d}",
                    "title": f"Paper {start + i}",
                    "upvotes": 1,
                    "submittedOnDailyAt": "2026-08-19T10:00:00.000Z",
                }
            }
            for i in range(count)
        ]
    )


def ok(text: str) -> Download:
    return Download(200, text)


class Pages:
    """Answers each page's URL from a script, and records what was asked."""

    def __init__(self, *answers: Download) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def __call__(self, url: str) -> Download:
        self.asked.append(url)
        return self.answers[len(self.asked) - 1]


async def test_a_full_page_asks_for_the_next_and_a_short_one_ends_the_day():
    pages = Pages(ok(entries(0, PAGE_SIZE)), ok(entries(PAGE_SIZE, 3)))
    day = await fetch_day(pages, "http://api", DAY)
    assert [url.split("p=")[1].split("&")[0] for url in pages.asked] == ["0", "1"]
    assert [len(p.digests[0].papers) for p in day.pages] == [PAGE_SIZE, 3]
    assert day.failure is None and day.requests == 2


async def test_a_full_page_of_duplicates_still_counts_as_full():
    pages = Pages(ok(entries(0, PAGE_SIZE, duplicate=True)), ok("[]"))
    day = await fetch_day(pages, "http://api", DAY)
    assert len(pages.asked) == 2 and len(day.pages[0].digests[0].papers) == 1


async def test_a_failed_page_keeps_the_pages_before_it_and_says_why():
    pages = Pages(ok(entries(0, PAGE_SIZE)), Download(503, error="HTTP 503"))
    day = await fetch_day(pages, "http://api", DAY)
    assert len(day.pages) == 1 and day.requests == 2
    assert day.failure is not None and "p=1" in day.failure.source and "503" in day.failure.message
    pages = Pages(ok("<html>rate limited</html>"))
    day = await fetch_day(pages, "http://api", DAY)
    assert day.pages == () and "not JSON" in day.failure.message


async def test_a_day_never_runs_past_its_page_cap():
    pages = Pages(*[ok(entries(i * PAGE_SIZE, PAGE_SIZE)) for i in range(MAX_PAGES + 5)])
    day = await fetch_day(pages, "http://api", DAY)
    assert len(pages.asked) == MAX_PAGES and len(day.pages) == MAX_PAGES
