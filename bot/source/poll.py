"""One poll of the digest sources: fetch what changed, ingest it, fan out new listings.

Files are re-read only when their size, mtime and then content hash change; URLs are asked
with If-None-Match / If-Modified-Since, and a 404 only means "not published yet". Every
failure is reported and retried at the next poll; none stops the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite
import httpx

from bot.app.config import DEFAULT_HF_API_URL, HF_API_SOURCE
from bot.core.clock import Clock
from bot.deliver.sender import fan_out
from bot.parse.hf_api import PAGE_SIZE, day_url, parse_hf_api
from bot.source.ingest import (
    FETCH_TIMEOUT,
    USER_AGENT,
    IngestReport,
    download,
    expand_inputs,
    ingest_text,
    is_url,
)
from bot.source.inputs import expand_sources
from storage import deliveries as outbox
from storage import sources as source_state
from storage.deliveries import utc_text
from storage.papers import store_digest

MAX_PAGES = 20  # 2,000 papers a day is far beyond any day seen

log = logging.getLogger(__name__)


@dataclass
class PollResult:
    at: str
    inputs: int = 0
    changed: int = 0
    unchanged: int = 0
    not_published: int = 0
    digests_read: int = 0
    new_digests: list[str] = field(default_factory=list)
    papers_new: int = 0
    deliveries: int = 0
    errors: list[str] = field(default_factory=list)


def new_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=FETCH_TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )


async def poll(
    db: aiosqlite.Connection,
    sources: tuple[str, ...],
    clock: Clock,
    default_zone: ZoneInfo,
    client: httpx.AsyncClient,
    hf_api_url: str = DEFAULT_HF_API_URL,
) -> PollResult:
    now = clock.now()
    result = PollResult(at=utc_text(now))
    report = IngestReport()
    if HF_API_SOURCE in sources:
        days = [now.date() - dt.timedelta(days=back) for back in (1, 0)]
        await fetch_api_days(db, client, hf_api_url, days, now, result, report)
    files = tuple(entry for entry in sources if entry != HF_API_SOURCE)
    inputs, issues = expand_inputs(expand_sources(files, now.date()))
    result.errors += [str(issue) for issue in issues]
    result.inputs += len(inputs)
    for item in inputs:
        try:
            if is_url(item):
                text, state = await _fetch(db, client, item, result)
            else:
                text, state = await _read(db, Path(item), result)
            if text is None:
                continue
            result.changed += 1
            await ingest_text(db, text, item, report)
            if state is not None:
                await source_state.set_state(db, item, state, utc_text(now))
        except Exception as error:  # one bad source never stops the others
            log.exception("poll of %s failed", item)
            result.errors.append(f"{item}: {error.__class__.__name__}: {error}")
    result.errors += [str(issue) for issue in report.issues]
    result.digests_read = report.digests_read
    result.new_digests = [d.isoformat() for d in report.new_digests]
    result.papers_new = report.papers_new
    result.deliveries = await fan_out(db, clock.now(), default_zone)
    await outbox.set_meta(db, "last_poll", asdict(result))
    log.info(
        "poll: %d inputs, %d changed, %d new digests, %d new papers, %d deliveries, %d errors",
        result.inputs,
        result.changed,
        len(result.new_digests),
        result.papers_new,
        result.deliveries,
        len(result.errors),
    )
    for error in result.errors:
        log.warning("poll: %s", error)
    return result


async def fetch_api_days(
    db: aiosqlite.Connection,
    client: httpx.AsyncClient,
    base_url: str,
    days: list[dt.date],
    now: dt.datetime,
    result: PollResult,
    report: IngestReport,
) -> None:
    """One request per day (more when a day fills a page); an empty list is a quiet day.

    Votes in the answer are current: they are stored as observed ``now``.
    """
    for day in days:
        for page in range(MAX_PAGES):
            url = day_url(base_url, day, page)
            result.inputs += 1
            got = await download(client, url)
            if got.text is None:
                result.errors.append(f"{url}: {got.error or f'download failed: HTTP {got.status}'}")
                break
            parsed = parse_hf_api(got.text, url, day)
            if not parsed.digests and parsed.issues:
                result.errors += [str(issue) for issue in parsed.issues]
                break
            result.changed += 1
            report.issues.extend(parsed.issues)
            for digest in parsed.digests:
                report.add(await store_digest(db, digest, HF_API_SOURCE, observed_at=now))
            # A full page (counted as sent, duplicates included) means there may be another.
            if len(json.loads(got.text)) < PAGE_SIZE:
                break


async def _read(
    db: aiosqlite.Connection, path: Path, result: PollResult
) -> tuple[str | None, source_state.SourceState | None]:
    stat = await asyncio.to_thread(path.stat)
    quick = f"{stat.st_size}:{stat.st_mtime_ns}"
    known = await source_state.get_state(db, str(path))
    if known.fingerprint and known.fingerprint.startswith(quick + ":"):
        result.unchanged += 1
        return None, None
    data = await asyncio.to_thread(path.read_bytes)
    digest = hashlib.sha256(data).hexdigest()
    state = source_state.SourceState(fingerprint=f"{quick}:{digest}")
    if known.fingerprint and known.fingerprint.endswith(":" + digest):
        # Touched, not changed: remember the new mtime and skip the parse.
        await source_state.set_state(db, str(path), state, result.at)
        result.unchanged += 1
        return None, None
    try:
        return data.decode("utf-8-sig"), state
    except UnicodeDecodeError as error:
        result.errors.append(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")
        return None, None


async def _fetch(
    db: aiosqlite.Connection, client: httpx.AsyncClient, url: str, result: PollResult
) -> tuple[str | None, source_state.SourceState | None]:
    known = await source_state.get_state(db, url)
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    got = await download(client, url, headers)
    if got.status == 304:
        result.unchanged += 1
    elif got.status == 404:
        result.not_published += 1
    elif got.error:
        result.errors.append(f"{url}: {got.error}")
    if got.text is None:
        return None, None
    return got.text, source_state.SourceState(etag=got.etag, last_modified=got.last_modified)


async def refresh_votes(
    db: aiosqlite.Connection,
    client: httpx.AsyncClient,
    base_url: str,
    clock: Clock,
    default_zone: ZoneInfo,
    days: int = 7,
) -> PollResult:
    """The hourly job: one API request per day of the last ``days``, so /top week and month
    rank by current votes; a paper that joined a recent day is fanned out as a follow-up."""
    now = clock.now()
    result = PollResult(at=utc_text(now))
    report = IngestReport()
    dates = [now.date() - dt.timedelta(days=back) for back in range(days - 1, -1, -1)]
    await fetch_api_days(db, client, base_url, dates, now, result, report)
    result.errors += [str(issue) for issue in report.issues]
    result.digests_read = report.digests_read
    result.papers_new = report.papers_new
    result.deliveries = await fan_out(db, clock.now(), default_zone)
    log.info(
        "vote refresh: %d days, %d new papers, %d errors",
        days,
        result.papers_new,
        len(result.errors),
    )
    return result
