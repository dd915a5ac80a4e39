"""The backfill against a loopback server with the real URL layouts: the whole history once,
politely, resumable after a kill, idempotent, never delivered as new."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from bot.app.cli import main
from bot.pipeline import BACKFILL_TASK
from bot.source import backfill
from bot.source.reader import new_client
from storage import meta, outbox
from storage.archive import archive_stats
from tests.bot_harness import ManualClock, bot_running
from tests.conftest import FIXTURES, ROOT
from tests.fakebot.server import FakeBotApi
from tests.fakesources import FakeSources
from tests.loopback import on_own_thread

API = ROOT / "tests" / "fixtures" / "hf_api"
TODAY = dt.date(2026, 8, 21)


@pytest.fixture
async def server():
    async with FakeSources(FIXTURES, API) as fake:
        yield fake


async def run(db, fake, which="all", since=None, rate=1000.0, clock=None):
    """Plan and run a backfill from ``fake``; returns the report and the plan."""
    sources = (fake.korean_template, "hf-api")
    todo = await backfill.plan(db, sources, which, TODAY, since)
    pacer = backfill.HostPacer(rate) if clock is None else backfill.HostPacer(rate, clock)
    async with new_client() as http:
        return await backfill.backfill(db, http, todo, fake.api_url, pacer), todo


async def test_the_whole_history_once_then_nothing(db, server):
    report, todo = await run(db, server, since=dt.date(2024, 6, 1))
    korean_days = (backfill.KOREAN_LAST - dt.date(2024, 6, 1)).days + 1
    assert len(todo.korean_days) == korean_days and todo.hf_api_days[-1] == TODAY
    assert report.stopped is None and report.days == todo.total
    assert report.requests == todo.total  # one request a day: no day fills a page here
    stats = await archive_stats(db)
    # The fixture digests from 2024-06 on, and the four API days.
    assert stats.digests == 8 + 4
    assert await outbox.unfanned(db) == []  # archived, never delivered as new
    again, todo = await run(db, server, since=dt.date(2024, 6, 1))
    assert todo.total == 0 and again.requests == 0  # resumes after the last day done


async def test_a_killed_run_resumes_with_the_next_day(db, server):
    since = dt.date(2026, 6, 1)
    task = asyncio.create_task(run(db, server, which="hf-api", since=since, rate=40.0))
    await asyncio.sleep(1.0)
    task.cancel()  # killed mid-run
    with pytest.raises(asyncio.CancelledError):
        await task
    first = len(server.requests)
    assert 0 < first < (TODAY - since).days + 1
    report, todo = await run(db, server, which="hf-api", since=since)
    assert todo.hf_api_days[0] > since  # started after the last day finished
    assert first + report.requests <= (TODAY - since).days + 2  # at most one day asked twice
    assert (await archive_stats(db)).digests == 4


async def test_it_is_polite_waits_out_429_and_backs_off_500(db, server, monkeypatch):
    waits: list[float] = []
    now = [0.0]  # virtual time: sleeping moves it, nothing really waits
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds
        await real_sleep(0)

    monkeypatch.setattr(backfill.asyncio, "sleep", sleep)
    server.fail = [(429, {"Retry-After": "7"}), (500, {})]
    since = TODAY - dt.timedelta(days=9)
    report, _ = await run(db, server, "hf-api", since, rate=2.0, clock=lambda: now[0])
    assert report.stopped is None and report.requests == 10 + 2
    assert 7.0 in waits and 4.0 in waits  # Retry-After honoured, then a backoff
    # Paced at 2 a second: between the two waits, each request waited its half second.
    paced = [w for w in waits if w not in (7.0, 4.0)]
    assert len(paced) >= 8 and all(0 < w <= 0.5 for w in paced)
    assert sum(paced) >= 4.0


async def test_a_source_that_keeps_failing_stops_and_says_resume(db, server, monkeypatch):
    async def sleep(seconds: float) -> None:
        return None

    monkeypatch.setattr(backfill.asyncio, "sleep", sleep)
    server.fail = [(503, {})] * backfill.ATTEMPTS
    report, _ = await run(db, server, which="hf-api", since=TODAY - dt.timedelta(days=2))
    assert report.stopped is not None and "HTTP 503" in report.stopped
    assert "run again to resume" in report.line()
    assert await meta.read(db, "backfill:hf-api") is None  # nothing marked done


@pytest.fixture
def threaded_server():
    """The fake sources on a loop of their own, for the command line's asyncio.run."""
    with on_own_thread(FakeSources(FIXTURES, API)) as fake:
        yield fake


def test_the_command_fills_the_archive_and_ends_with_one_line(
    threaded_server, tmp_path, capsys, monkeypatch
):
    fake = threaded_server
    monkeypatch.setenv("PAPERBOY_SOURCES", f"{fake.korean_template},hf-api")
    monkeypatch.setenv("PAPERBOY_HF_API_URL", fake.api_url)
    monkeypatch.setenv("PAPERBOY_FETCH_RATE", "100")
    db = str(tmp_path / "b.sqlite3")
    # A bounded range: up to today, the run would grow by a day's requests every day.
    argv = ["backfill", "--since", "2024-09-01", "--until", "2024-10-31", "--db", db]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Backfilled ") and "161" not in out
    assert main(["stats", "--json", "--db", db]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["digests"] == 3  # the fixture days of 2024-09 and 2024-10
    later = ["backfill", "--since", "2026-08-13", "--until", "2026-08-19", "--db", db]
    assert main(later) == 0
    capsys.readouterr()
    assert main(["stats", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["digests"] == 3 + 2  # two API days in that week
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("Nothing to backfill")


async def test_an_empty_archive_fills_itself_while_the_bot_answers(tmp_path):
    user = FakeBotApi.user(4201, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    async with FakeSources(FIXTURES, API) as fake:
        env = {
            "PAPERBOY_BACKFILL": "auto",
            "PAPERBOY_HF_API_URL": fake.api_url,
            "PAPERBOY_FETCH_RATE": "100",  # 285 days: long enough to ask while it runs
        }
        sources = f"{fake.korean_template},hf-api"
        clock = ManualClock(dt.datetime(2024, 1, 1, 23, 0, tzinfo=dt.UTC))  # "today"
        async with bot_running(tmp_path / "b.sqlite3", sources, clock=clock, env=env) as bot:
            task = bot.pipeline.tasks.get(BACKFILL_TASK)
            await asyncio.sleep(0.5)
            assert not task.done()
            note, _ = await bot.say(chat, user, "/search agents", count=2)
            assert note.text.startswith("📥 The archive is still loading (")
            await task
            assert bot.pipeline.loading_percent is None
            (reply,) = await bot.say(chat, user, "/top all 3")
            assert reply.text.startswith("🏆")
            assert await outbox.unfanned(bot.pipeline.db) == []  # nothing delivered as new
            stats = await archive_stats(bot.pipeline.db)
            assert stats.digests == 3  # the fixture days up to "today": 2023-11-20, 21, 12-12


async def test_a_day_the_poller_already_read_is_asked_conditionally(db, server):
    from bot.source.poll import poll

    clock_now = dt.datetime(2024, 10, 18, 23, 0, tzinfo=dt.UTC)
    async with new_client() as http:  # the poller read 2024-10-17 and 18 (and kept ETags)
        await poll(db, (server.korean_template,), http, clock_now, server.api_url)
    report, _ = await run(db, server, which="korean", since=dt.date(2024, 10, 15))
    assert server.not_modified == 1  # 2024-10-18: unchanged, not downloaded again
    assert report.stopped is None
