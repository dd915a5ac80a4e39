"""A loopback server for the digest sources under their real URL layouts: the daily_papers_ko
raw files (``/l-yohai/daily_papers_ko/main/paper_logs/YYYY/MM/DD.md``, 404 on days without
one) and the HF daily papers API (``/api/daily_papers?date=D&p=P&limit=L``, ``[]`` on quiet
days). Hostile on request: the first answers can be 429 with Retry-After, or 500. Records every
request with its time, for the politeness checks."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.loopback import serve

KOREAN_PATH = "/l-yohai/daily_papers_ko/main/paper_logs/{yyyy}/{mm}/{dd}.md"


class FakeSources:
    def __init__(self, korean: Path | None, api: Path | None) -> None:
        self.korean = korean
        self.api = api
        self.requests: list[tuple[float, str]] = []
        self.not_modified = 0  # conditional requests answered 304
        self.fail: list[tuple[int, dict[str, str]]] = []  # answered first, one per request
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def korean_template(self) -> str:
        return self.url + KOREAN_PATH

    @property
    def api_url(self) -> str:
        return self.url + "/api/daily_papers"

    async def __aenter__(self) -> FakeSources:
        app = web.Application()
        app.router.add_get("/l-yohai/daily_papers_ko/main/paper_logs/{y}/{m}/{d}", self._korean)
        app.router.add_get("/api/daily_papers", self._api)
        self._runner, self.url = await serve(app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def _hostile(self, request: web.Request) -> web.Response | None:
        self.requests.append((time.monotonic(), str(request.rel_url)))
        if self.fail:
            status, headers = self.fail.pop(0)
            return web.Response(status=status, headers=headers, text="slow down")
        return None

    async def _korean(self, request: web.Request) -> web.Response:
        if (refused := self._hostile(request)) is not None:
            return refused
        y, m, d = (request.match_info[k] for k in ("y", "m", "d"))
        path = (self.korean / y / m / d) if self.korean else None
        if path is None or not path.is_file():
            return web.Response(status=404, text="404: Not Found")
        text = path.read_text(encoding="utf-8")
        etag = f'"{hashlib.sha256(text.encode()).hexdigest()[:16]}"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=text, content_type="text/plain", headers={"ETag": etag})

    async def _api(self, request: web.Request) -> web.Response:
        if (refused := self._hostile(request)) is not None:
            return refused
        date = request.query.get("date", "")
        page, limit = int(request.query.get("p", "0")), int(request.query.get("limit", "50"))
        if limit > 100:
            return web.json_response({"error": "limit must be at most 100"}, status=400)
        path = (self.api / f"{date}.json") if self.api else None
        entries: list[Any] = (
            json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else []
        )
        return web.json_response(entries[page * limit : (page + 1) * limit])
