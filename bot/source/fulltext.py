"""A paper's full text, fetched when a reader first asks about it, politely.

Polite: one request at a time, at most ``rate`` a second; a conditional request
(If-None-Match / If-Modified-Since) when a text was read before; a 429 or 503's
Retry-After is honoured for every paper, not only the one that got it. A reader is waiting,
so nothing here waits long: a busy or resting source answers "later" at once, and a fetch
ends within ``FULLTEXT_SECONDS`` (the answer then comes from the abstract).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bot.core.fulltext import FullText, NoFullText, Stored
from bot.core.limits import FULLTEXT_BYTES, FULLTEXT_SECONDS
from bot.parse.fulltext_html import parse_paper_html
from bot.parse.fulltext_markdown import parse_paper_markdown
from bot.source.reader import download
from storage.fulltext import Validators

log = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "https://arxiv.org/html/{id}"
DEFAULT_RATE = 0.5  # requests a second: arXiv asks robots for no more than one every 2-3 s
LONGEST_REST = 3600.0  # the longest Retry-After honoured; more is read as an hour
QUEUE_WAIT = 10.0  # seconds a fetch may wait for its turn before answering "later"


@dataclass(frozen=True)
class Fetched:
    """What one fetch gave: a text, a reason there is none (kept), ``unchanged`` (304), or
    ``later`` (the source is resting, busy, slow or down: nothing is kept)."""

    text: FullText | None = None
    reason: str = ""
    unchanged: bool = False
    later: bool = False
    seen: Validators = field(default_factory=Validators)


class FullTextSource:
    """The full-text source of PAPERBOY_FULLTEXT_URL: its pacing and its rest are shared by
    every paper asked about."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        template: str = DEFAULT_TEMPLATE,
        rate: float = DEFAULT_RATE,
        now: Callable[[], float] = time.monotonic,
        deadline: float = FULLTEXT_SECONDS,
    ) -> None:
        self.http = http
        self.template = template
        self.spacing = 1.0 / rate if rate > 0 else 0.0
        self._now = now
        self._deadline = deadline
        self._turn = asyncio.Lock()
        self._last = -1e9
        self._rest_until = 0.0

    def url(self, arxiv_id: str) -> str:
        return self.template.replace("{id}", arxiv_id)

    def resting(self) -> float:
        """Seconds the source asked us to stay away (0: none)."""
        return max(0.0, self._rest_until - self._now())

    async def fetch(self, arxiv_id: str, known: Stored | None = None) -> Fetched:
        if rest := self.resting():
            return Fetched(reason=f"the full-text source asked to wait {rest:.0f} s", later=True)
        try:
            async with asyncio.timeout(QUEUE_WAIT):
                await self._turn.acquire()
        except TimeoutError:
            return Fetched(reason="the full-text source is busy with other papers", later=True)
        try:
            wait = self._last + self.spacing - self._now()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                async with asyncio.timeout(self._deadline):
                    return await self._get(arxiv_id, known)
            except TimeoutError:
                return Fetched(
                    reason=f"the full-text source did not answer in {self._deadline:.0f} s",
                    later=True,
                )
        finally:
            self._last = self._now()
            self._turn.release()

    async def _get(self, arxiv_id: str, known: Stored | None) -> Fetched:
        url = self.url(arxiv_id)
        headers = {}
        if known is not None and known.text is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        got = await download(self.http, url, headers, binary=True, limit=FULLTEXT_BYTES)
        seen = Validators(got.etag, got.last_modified, url)
        if got.status == 304:
            return Fetched(unchanged=True, seen=seen)
        if got.status in (429, 503) or (got.status or 0) >= 500:
            if got.retry_after is not None:
                self._rest_until = self._now() + min(got.retry_after, LONGEST_REST)
            return Fetched(reason=f"the full-text source answered HTTP {got.status}", later=True)
        if got.status is None:
            return Fetched(reason=got.error or "the full-text source is unreachable", later=True)
        if got.status != 200:
            return Fetched(reason=f"the source has no text for it (HTTP {got.status})", seen=seen)
        if got.content is None:  # over the size budget or bad encoding: the reason says
            return Fetched(reason=got.error or "the page could not be read", seen=seen)
        parsed = await asyncio.to_thread(_parse, got.content, got.content_type, url)
        if isinstance(parsed, NoFullText):
            return Fetched(reason=parsed.reason, seen=seen)
        return Fetched(text=parsed, seen=seen)


def _parse(content: bytes, content_type: str, url: str) -> FullText | NoFullText:
    """Markdown when the source says so (or the template names a .md), else HTML."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/markdown", "text/x-markdown", "text/plain") or url.endswith(".md"):
        try:
            return parse_paper_markdown(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return NoFullText("the page is not UTF-8 text")
    return parse_paper_html(content)
