"""Command round trips through the fake Bot API server: Paperboy versus a minimal echo bot.

Run: ``python -m bench.bot`` (needs ../shared/corpus for the 20,000-paper archive).
A round trip is: the update is queued at the fake server, the bot long-polls it, handles it
and its reply reaches the server. Commands are paced under Telegram's 30 msg/s so the bots'
own rate limiters do not enter the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.archive import CORPUS, build_large
from bot.app import build_application, running
from bot.config import load_settings
from storage.papers import clear_search_cache
from tests.fakebot.server import TOKEN, FakeBotApi, RateLimits

PACE = 0.04  # seconds between commands: 25 msg/s, under the 30 msg/s limit


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def round_trips(
    api: FakeBotApi, texts: list[str], rounds: int, before: Callable[[], None] | None = None
) -> list[float]:
    user = api.user(42, "ko")
    chat = api.private_chat(user)
    timings = []
    for i in range(rounds):
        text = texts[i % len(texts)]
        if before is not None:
            before()
        mark = api.mark()
        start = time.perf_counter()
        api.push_message(chat, user, text)
        await api.wait_sent(chat["id"], after=mark, timeout=30)
        timings.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(PACE)
    return timings


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")


async def measure_echo(api: FakeBotApi, rounds: int) -> list[float]:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api.url}/bot")
        .rate_limiter(AIORateLimiter())
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    async with application:
        await application.updater.start_polling(poll_interval=0)
        await application.start()
        await round_trips(api, ["/warmup"], 10)
        timings = await round_trips(api, ["/echo hello"], rounds)
        await api.close_polling()
        await application.updater.stop()
        await application.stop()
    return timings


async def measure_paperboy(db: Path, rounds: int) -> dict[str, list[float]]:
    commands: dict[str, list[str]] = {
        "/top": ["/top", "/top 10 week", "/top 20 month", "/top 5 all"],
        "/search": [
            "/search 확산",
            "/search 모델",
            "/search diffusion",
            "/search 강화 학습",
            "/search gaussian splatting",
            "/search Kaiming He",
            "/search 비디오 생성",
        ],
        "/paper": [
            "/paper 2406.11230",
            "/paper https://arxiv.org/abs/3406.11230",
            "/paper 2410.09342",
            "/paper 3112.10122",
        ],
    }
    async with FakeBotApi(limits=RateLimits(per_second=None, per_group_minute=None)) as api:
        settings = load_settings(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": api.url,
                "PAPERBOY_DB": str(db),
                "PAPERBOY_SOURCES": str(db.parent / "no-sources"),
                "LOG_LEVEL": "WARNING",
            },
            env_file=None,
        )
        application = build_application(settings)
        async with running(application):
            await round_trips(api, ["/help"], 10)
            db_conn = application.bot_data["services"].db
            results = {
                "/search cold": await round_trips(
                    api, commands["/search"], rounds, lambda: clear_search_cache(db_conn)
                )
            }
            for name, texts in commands.items():
                results[name] = await round_trips(api, texts, rounds)
            await api.close_polling()
        assert not api.errors(), api.errors()[:3]
    return results


async def main(rounds: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found; the benchmarks need ../shared/corpus")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "large.sqlite3"
        papers = await build_large(db)
        print(f"archive: {papers:,} papers")
        paperboy = await measure_paperboy(db, rounds)
    async with FakeBotApi(limits=RateLimits(per_second=None, per_group_minute=None)) as api:
        echo_ms = await measure_echo(api, rounds)
    echo_p95 = percentile(echo_ms, 0.95)
    print(f"{'command':<10}{'p50 ms':>9}{'p95 ms':>9}{'p95 / echo p95':>16}")
    print(f"{'echo':<10}{statistics.median(echo_ms):>9.1f}{echo_p95:>9.1f}{1.0:>16.2f}")
    for name, timings in paperboy.items():
        p95 = percentile(timings, 0.95)
        print(f"{name:<10}{statistics.median(timings):>9.1f}{p95:>9.1f}{p95 / echo_p95:>16.2f}")
    print("target: /search p95 within 3x of the echo handler's p95")
    print("(/search cold: the result cache is emptied before every query; /search: repeated")
    print(" queries and page turns, answered from the cache as in production)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    asyncio.run(main(parser.parse_args().rounds))
