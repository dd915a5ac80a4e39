"""Broadcast a 15-paper digest to N subscribed chats through the fake server at 30 msg/s.

Run: ``python -m bench.broadcast [--chats 2000]`` (no ../shared needed). Prints messages per
second as a fraction of Telegram's limit, 429s received, lost and duplicated cards, and the
process's peak memory (bot and fake server together). 2,000 chats x 15 cards take ~17 min.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import datetime as dt
import logging
import resource
import tempfile
import time
from pathlib import Path

from bot.app.application import FIRST_POLL_TASK, build_application, running
from bot.app.config import load_settings
from bot.core.models import Digest
from bot.parse.markdown import parse_digest
from bot.select.fan_out import fan_out
from storage import papers as archive
from storage import subscriptions
from tests.conftest import fixture_text
from tests.fakebot.server import TOKEN, FakeBotApi

LIMIT = 30.0
CARDS = 15


async def main(chats: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    today = dt.datetime.now(dt.UTC).date()
    source = parse_digest(fixture_text("2024/10/16")).digests[0]
    digest = Digest(today, tuple(dataclasses.replace(p, date=today) for p in source.papers[:CARDS]))
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotApi() as api:  # Telegram's limits: 30/s overall, 20/min per group
            settings = load_settings(
                {
                    "TELEGRAM_BOT_TOKEN": TOKEN,
                    "TELEGRAM_API_URL": api.url,
                    "PAPERBOY_DB": str(Path(tmp) / "b.sqlite3"),
                    "PAPERBOY_SOURCES": str(Path(tmp) / "none"),
                },
                env_file=None,
            )
            app = build_application(settings)
            async with running(app):
                services = app.bot_data.running
                await app.bot_data.tasks[FIRST_POLL_TASK]
                for i in range(chats):
                    await subscriptions.subscribe(
                        services.db, 10_000 + i, "private", None, ["*"], None, "en"
                    )
                await archive.store_digest(services.db, digest, "bench")
                queued = await fan_out(services.db, services.clock.now(), settings.timezone)
                start = time.perf_counter()
                services.sender.wake()
                expected = chats * CARDS
                await api.wait_for(lambda: len(api.sent) >= expected, timeout=expected / 20 + 120)
                elapsed = time.perf_counter() - start
                await asyncio.sleep(2)  # anything arriving now is a duplicate
                await api.close_polling()
            sends = [c for c in api.calls if c.method == "sendMessage"]
    keys = [(s.chat_id, s.buttons()[0]["url"]) for s in api.sent]
    duplicates = sum(n - 1 for n in collections.Counter(keys).values() if n > 1)
    lost = expected - len(set(keys))
    rate = expected / elapsed
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"chats {chats}, cards {expected:,} (queued {queued:,}) in {elapsed:.1f} s")
    print(f"rate: {rate:.2f} msg/s = {rate / LIMIT:.3f} of the 30 msg/s limit (target >= 0.9)")
    print(
        f"429s: {api.too_many_requests} of {len(sends):,} requests "
        f"({100 * api.too_many_requests / max(1, len(sends)):.2f}%, target < 1%)"
    )
    print(f"lost: {lost}, duplicated: {duplicates} (target 0 and 0)")
    print(f"peak memory (bot + fake server, one process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=2000)
    asyncio.run(main(parser.parse_args().chats))
