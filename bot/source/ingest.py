"""Read digest inputs (files, directories, URLs), parse them and store what they hold.

Every input is handled on its own: an unreadable file or a failed download becomes an issue
in the report, and the other inputs still load.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite
import httpx

from bot.core.models import ParseIssue, ParseResult
from bot.parse.hf_api import parse_hf_api
from bot.parse.markdown import parse_digest
from storage.papers import DigestStats, store_digest

FETCH_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = "paperboy-digest-fetcher/0.1"

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    """Totals over every input of one ingest run, and every problem met."""

    inputs: int = 0
    digests_read: int = 0
    new_digests: list[dt.date] = field(default_factory=list)
    papers_new: int = 0
    papers_updated: int = 0
    entries_new: int = 0
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def loaded_anything(self) -> bool:
        return self.digests_read > 0

    def add(self, stats: DigestStats) -> None:
        self.digests_read += 1
        if stats.new_digest:
            self.new_digests.append(stats.date)
        self.papers_new += stats.papers_new
        self.papers_updated += stats.papers_updated
        self.entries_new += stats.entries_new


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def expand_inputs(inputs: Iterable[str]) -> tuple[list[str], list[ParseIssue]]:
    """Files and URLs to read, directories walked recursively for ``*.md`` in path order."""
    found: list[str] = []
    issues: list[ParseIssue] = []
    for item in inputs:
        if is_url(item):
            found.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in (".md", ".json")
            )
            if not files:
                issues.append(ParseIssue(item, 0, "directory holds no .md or .json files"))
            found.extend(str(p) for p in files)
        elif path.is_file():
            found.append(item)
        else:
            issues.append(ParseIssue(item, 0, "no such file or directory"))
    return found, issues


async def read_inputs(
    inputs: list[str], issues: list[ParseIssue]
) -> AsyncIterator[tuple[str, str | None]]:
    """Yield (source, text) for each input, text None when unreadable (see ``issues``)."""
    client: httpx.AsyncClient | None = None
    try:
        for item in inputs:
            if is_url(item):
                if client is None:
                    client = httpx.AsyncClient(
                        timeout=FETCH_TIMEOUT,
                        follow_redirects=True,
                        headers={"User-Agent": USER_AGENT},
                    )
                text = await _fetch(client, item, issues)
            else:
                text = _read_file(Path(item), issues)
            yield item, text
    finally:
        if client is not None:
            await client.aclose()


@dataclass(frozen=True)
class Download:
    """One GET: the text (200 only), the status, or why it failed; with cache validators."""

    status: int | None
    text: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


async def download(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> Download:
    """GET ``url``; 304 and 404 are answers, not errors; anything else not 200 is one."""
    try:
        response = await client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        return Download(None, error=f"download failed: {exc.__class__.__name__}: {exc}")
    if response.status_code in (304, 404):
        return Download(response.status_code)
    if response.status_code != 200:
        return Download(response.status_code, error=f"download failed: HTTP {response.status_code}")
    try:
        text = response.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Download(200, error=f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    return Download(
        200,
        text,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )


async def _fetch(client: httpx.AsyncClient, url: str, issues: list[ParseIssue]) -> str | None:
    got = await download(client, url)
    if got.status == 404:
        issues.append(ParseIssue(url, 0, "not found (404): not published yet?"))
    elif got.error:
        issues.append(ParseIssue(url, 0, got.error))
    return got.text


def _read_file(path: Path, issues: list[ParseIssue]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        issues.append(ParseIssue(str(path), 0, f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        issues.append(
            ParseIssue(str(path), 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        )
        return None


def parse_any(text: str, source: str, requested: dt.date | None = None) -> ParseResult:
    """A markdown digest, or a daily papers API response (JSON: ``.json`` or a ``[``)."""
    if source.endswith(".json") or text.lstrip().startswith("["):
        if requested is None:  # saved responses are named after the date asked for
            stem = source.rsplit("/", 1)[-1].removesuffix(".json")
            with contextlib.suppress(ValueError):
                requested = dt.date.fromisoformat(stem)
        return parse_hf_api(text, source, requested)
    return parse_digest(text, source)


async def ingest_text(
    conn: aiosqlite.Connection,
    text: str,
    source: str,
    report: IngestReport,
    observed_at: dt.datetime | None = None,
) -> None:
    """Parse one file's text (markdown or API JSON) and store every digest in it.

    ``observed_at`` marks live API data: its votes are current as of then.
    """
    result = parse_any(text, source)
    report.issues.extend(result.issues)
    for digest in result.digests:
        report.add(await store_digest(conn, digest, source, observed_at))


async def ingest(
    conn: aiosqlite.Connection, inputs: Iterable[str], progress: Progress | None = None
) -> IngestReport:
    """Ingest files, directories and URLs; returns what changed and every problem met."""
    report = IngestReport()
    files, issues = expand_inputs(inputs)
    report.issues.extend(issues)
    report.inputs = len(files)
    done = 0
    async for source, text in read_inputs(files, report.issues):
        if text is not None:
            await ingest_text(conn, text, source, report)
        done += 1
        if progress is not None:
            progress(done, len(files), source)
    return report
