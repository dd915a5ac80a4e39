"""One poll of the digest sources: files and URLs that changed, and the HF API's latest days.

Every failure is reported and retried at the next poll; none stops the bot. What happens to
new listings afterwards (fan-out) is not this module's business.
"""

from __future__ import annotations

import datetime as dt
import json

import httpx

from bot.core.models import ParseIssue
from bot.core.settings import HF_API_SOURCE
from bot.parse.hf_api import PAGE_SIZE, day_url, parse_hf_api
from bot.source.ingest import IngestReport, ingest, store_parsed
from bot.source.inputs import expand_sources
from bot.source.reader import download
from storage.db import Database

MAX_PAGES = 20  # 2,000 papers a day is far beyond any day seen


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
        for page in range(MAX_PAGES):
            url = day_url(base_url, day, page)
            report.inputs += 1
            got = await download(client, url)
            if got.text is None:
                error = got.error or f"download failed: HTTP {got.status}"
                report.issues.append(ParseIssue(url, 0, error))
                break
            parsed = parse_hf_api(got.text, url, day)
            if not parsed.digests and parsed.issues:
                report.issues.extend(parsed.issues)  # not an answer: retried at the next poll
                break
            report.changed += 1
            await store_parsed(db, parsed, HF_API_SOURCE, report, observed_at=now)
            # A full page (counted as sent, duplicates included) means there may be another.
            if len(json.loads(got.text)) < PAGE_SIZE:
                break
