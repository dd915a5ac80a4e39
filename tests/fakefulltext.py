"""A loopback stand-in for arXiv's HTML papers (``/html/{id}``), hostile on request.

Pages are real LaTeXML 0.8.7 output (tests/data/fulltext, sources and licence there), served
as arXiv serves them: wrapped in its header and footer, with a ``<base>`` naming the
version, an ETag, and 304 to a matching If-None-Match. Some ids misbehave as arXiv's pages
do: a 200 placeholder for a paper never converted, a conversion that died halfway, one
garbled by undefined macros, a page over the download budget, a page whose text is over the
size cap, a server that stalls or answers 429 with Retry-After. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path

from aiohttp import web

from tests.loopback import serve

FIXTURES = Path(__file__).parent / "data" / "fulltext"
SPEECH = "2409.10001"  # tests/data/fulltext/speech.html
ROBOTS = "2409.10002"  # robots.html
GARBLED = "2409.10003"  # broken.html: real LaTeXML output, 120 undefined macros
STUB = "2409.10004"  # never converted: a 200 placeholder page
HALFWAY = "2409.10005"  # the conversion died halfway; arXiv's banner says so
HUGE = "2409.10006"  # a page of 60 MB: over the download budget
LONG = "2409.10007"  # a real page with 900 sections: over the text cap
SLOW = "2409.10008"  # answers after ``slow_seconds``
BUSY = "2409.10009"  # 429, Retry-After: ``retry_after``
MISSING = "2409.10010"  # 404

_HEADER = (
    '<header class="mob_header"><div class="html-header-logo"><a href="https://arxiv.org/">'
    'arXiv</a></div><nav class="html-header-nav"><a href="/abs/{id}">Back to abstract page'
    '</a> <a href="/pdf/{id}">Download PDF</a> <button>Toggle dark mode</button></nav></header>'
)
_FOOTER = (
    '<footer id="footer" class="ltx_document"><p>Report issue for preceding element</p>'
    '<a href="https://info.arxiv.org/help/license">License</a></footer>'
)
# arXiv's banner over many papers, with the paper's own class: "ltx_document".
PACKAGES_BANNER = (
    '<div class="package-alerts ltx_document" role="status" aria-label="Conversion errors have'
    ' been found"><button aria-label="Dismiss alert">Dismiss</button><p>HTML conversions'
    " sometimes display errors due to content that did not convert correctly from the source."
    " This paper uses the following packages that are not yet supported by the HTML conversion"
    " tool.</p><ul><li>failed: arydshln</li></ul></div>"
)
STUB_PAGE = (
    "<!DOCTYPE html><html><head><title>arXiv HTML</title></head><body>"
    '<div class="ltx_page_main"><h1>HTML is not available for the source.</h1><p>This could be'
    " due to the source files not being HTML, LaTeX, or a conversion failure.</p></div>"
    "</body></html>"
)


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def as_arxiv_serves(page: str, arxiv_id: str, version: int = 2) -> str:
    """A LaTeXML page as arXiv wraps it: a base naming the version, its header, its banner
    about unsupported packages (ahead of the paper, with the paper's class) and footer."""
    page = page.replace("<head>", f'<head>\n<base href="/html/{arxiv_id}v{version}/">', 1)
    page = page.replace(
        '<div class="ltx_page_main">', f'<div class="ltx_page_main">{PACKAGES_BANNER}', 1
    )
    page = page.replace("<body>", "<body>" + _HEADER.replace("{id}", arxiv_id), 1)
    return page.replace("</body>", _FOOTER + "</body>", 1)


def halfway_page(arxiv_id: str) -> str:
    """speech.html cut after its second section, under arXiv's banner for a fatal error."""
    page = fixture("speech")
    cut = page.index('<section id="S3"')
    banner = (
        '<div class="package-alerts ltx_document" role="status"><p>Conversion to HTML had a'
        " Fatal error and exited abruptly. This document may be truncated or damaged.</p></div>"
    )
    page = page[:cut] + "</article></div></div></body></html>"
    page = page.replace('<div class="ltx_page_main">', '<div class="ltx_page_main">' + banner, 1)
    return as_arxiv_serves(page, arxiv_id)


def long_page(arxiv_id: str, sections: int = 900) -> str:
    """speech.html with its Results section repeated ``sections`` times, each numbered."""
    page = fixture("speech")
    start = page.index('<section id="S4.SS2"')
    end = page.index("</section>", start) + len("</section>")
    results = page[start:end]
    more = "".join(
        results.replace("4.2 </span>", f"4.{i} </span>").replace('id="S4.SS2"', f'id="X{i}"')
        for i in range(2, sections + 2)
    )
    return as_arxiv_serves(page[:start] + more + page[end:], arxiv_id)


class FakeFullText:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {
            SPEECH: as_arxiv_serves(fixture("speech"), SPEECH),
            ROBOTS: as_arxiv_serves(fixture("robots"), ROBOTS, 1),
            GARBLED: as_arxiv_serves(fixture("broken"), GARBLED),
            HALFWAY: halfway_page(HALFWAY),
        }
        self.slow_seconds = 30.0
        self.retry_after = 120
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    @property
    def template(self) -> str:
        return self.url + "/html/{id}"

    @property
    def markdown_template(self) -> str:
        return self.url + "/md/{id}.md"

    def asked(self, arxiv_id: str) -> int:
        return sum(1 for _, path, _ in self.requests if arxiv_id in path)

    async def __aenter__(self) -> FakeFullText:
        app = web.Application()
        app.router.add_get("/html/{id}", self._html)
        app.router.add_get("/md/{id}.md", self._markdown)
        self._runner, self.url = await serve(app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _html(self, request: web.Request) -> web.StreamResponse:
        arxiv_id = request.match_info["id"]
        self.requests.append((time.monotonic(), request.path, dict(request.headers)))
        if arxiv_id == STUB:
            return web.Response(text=STUB_PAGE, content_type="text/html")
        if arxiv_id == BUSY:
            return web.Response(status=429, headers={"Retry-After": str(self.retry_after)})
        if arxiv_id == SLOW:
            await asyncio.sleep(self.slow_seconds)
        if arxiv_id == HUGE:
            return await self._endless(request)
        page = long_page(LONG) if arxiv_id == LONG else self.pages.get(arxiv_id)
        if arxiv_id == SLOW:
            page = self.pages[SPEECH]
        if page is None:
            return web.Response(status=404, text="No HTML for this paper")
        etag = '"' + hashlib.sha256(page.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=page, content_type="text/html", headers={"ETag": etag})

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        """60 MB of a real page's paragraphs, as fast as the client reads."""
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = (fixture("speech").split("<body>")[1][:20_000] * 50).encode()
        sent = 0
        try:
            while sent < 60_000_000:
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionError, RuntimeError):
            return response  # the client stopped reading: as it should
        await response.write_eof()
        return response

    async def _markdown(self, request: web.Request) -> web.Response:
        self.requests.append((time.monotonic(), request.path, dict(request.headers)))
        text = (FIXTURES / "speech.md").read_text(encoding="utf-8")
        return web.Response(text=text, content_type="text/markdown")
