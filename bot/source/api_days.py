"""The HF daily papers API a day at a time: every page of the day fetched and parsed once.

The poll and the backfill both read days this way; they differ only in how they fetch (the
poll asks once and tries again at the next poll; the backfill paces each host and retries),
which they pass in as ``fetch``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.models import ParseIssue, ParseResult
from bot.parse.hf_api import PAGE_SIZE, day_url, parse_hf_api
from bot.source.reader import Download

MAX_PAGES = 20  # 2,000 papers a day is far beyond any day seen

Fetch = Callable[[str], Awaitable[Download]]


@dataclass(frozen=True)
class ApiDay:
    pages: tuple[ParseResult, ...]  # every page read, in order
    failure: ParseIssue | None = None  # why the day stopped early (the pages before it hold)

    @property
    def requests(self) -> int:
        return len(self.pages) + (self.failure is not None)


async def fetch_day(fetch: Fetch, base_url: str, day: dt.date) -> ApiDay:
    """The day's pages until one is not full; an empty list is a quiet day."""
    pages: list[ParseResult] = []
    for page in range(MAX_PAGES):
        url = day_url(base_url, day, page)
        got = await fetch(url)
        if got.text is None:
            error = got.error or f"download failed: HTTP {got.status}"
            return ApiDay(tuple(pages), ParseIssue(url, 0, error))
        parsed = parse_hf_api(got.text, url, day)
        if not parsed.digests and parsed.issues:  # not an answer
            return ApiDay(tuple(pages), parsed.issues[0])
        pages.append(parsed)
        # A full page (counted as sent, duplicates included) means there may be another.
        if parsed.entries < PAGE_SIZE:
            break
    return ApiDay(tuple(pages))
