"""Summarising every paper of the 44 shared API days against the loopback endpoint.

Run: ``python -m bench.summarize`` (needs ../shared/corpus). The fake endpoint answers each
request after ``--latency`` seconds (default 50 ms), as a fast hosted model would; the
figures are papers per second at ``--concurrency`` (default 4), requests per paper and the
process's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

import httpx

from bot.source.ingest import ingest
from bot.summarize.client import ChatClient
from bot.summarize.writer import summarize
from storage.db import connect
from tests.bot_harness import ManualClock
from tests.fakellm import FakeLLM

API_DAYS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hf_api"


async def run(latency: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await connect(Path(folder) / "bench.sqlite3")
        await ingest(db, [str(API_DAYS)])
        async with FakeLLM(latency=latency) as fake, httpx.AsyncClient() as http:
            client = ChatClient(http, fake.url, "bench-model")
            clock = ManualClock(dt.datetime(2026, 8, 22, tzinfo=dt.UTC))
            started = time.perf_counter()
            report = await summarize(db, client, ["ko"], clock, concurrency=concurrency)
            seconds = time.perf_counter() - started
        await db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(report.line())
    print(
        f"{report.asked} papers in {seconds:.1f} s = {report.asked / seconds:.1f} papers/s "
        f"at concurrency {concurrency}, {latency * 1000:.0f} ms latency"
    )
    print(f"requests per paper: {len(fake.requests) / max(report.asked, 1):.2f}")
    print(f"peak memory: {peak:.0f} MB (this process: bot code and fake endpoint)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if not API_DAYS.is_dir():
        raise SystemExit(f"bench: {API_DAYS} not found; the benchmark needs ../shared/corpus")
    asyncio.run(run(args.latency, args.concurrency))


if __name__ == "__main__":
    main()
