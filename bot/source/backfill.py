"""Fill the archive with the history: the Korean digests day by day from the URL template in
``PAPERBOY_SOURCES``, and the HF daily papers API day by day.

Polite: at most ``rate`` requests a second to a host, 429 and 503 wait their Retry-After,
other failures back off. Resumable: the last day finished is remembered per source, so a run
that was killed continues with the next day. Idempotent: storing a digest twice changes
nothing. Backfilled listings are archived only, never delivered as new.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from bot.core.settings import HF_API_SOURCE
from bot.parse.detect import parse_any
from bot.source.api_days import fetch_day
from bot.source.ingest import IngestReport, store_parsed
from bot.source.inputs import expand_template, is_template
from bot.source.reader import Download, conditional_headers, download
from storage import meta
from storage import sources as source_state
from storage.db import Database
from storage.sources import SourceState
from storage.timestamps import utc_text

log = logging.getLogger(__name__)

KOREAN = "korean"
HF_API = "hf-api"
KOREAN_FIRST, KOREAN_LAST = dt.date(2023, 11, 20), dt.date(2025, 5, 9)  # the feed's life
HF_API_FIRST = dt.date(2023, 5, 4)  # the API's first day
ATTEMPTS = 5
BACKOFF = (2.0, 4.0, 8.0, 16.0)

Progress = Callable[[int, int, dt.date], None]


class HostPacer:
    """At most ``rate`` requests a second to each host."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, url: str) -> None:
        host = urlsplit(url).netloc
        async with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


@dataclass
class BackfillReport:
    days: int = 0
    requests: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)
    stopped: str | None = None  # why a source stopped early (run again to resume)

    def line(self) -> str:
        text = (
            f"Backfilled {self.days:,} day(s): {self.ingest.papers_new:,} new paper(s), "
            f"{self.ingest.entries_new:,} new listing(s), {self.requests:,} request(s)."
        )
        return f"{text} Stopped: {self.stopped}; run again to resume." if self.stopped else text


@dataclass(frozen=True)
class Plan:
    """What one backfill fetches: per source, the days still to do."""

    korean_template: str | None
    korean_days: list[dt.date]
    hf_api_days: list[dt.date]

    @property
    def total(self) -> int:
        return len(self.korean_days) + len(self.hf_api_days)


async def plan(
    db: Database,
    sources: tuple[str, ...],
    which: str,
    today: dt.date,
    since: dt.date | None = None,
) -> Plan:
    """The days each source still needs, after the last day a earlier run finished."""
    template = next((s for s in sources if is_template(s)), None)
    korean: list[dt.date] = []
    hf: list[dt.date] = []
    if which in (KOREAN, "all") and template is not None:
        korean = _days(max(KOREAN_FIRST, since or KOREAN_FIRST), min(KOREAN_LAST, today))
        korean = await _after_done(db, KOREAN, korean)
    if which in (HF_API, "all") and HF_API_SOURCE in sources:
        hf = await _after_done(db, HF_API, _days(max(HF_API_FIRST, since or HF_API_FIRST), today))
    return Plan(template, korean, hf)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


async def _after_done(db: Database, source: str, days: list[dt.date]) -> list[dt.date]:
    done = await meta.read(db, f"backfill:{source}")
    if isinstance(done, str):
        return [day for day in days if day.isoformat() > done]
    return days


async def backfill(
    db: Database,
    client: httpx.AsyncClient,
    todo: Plan,
    hf_api_url: str,
    pacer: HostPacer,
    progress: Progress | None = None,
) -> BackfillReport:
    """Fetch and store every planned day, oldest first, remembering each day finished."""
    report = BackfillReport()
    done = 0
    for source, days in ((KOREAN, todo.korean_days), (HF_API, todo.hf_api_days)):
        for day in days:
            if source == KOREAN:
                assert todo.korean_template is not None
                ok = await _korean_day(db, client, todo.korean_template, day, pacer, report)
            else:
                ok = await _api_day(db, client, hf_api_url, day, pacer, report)
            if not ok:
                break  # this source stops here; the next run resumes with this day
            await meta.write(db, f"backfill:{source}", day.isoformat())
            report.days += 1
            done += 1
            if progress is not None:
                progress(done, todo.total, day)
    return report


async def _korean_day(
    db: Database,
    client: httpx.AsyncClient,
    template: str,
    day: dt.date,
    pacer: HostPacer,
    report: BackfillReport,
) -> bool:
    url = expand_template(template, day)
    known = await source_state.get_state(db, url)
    got = await _fetch(client, url, pacer, report, conditional_headers(known))
    if got.status in (304, 404):
        return True  # unchanged since the poller read it, or no digest that day
    if got.text is None:
        report.stopped = f"{url}: {got.error}"
        return False
    await store_parsed(db, parse_any(got.text, url), url, report.ingest, None, backfill=True)
    state = SourceState(etag=got.etag, last_modified=got.last_modified)
    await source_state.set_state(db, url, state, utc_text(dt.datetime.now(dt.UTC)))
    return True


async def _api_day(
    db: Database,
    client: httpx.AsyncClient,
    base_url: str,
    day: dt.date,
    pacer: HostPacer,
    report: BackfillReport,
) -> bool:
    got = await fetch_day(lambda url: _fetch(client, url, pacer, report), base_url, day)
    for parsed in got.pages:
        await store_parsed(db, parsed, HF_API_SOURCE, report.ingest, None, backfill=True)
    if got.failure is not None:
        report.stopped = f"{got.failure.source}: {got.failure.message}"
        return False
    return True


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    pacer: HostPacer,
    report: BackfillReport,
    headers: dict[str, str] | None = None,
) -> Download:
    """One GET at the host's pace; 429/503 wait their Retry-After, failures back off."""
    got = Download(None)
    for attempt in range(ATTEMPTS):
        await pacer.wait(url)
        report.requests += 1
        got = await download(client, url, headers)
        if got.status in (200, 304, 404):
            return got
        if got.status in (429, 503) and got.retry_after is not None:
            wait = got.retry_after
        elif got.status is None or got.status >= 500 or got.status == 429:
            wait = BACKOFF[min(attempt, len(BACKOFF) - 1)]
        else:
            return got  # another 4xx: asking again will not help
        if attempt + 1 < ATTEMPTS:
            what = f"answered {got.status}" if got.status is not None else got.error or "failed"
            log.info("backfill: %s %s; again in %.0f s", url, what, wait)
            await asyncio.sleep(wait)
    return got
