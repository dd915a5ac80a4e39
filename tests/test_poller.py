"""Polling sources: conditional requests for URLs, change detection for files, no crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiohttp import web

from bot.core.settings import DEFAULT_HF_API_URL as HF
from bot.source.poll import poll
from tests.bot_harness import ManualClock
from tests.conftest import FIXTURES, fixture_text

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
async def feed():
    """A loopback digest feed: /paper_logs/2024/10/18.md with an ETag; other days 404."""
    seen: list[dict[str, str]] = []
    state = {"status": 200}

    async def handler(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if state["status"] != 200:
            return web.Response(status=state["status"])
        if request.path != "/paper_logs/2024/10/18.md":
            return web.Response(status=404)
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(text=fixture_text("2024/10/18"), headers={"ETag": '"v1"'})

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/paper_logs/{{yyyy}}/{{mm}}/{{dd}}.md", seen, state
    await runner.cleanup()


async def test_url_template_conditional_requests_and_404(db, feed):
    template, seen, _ = feed
    clock = ManualClock(dt.datetime(2024, 10, 18, 23, 30, tzinfo=dt.UTC))
    async with httpx.AsyncClient() as client:
        first = await poll(db, (template,), client, clock.now(), HF)
        assert (first.inputs, first.changed, first.not_published) == (2, 1, 1)  # 10-17 is 404
        assert first.papers_new == 9 and first.errors == []
        second = await poll(db, (template,), client, clock.now(), HF)
        assert (second.changed, second.unchanged, second.papers_new) == (0, 1, 0)
    assert any(h.get("If-None-Match") == '"v1"' for h in seen)


async def test_fetch_errors_are_reported_and_retried_next_time(db, feed):
    template, _, state = feed
    clock = ManualClock(dt.datetime(2024, 10, 18, 23, 30, tzinfo=dt.UTC))
    async with httpx.AsyncClient() as client:
        state["status"] = 503
        failed = await poll(db, (template,), client, clock.now(), HF)
        assert failed.changed == 0 and len(failed.errors) == 2
        assert "HTTP 503" in failed.errors[0]
        unreachable = await poll(db, ("http://127.0.0.1:9/{date}.md",), client, clock.now(), HF)
        assert unreachable.errors and "download failed" in unreachable.errors[0]
        state["status"] = 200
        recovered = await poll(db, (template,), client, clock.now(), HF)
        assert recovered.papers_new == 9


async def test_directories_are_reread_only_when_content_changes(db, tmp_path: Path):
    folder = tmp_path / "feed"
    folder.mkdir()
    full = (FIXTURES / "2024/10/18.md").read_text(encoding="utf-8")
    first_run = full[: full.index("## Daily Papers", 10)]
    target = folder / "18.md"
    target.write_text(first_run, encoding="utf-8")
    clock = ManualClock(dt.datetime(2024, 10, 18, 23, 30, tzinfo=dt.UTC))
    async with httpx.AsyncClient() as client:
        one = await poll(db, (str(folder),), client, clock.now(), HF)
        assert (one.changed, one.papers_new) == (1, 7)
        target.touch()
        same = await poll(db, (str(folder),), client, clock.now(), HF)
        assert (same.changed, same.unchanged) == (0, 1)
        target.write_text(full, encoding="utf-8")  # the re-run appended
        more = await poll(db, (str(folder),), client, clock.now(), HF)
        assert (more.changed, more.papers_new) == (1, 2)
        (folder / "bad.md").write_bytes(b"\xff\xfe")
        broken = await poll(db, (str(folder),), client, clock.now(), HF)
        assert any("not UTF-8" in e for e in broken.errors)
