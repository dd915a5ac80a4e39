"""Read inputs (files, directories, URLs), parse them and store what they hold.

Every input is handled on its own: an unreadable file, a failed download or a digest that
breaks storing becomes an issue in the report, and the other inputs still load.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from bot.core.limits import FUTURE_DAYS
from bot.core.models import ParseIssue, ParseResult
from bot.parse.detect import parse_any
from bot.source.inputs import expand_inputs
from bot.source.reader import Read, new_client, read_source
from bot.source.unpack import Members
from storage import sources as source_state
from storage.archive import DigestStats, store_digest
from storage.db import Database
from storage.timestamps import utc_text

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    """Totals over every input of one ingest or poll, and every problem met."""

    inputs: int = 0
    changed: int = 0
    unchanged: int = 0
    not_published: int = 0
    digests_read: int = 0
    new_digests: list[dt.date] = field(default_factory=list)
    papers_new: int = 0
    papers_updated: int = 0
    entries_new: int = 0
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def loaded_anything(self) -> bool:
        return self.digests_read > 0

    @property
    def errors(self) -> list[str]:
        return [str(issue) for issue in self.issues]

    def add(self, stats: DigestStats) -> None:
        self.digests_read += 1
        if stats.new_digest:
            self.new_digests.append(stats.date)
        self.papers_new += stats.papers_new
        self.papers_updated += stats.papers_updated
        self.entries_new += stats.entries_new

    def count(self, source: str, read: Read, missing_is_issue: bool) -> None:
        self.changed += read.text is not None or read.members is not None
        self.unchanged += read.unchanged
        self.not_published += read.not_published
        if read.error:
            self.issues.append(ParseIssue(source, 0, read.error))
        elif read.not_published and missing_is_issue:
            self.issues.append(ParseIssue(source, 0, "not found (404): not published yet?"))


class DiskFull(Exception):
    """The disk (or the database's page limit) is full: ingest stopped at ``item``; what
    ``report`` counts was stored and stays."""

    def __init__(self, item: str, report: IngestReport) -> None:
        super().__init__(f"the disk is full: stopped at {item}")
        self.item = item
        self.report = report


def _disk_full(error: BaseException) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full") or the OS's ENOSPC."""
    if isinstance(error, sqlite3.OperationalError):
        return "full" in str(error).lower()
    return isinstance(error, OSError) and error.errno == errno.ENOSPC


async def store_text(
    db: Database,
    text: str,
    source: str,
    report: IngestReport,
    observed_at: dt.datetime | None = None,
) -> None:
    """Parse one input's text (markdown or API JSON) and store every digest in it. Parsing
    runs on a thread: a large input must not stop the bot answering meanwhile."""
    result = await asyncio.to_thread(parse_any, text, source)
    await store_parsed(db, result, source, report, observed_at)


async def store_members(db: Database, members: Members, item: str, report: IngestReport) -> None:
    """Every digest in an archive, one member at a time (unpacked on a thread). A repository
    snapshot holds more than digests (its README, docs): a member that is not a digest is
    skipped without a word, but an archive with no digest at all is a problem."""
    found = report.digests_read
    each = iter(members)
    while (member := await asyncio.to_thread(next, each, None)) is not None:
        path, text = member
        source = f"{item}!{path}"
        result = await asyncio.to_thread(parse_any, text, source)
        del text
        if result.digests:
            await store_parsed(db, result, source, report, None)
    report.issues.extend(ParseIssue(item, 0, problem) for problem in members.problems)
    if report.digests_read == found:
        report.issues.append(
            ParseIssue(
                item, 0, f"no digest in the archive ({members.read:,} .md/.json members read)"
            )
        )


async def store_parsed(
    db: Database,
    result: ParseResult,
    source: str,
    report: IngestReport,
    observed_at: dt.datetime | None,
    backfill: bool = False,
) -> None:
    """Store every digest read, as from ``source``; ``observed_at`` marks live API data,
    current as of then; ``backfill`` listings are archived, never delivered."""
    report.issues.extend(result.issues)
    latest = (observed_at or dt.datetime.now(dt.UTC)).date() + dt.timedelta(days=FUTURE_DAYS)
    for digest in result.digests:
        if digest.date > latest:  # a wrong clock or a forgery must not become "today"
            report.issues.append(
                ParseIssue(
                    source,
                    digest.line,
                    f"digest dated {digest.date}, more than {FUTURE_DAYS} days ahead; not stored",
                )
            )
            continue
        report.add(await store_digest(db, digest, source, observed_at, backfill))


async def ingest(
    db: Database,
    inputs: Iterable[str],
    client: httpx.AsyncClient | None = None,
    *,
    now: dt.datetime | None = None,
    report: IngestReport | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, directories and URLs; returns what changed and every problem met.

    With ``now`` (the poller) each input is read only when it changed since the last read,
    which is remembered, and a URL not published yet is no problem; without it (the command
    line) every input is read.
    """
    report = report or IngestReport()
    files, issues = expand_inputs(inputs)
    report.issues.extend(issues)
    report.inputs += len(files)
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(new_client())
        for done, item in enumerate(files, 1):
            known = await source_state.get_state(db, item) if now else source_state.SourceState()
            read = await read_source(client, item, known)
            report.count(item, read, missing_is_issue=now is None)
            try:
                if read.text is not None:
                    await store_text(db, read.text, item, report)
                if read.members is not None:
                    await store_members(db, read.members, item, report)
                if now is not None and read.state is not None:
                    await source_state.set_state(db, item, read.state, utc_text(now))
            except Exception as error:  # one bad input never stops the others
                if _disk_full(error):  # but a full disk stops them all: none would store
                    raise DiskFull(item, report) from error
                log.exception("ingest of %s failed", item)
                report.issues.append(ParseIssue(item, 0, f"{error.__class__.__name__}: {error}"))
            if progress is not None:
                progress(done, len(files), item)
    return report
