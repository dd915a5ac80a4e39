"""One poll of the digest sources: files and URLs that changed, and the HF API's latest days.

Every failure is reported and retried at the next poll; none stops the bot. What happens to
new listings afterwards (fan-out) is not this module's business.
"""

from __future__ import annotations

import datetime as dt

import httpx

from bot.core.settings import HF_API_SOURCE
from bot.source.api_days import fetch_day
from bot.source.ingest import IngestReport, ingest, store_parsed
from bot.source.inputs import expand_sources
from bot.source.reader import download
from storage.db import Database


async def poll(
    db: Database,
    sources: tuple[str, ...],
    client: httpx.AsyncClient,
    now: dt.datetime,
    hf_api_url: str,
) -> IngestReport:
    """Read every source once: the API for yesterday and today, then files and URLs."""
    report = IngestReport()
    if HF_API_SOURCE in sources:
        days = [now.date() - dt.timedelta(days=back) for back in (1, 0)]
        await fetch_api_days(db, client, hf_api_url, days, now, report)
    files = [entry for entry in sources if entry != HF_API_SOURCE]
    return await ingest(db, expand_sources(files, now.date()), client, now=now, report=report)


async def refresh_votes(
    db: Database, client: httpx.AsyncClient, hf_api_url: str, now: dt.datetime, days: int = 7
) -> IngestReport:
    """The hourly job: one API request per day of the last ``days``, so /top week and month
    rank by current votes (and papers that joined a recent day are stored)."""
    report = IngestReport()
    dates = [now.date() - dt.timedelta(days=back) for back in range(days - 1, -1, -1)]
    await fetch_api_days(db, client, hf_api_url, dates, now, report)
    return report


async def fetch_api_days(
    db: Database,
    client: httpx.AsyncClient,
    base_url: str,
    days: list[dt.date],
    now: dt.datetime,
    report: IngestReport,
) -> None:
    """One request per day (more when a day fills a page); an empty list is a quiet day.

    Votes in the answer are current: they are stored as observed ``now``.
    """
    for day in days:
        got = await fetch_day(lambda url: download(client, url), base_url, day)
        report.inputs += got.requests
        report.changed += len(got.pages)
        for parsed in got.pages:
            await store_parsed(db, parsed, HF_API_SOURCE, report, observed_at=now)
        if got.failure is not None:  # retried at the next poll
            report.issues.append(got.failure)
