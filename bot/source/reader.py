"""The one way Paperboy reads a source, a file or a URL, asking only for what changed.

Files are re-read only when their size and mtime, and then their content hash, change; URLs
are asked with If-None-Match / If-Modified-Since, and a 404 only means "not published yet".
The ``paperboy ingest`` command and the poller both read through here; the command simply
knows nothing of earlier reads.
"""

from __future__ import annotations

import asyncio
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.core.limits import (
    ARCHIVE_BYTES,
    DOWNLOAD_GRACE,
    DOWNLOAD_SECONDS,
    FILE_BYTES,
    MIN_DOWNLOAD_RATE,
)
from bot.source.inputs import is_url
from bot.source.unpack import Members, UnreadableArchive, is_archive, unpack
from storage.sources import SourceState

FETCH_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = "paperboy-digest-fetcher/0.1"


def new_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=FETCH_TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )


@dataclass(frozen=True)
class Download:
    """One GET: the text (200 only), the status, or why it failed; with cache validators."""

    status: int | None
    text: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content: bytes | None = None  # the body, for an archive (``binary=True``)
    retry_after: float | None = None  # seconds a 429 or 503 asked us to wait
    content_type: str = ""


async def download(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str] | None = None,
    binary: bool = False,
    limit: int | None = None,
) -> Download:
    """GET ``url``; 304 and 404 are answers, not errors; anything else not 200 is one.

    Bounded however the server behaves: the body is counted as it unpacks, up to
    ``FILE_BYTES`` (``ARCHIVE_BYTES`` for an archive), so a gzip bomb stops there; and the
    download must keep an average of ``MIN_DOWNLOAD_RATE`` after ``DOWNLOAD_GRACE`` seconds
    and end within ``DOWNLOAD_SECONDS``, so a drip-feed ends too. A 1 MB gzip of 1 GB once
    took 13 GB here, and one byte every 5 s hung forever; the poller reads through here.
    """
    limit = limit or (ARCHIVE_BYTES if binary else FILE_BYTES)
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
    try:
        async with asyncio.timeout_at(start + DOWNLOAD_GRACE) as deadline:
            async with client.stream("GET", url, headers=sent) as response:
                if response.status_code in (304, 404):
                    return Download(response.status_code)
                if response.status_code != 200:
                    return Download(
                        response.status_code,
                        error=f"download failed: HTTP {response.status_code}",
                        retry_after=_seconds(response.headers.get("Retry-After")),
                    )
                body = await _bounded_body(response, limit, deadline, start)
    except TimeoutError:
        took = loop.time() - start
        return Download(None, error=f"download too slow: stopped after {took:.0f} s")
    except httpx.HTTPError as exc:
        return Download(None, error=f"download failed: {exc.__class__.__name__}: {exc}")
    except _Refused as refused:
        return Download(200, error=str(refused))
    validators = {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "content_type": response.headers.get("Content-Type", ""),
    }
    if binary:
        return Download(200, content=body, **validators)
    text, error = _decode(body)
    if text is None:
        return Download(200, error=error)
    return Download(200, text, **validators)


class _Refused(Exception):
    """A body that breaks its budget: the reason, for the report."""


async def _bounded_body(
    response: httpx.Response, limit: int, deadline: asyncio.Timeout, start: float
) -> bytes:
    """The response body, unpacked by us (never trusting a declared size) up to ``limit``
    bytes, the deadline moved on as bytes arrive."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32 if encoding != "deflate" else 0)
    elif encoding in ("identity", ""):
        inflater = None
    else:
        raise _Refused(f"download refused: Content-Encoding {encoding[:40]!r} was not asked for")
    body = bytearray()
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        deadline.reschedule(
            min(start + DOWNLOAD_SECONDS, start + DOWNLOAD_GRACE + received / MIN_DOWNLOAD_RATE)
        )
        try:
            if inflater is None:
                _append(body, chunk, limit)
                continue
            piece = inflater.decompress(chunk, _UNPACK_STEP)
            _append(body, piece, limit)
            while inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail, _UNPACK_STEP)
                _append(body, piece, limit)
        except zlib.error as error:
            raise _Refused(f"download refused: bad {encoding} data ({error})") from None
    return bytes(body)


_UNPACK_STEP = 1 << 20  # bytes unpacked at a time: a bomb is stopped within one step


def _append(body: bytearray, piece: bytes, limit: int) -> None:
    body += piece
    if len(body) > limit:
        raise _Refused(f"download refused: over {limit:,} bytes unpacked")


@dataclass(frozen=True)
class Read:
    """What reading one source gave: its text when it changed, and the state to remember."""

    text: str | None = None
    state: SourceState | None = None
    unchanged: bool = False
    not_published: bool = False
    error: str | None = None
    members: Members | None = None  # an archive's digest-like members, read as iterated


async def read_source(client: httpx.AsyncClient, item: str, known: SourceState) -> Read:
    """Read a file or a URL; ``known`` is what an earlier read remembered (or nothing)."""
    if is_url(item):
        return await _fetch(client, item, known)
    try:
        return await _read_file(Path(item), known)
    except OSError as exc:
        return Read(error=f"cannot read: {exc.strerror or exc}")


def conditional_headers(known: SourceState) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what an earlier read kept."""
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


async def _fetch(client: httpx.AsyncClient, url: str, known: SourceState) -> Read:
    archive = is_archive(url)
    got = await download(client, url, conditional_headers(known), binary=archive)
    state = SourceState(etag=got.etag, last_modified=got.last_modified)
    if archive and got.content is not None:
        return _unpacked(got.content, url, state)
    if got.text is None:
        return Read(unchanged=got.status == 304, not_published=got.status == 404, error=got.error)
    return Read(got.text, state)


def _unpacked(data: bytes, name: str, state: SourceState | None) -> Read:
    try:
        members = unpack(data, name)
    except UnreadableArchive as error:
        return Read(error=str(error))
    return Read(state=state, members=members)


async def _read_file(path: Path, known: SourceState) -> Read:
    stat = await asyncio.to_thread(path.stat)
    quick = f"{stat.st_size}:{stat.st_mtime_ns}"
    if known.fingerprint and known.fingerprint.startswith(quick + ":"):
        return Read(unchanged=True)
    limit = ARCHIVE_BYTES if is_archive(path.name) else FILE_BYTES
    data = await asyncio.to_thread(_read_at_most, path, limit + 1)
    if len(data) > limit:
        return Read(error=f"over {limit:,} bytes; not read (a digest is far smaller)")
    digest = hashlib.sha256(data).hexdigest()
    state = SourceState(fingerprint=f"{quick}:{digest}")
    if known.fingerprint and known.fingerprint.endswith(":" + digest):
        return Read(state=state, unchanged=True)  # touched, not changed: remember the mtime
    if is_archive(path.name):
        return await asyncio.to_thread(_unpacked, data, path.name, state)
    text, error = _decode(data)
    return Read(text, state if text is not None else None, error=error)


def _read_at_most(path: Path, size: int) -> bytes:
    """The file's first ``size`` bytes (a file may grow between stat and read)."""
    with path.open("rb") as file:
        return file.read(size)


def _seconds(value: str | None) -> float | None:
    """Retry-After as seconds (the HTTP-date form is rare for APIs: treated as absent)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
