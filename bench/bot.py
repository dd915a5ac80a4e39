"""Command round trips through the fake Bot API server: Paperboy versus a minimal echo bot.

Run: ``python -m bench.bot [--transport polling|webhook|both]`` (needs ../shared/corpus for
the 20,000-paper archive). A round trip is: the update is queued at the fake server, reaches
the bot (by its long poll, or POSTed to its webhook server), is handled, and its reply
reaches the server. In webhook mode the echo bot runs PTB's webhook server too. Both bots
run side by side, each on its own fake server, and every Paperboy command is followed by
one echo round trip, so both see the same machine at the same moments: a VM's drifting
speed moves both figures, not their ratio. Commands are paced under Telegram's 30 msg/s so
the bots' own rate limiters do not enter the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.archive import CORPUS, build_large
from bot.app.application import build_application, running
from bot.app.config import load_settings
from tests.fakebot.server import TOKEN, FakeBotApi, RateLimits
from tests.loopback import free_port

PACE = 0.02  # seconds after each round trip: two bots at most 25 msg/s each, under 30 msg/s

COMMANDS: dict[str, list[str]] = {
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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Client:
    """One user talking to one bot through its fake server."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.user = api.user(42, "ko")
        self.chat = api.private_chat(self.user)

    async def round_trip(self, text: str) -> float:
        """Milliseconds from queueing ``text`` to the bot's reply reaching the server."""
        mark = self.api.mark()
        start = time.perf_counter()
        self.api.push_message(self.chat, self.user, text)
        await self.api.wait_sent(self.chat["id"], after=mark, timeout=30)
        elapsed = (time.perf_counter() - start) * 1000
        await asyncio.sleep(PACE)
        return elapsed


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")


@asynccontextmanager
async def echo_bot(transport: str) -> AsyncIterator[Client]:
    """A minimal PTB bot: PTB's defaults (its rate limiter, httpx), polling or a webhook, a
    handler that echoes."""
    async with FakeBotApi(limits=RateLimits(per_second=None, per_group_minute=None)) as api:
        application = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(f"{api.url}/bot")
            .rate_limiter(AIORateLimiter())
            .build()
        )
        application.add_handler(MessageHandler(filters.ALL, echo))
        async with application:
            if transport == "webhook":
                port = free_port()
                await application.updater.start_webhook(
                    listen="127.0.0.1",
                    port=port,
                    url_path="echo",
                    webhook_url=f"http://127.0.0.1:{port}/echo",
                    secret_token="bench",
                )
            else:
                await application.updater.start_polling(poll_interval=0)
            await application.start()
            yield Client(api)
            await api.close_polling()
            await application.updater.stop()
            await application.stop()


@asynccontextmanager
async def paperboy_bot(
    db: Path, transport: str
) -> AsyncIterator[tuple[Client, Callable[[], None]]]:
    """Paperboy on ``db``, and a function that empties its search cache."""
    async with FakeBotApi(limits=RateLimits(per_second=None, per_group_minute=None)) as api:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "PAPERBOY_DB": str(db),
            "PAPERBOY_SOURCES": str(db.parent / "no-sources"),
            # Words alone: with the model on, the bot would spend the run embedding the whole
            # archive in the background. Semantic search has its own bench (bench.semantic).
            "PAPERBOY_SEMANTIC": "off",
            "LOG_LEVEL": "WARNING",
        }
        if transport == "webhook":
            port = free_port()
            env["PAPERBOY_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram"
            env["PAPERBOY_WEBHOOK_LISTEN"] = f"127.0.0.1:{port}"
        settings = load_settings(env, env_file=None)
        application = build_application(settings)
        async with running(application):
            conn = application.bot_data.running.db
            yield Client(api), lambda: conn.search_cache.clear()
            await api.close_polling()
        assert not api.errors(), api.errors()[:3]


Timings = dict[str, tuple[list[float], list[float]]]


async def measure(db: Path, rounds: int, repeats: int, transport: str) -> list[Timings]:
    """Per repeat, per command: (Paperboy's round trips, the echo round trips interleaved)."""
    plan: list[tuple[str, list[str], bool]] = [("/search cold", COMMANDS["/search"], True)]
    plan += [(name, texts, False) for name, texts in COMMANDS.items()]
    runs: list[Timings] = []
    async with (
        echo_bot(transport) as echo_client,
        paperboy_bot(db, transport) as (paperboy, clear_cache),
    ):
        for _ in range(10):  # warm both: imports, connections, the page cache
            await echo_client.round_trip("/warmup")
            await paperboy.round_trip("/help")
        for _ in range(repeats):
            results: Timings = {}
            for name, texts, cold in plan:
                mine: list[float] = []
                echoes: list[float] = []
                for i in range(rounds):
                    if cold:
                        clear_cache()
                    mine.append(await paperboy.round_trip(texts[i % len(texts)]))
                    echoes.append(await echo_client.round_trip("/echo hello"))
                results[name] = (mine, echoes)
            runs.append(results)
    return runs


def ratio(timings: tuple[list[float], list[float]]) -> float:
    mine, echoes = timings
    return percentile(mine, 0.95) / percentile(echoes, 0.95)


async def main(rounds: int, repeats: int, transports: list[str]) -> None:
    logging.basicConfig(level=logging.ERROR)
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found; the benchmarks need ../shared/corpus")
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "large.sqlite3"
        papers = await build_large(db)
        print(f"archive: {papers:,} papers; {repeats} repeats of {rounds} round trips per command")
        for transport in transports:
            print(f"\n== {transport} ==")
            runs = await measure(db, rounds, repeats, transport)
            summary.append((transport, report(runs)))
    if len(summary) > 1:
        print("\nall commands, p95 ms: Paperboy / the echo bot (each by the same transport)")
        for transport, (mine, echoes) in summary:
            print(
                f"  {transport:<8} {percentile(mine, 0.95):6.1f} / {percentile(echoes, 0.95):5.1f}"
                f"   p50 {statistics.median(mine):5.1f} / {statistics.median(echoes):5.1f}"
            )


def report(runs: list[Timings]) -> tuple[list[float], list[float]]:
    """Prints the table for one transport; returns every Paperboy and echo round trip."""
    names = list(runs[0])
    merged = {
        name: (
            [ms for run in runs for ms in run[name][0]],
            [ms for run in runs for ms in run[name][1]],
        )
        for name in names
    }
    every_echo = [ms for _, echoes in merged.values() for ms in echoes]
    print(f"{'command':<14}{'p50 ms':>8}{'p95 ms':>8}{'echo p95':>10}{'ratio':>8}   per repeat")
    p50, p95 = statistics.median(every_echo), percentile(every_echo, 0.95)
    print(f"{'echo (all)':<14}{p50:>8.1f}{p95:>8.1f}{p95:>10.1f}{1.0:>8.2f}")
    for name in names:
        mine, echoes = merged[name]
        each = " ".join(f"{ratio(run[name]):.2f}" for run in runs)
        print(
            f"{name:<14}{statistics.median(mine):>8.1f}{percentile(mine, 0.95):>8.1f}"
            f"{percentile(echoes, 0.95):>10.1f}{ratio(merged[name]):>8.2f}   {each}"
        )
    texts = COMMANDS["/search"]
    print("/search cold, by query (p50 / p95 ms):")
    for k, text in enumerate(texts):
        own = [ms for run in runs for ms in run["/search cold"][0][k :: len(texts)]]
        print(f"  {text:<28}{statistics.median(own):>8.1f}{percentile(own, 0.95):>8.1f}")
    print("ratio: p95 / the p95 of the echo round trips interleaved with that command's.")
    print("target: /search p95 within 3x of the echo handler's p95")
    print("(/search cold: the result cache is emptied before every query; /search: repeated")
    print(" queries and page turns, answered from the cache as in production)")
    return [ms for mine, _ in merged.values() for ms in mine], every_echo


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--transport", choices=("polling", "webhook", "both"), default="both")
    arguments = parser.parse_args()
    chosen = ["polling", "webhook"] if arguments.transport == "both" else [arguments.transport]
    asyncio.run(main(arguments.rounds, arguments.repeats, chosen))
