"""A 15-card digest to N subscribed chats through the strict fake, with readers asking
things meanwhile: the one budget, measured.

Run (no ../shared needed):
- ``python -m bench.broadcast`` — the free budget: 2,000 chats at 30 msg/s while 50 readers
  send 10 commands each (/top, /search, /paper, page turns) at random moments. ~17 minutes;
  ``--chats 200`` takes ~2.
- ``python -m bench.broadcast --paid`` — paid broadcasts: 20,000 chats at 1,000 msg/s, the
  fake answering in 20-60 ms. ~6 minutes.

The fake runs in a process of its own (``bench.remote_fake``) and counts every message, edit
and inline answer in any sliding second, as strictly as Telegram's limits can be read. Prints
the delivery rate against the limit, 429s, the readers' round trips, lost and duplicated
cards, the time the outbox took to fill, and both processes' peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import logging
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.remote_fake import Plan, RemoteFake, Report
from bot.app.application import build_application, running
from bot.app.config import load_settings
from bot.core.models import Digest
from bot.deliver.budget import GUARD
from bot.parse.markdown import parse_digest
from bot.pipeline import FIRST_POLL_TASK
from bot.select.fan_out import fan_out
from storage import archive, subscriptions
from storage.db import Database
from tests.conftest import fixture_text
from tests.fakebot.server import TOKEN, RateLimits

CARDS = 15


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0


async def subscribe_all(db: Database, chats: int) -> None:
    """``chats`` private chats subscribed to everything, as /subscribe leaves them."""
    for i in range(chats):
        await subscriptions.subscribe(db, 10_000 + i, "private", None, ["*"], None, "en")


def sustained(times: list[float], bucket: float = 10.0) -> tuple[float, float]:
    """Messages a second over the broadcast, and the slowest full ``bucket`` seconds."""
    if len(times) < 2:
        return 0.0, 0.0
    first, last = times[0], times[-1]
    overall = (len(times) - 1) / (last - first)
    counts: dict[int, int] = {}
    for at in times:
        counts[int((at - first) // bucket)] = counts.get(int((at - first) // bucket), 0) + 1
    full = [n / bucket for k, n in counts.items() if (k + 1) * bucket <= last - first]
    return overall, min(full) if full else overall


async def run(args: argparse.Namespace) -> tuple[Report, dict[str, float]]:
    today = dt.datetime.now(dt.UTC).date()
    source = parse_digest(fixture_text("2024/10/16")).digests[0]
    papers = tuple(dataclasses.replace(p, date=today) for p in source.papers[:CARDS])
    digest = Digest(today, papers)
    rate = args.rate or (1000.0 if args.paid else 30.0)
    expected = args.chats * len(papers)
    duration = expected / rate
    plan = Plan(
        limits=RateLimits(per_second=30, per_group_minute=20, paid_per_second=1000),
        latency=(args.latency_ms[0] / 1000, args.latency_ms[1] / 1000) if args.latency_ms else None,
        readers=args.readers,
        commands=args.commands,
        spread=max(5.0, 0.9 * duration),
        paper=papers[0].arxiv_id,
    )
    figures: dict[str, float] = {"expected": expected, "rate": rate}
    with RemoteFake(plan) as fake, tempfile.TemporaryDirectory() as tmp:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "PAPERBOY_DB": str(Path(tmp) / "b.sqlite3"),
            "PAPERBOY_SOURCES": str(Path(tmp) / "none"),
            "PAPERBOY_SEMANTIC": "off",
            "PAPERBOY_BACKFILL": "off",
            "PAPERBOY_SEND_RATE": str(rate),
            "PAPERBOY_PAID_BROADCAST": "on" if args.paid else "off",
            "LOG_LEVEL": "ERROR",
        }
        settings = load_settings(env, env_file=None)
        app = build_application(settings)
        async with running(app):
            pipeline = app.bot_data.running
            await app.bot_data.running.tasks.get(FIRST_POLL_TASK)
            await subscribe_all(pipeline.db, args.chats)
            await archive.store_digest(pipeline.db, digest, "bench")
            began = time.perf_counter()
            queued = await fan_out(
                pipeline.db, pipeline.clock.now(), settings.timezone, pipeline.topics()
            )
            figures["fan_out_s"] = time.perf_counter() - began
            figures["queued"] = queued
            await fake.ask("readers")
            began = time.perf_counter()
            pipeline.sender.wake()
            await fake.ask("wait", expected, duration * 1.5 + 120)
            figures["elapsed_s"] = time.perf_counter() - began
            await asyncio.sleep(2)  # anything arriving now is a duplicate
            report: Report = await fake.ask("report")
            budget = app.bot_data.budget
            assert budget is not None
            figures["budget_429"] = budget.stats.too_many_requests
            figures["reply_wait_max_ms"] = 1000 * budget.stats.reply_wait_max
            granted = sum(budget.stats.granted.values())
            figures["answer_ms"] = 1000 * budget.stats.answer_seconds / max(1, granted)
    figures["bot_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report, figures


def show(report: Report, figures: dict[str, float], paid: bool) -> None:
    expected, rate = int(figures["expected"]), figures["rate"]
    limit = 1000.0 if paid else 30.0
    overall, slowest = sustained(report.delivery_times)
    lost = expected - len(report.keys)
    print(f"chats x cards: {expected:,} queued in {figures['fan_out_s']:.1f} s (fan-out)")
    print(
        f"delivered {report.delivered:,} in {figures['elapsed_s']:.1f} s: {overall:.1f} msg/s "
        f"= {overall / limit:.3f} of {limit:g} (slowest 10 s: {slowest:.1f} msg/s = "
        f"{slowest / limit:.3f}); target >= 0.95"
    )
    share = 100 * report.too_many_requests / max(1, report.requests)
    print(
        f"429s: {report.too_many_requests} of {report.requests:,} counted requests "
        f"({share:.2f}%); target < 0.5%"
    )
    if report.round_trips:
        trips = [1000 * s for s in report.round_trips]
        print(
            f"readers: {len(trips)} commands answered during the broadcast, "
            f"{report.failed_commands} unanswered; round trip p50 "
            f"{statistics.median(trips):.0f} ms, p95 {percentile(trips, 0.95):.0f} ms, "
            f"max {max(trips):.0f} ms; target p95 < 1500 ms"
        )
    print(
        f"budget: a reply waited at most {figures['reply_wait_max_ms']:.0f} ms for its place; "
        f"requests took {figures['answer_ms']:.1f} ms on average from their place to their answer"
    )
    # A place is held from its grant until a second after the answer (bot/deliver/budget.py),
    # so no strict window, whenever the server counts, can see more than the limit: that caps
    # the rate at limit / (1 s + guard + answer time) however fast the bot is.
    ceiling = (rate if paid else min(rate, limit)) / (1 + GUARD + figures["answer_ms"] / 1000)
    print(
        f"the budget's ceiling at that answer time: {ceiling:.0f} msg/s = {ceiling / limit:.3f}"
        f" of {limit:g}; the delivery rate is {overall / ceiling:.3f} of it"
    )
    print(f"lost: {lost}, duplicated: {report.duplicates}; target 0 and 0")
    if paid:
        print(f"paid sends (allow_paid_broadcast): {report.paid_sends:,} at {rate:g}/s asked")
    print(f"peak RSS: bot {figures['bot_rss_mb']:.0f} MB, fake server {report.peak_rss_mb:.0f} MB")
    if report.errors:
        print("fake's refusals (first 10):", *report.errors, sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paid", action="store_true", help="paid broadcast at 1,000 msg/s")
    parser.add_argument("--chats", type=int, help="default 2,000 (20,000 with --paid)")
    parser.add_argument("--readers", type=int, help="default 50 (0 with --paid)")
    parser.add_argument("--commands", type=int, default=10, help="per reader")
    parser.add_argument("--rate", type=float, help="PAPERBOY_SEND_RATE (default the limit)")
    parser.add_argument(
        "--latency-ms", type=float, nargs=2, help="the fake's answer time, default 20 60 paid"
    )
    args = parser.parse_args()
    args.chats = args.chats or (20_000 if args.paid else 2_000)
    args.readers = args.readers if args.readers is not None else (0 if args.paid else 50)
    if args.latency_ms is None and args.paid:
        args.latency_ms = [20.0, 60.0]
    logging.basicConfig(level=logging.ERROR)
    report, figures = asyncio.run(run(args))
    show(report, figures, args.paid)


if __name__ == "__main__":
    main()
