"""Backfill benchmark: the whole history from a loopback server serving the shared corpus under
the real URL layouts, then a run killed halfway and resumed, then the one-download
alternative (the repository's .tar.gz) for the Korean history.

Run: ``python -m bench.backfill`` (needs ../shared/corpus). Prints the figures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from aiohttp import web

from bot.source import backfill
from bot.source.ingest import ingest
from bot.source.reader import new_client
from storage.archive import ArchiveStats, archive_stats
from storage.db import connect
from tests.fakesources import FakeSources
from tests.loopback import serve

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TODAY = dt.date(2026, 8, 21)  # the last shared API day
RATE = 100.0  # requests a second on loopback; the default politeness is 2


async def run(
    path: Path, fake: FakeSources, cancel_after: float | None = None
) -> tuple[backfill.Plan, backfill.BackfillReport | None, ArchiveStats]:
    db = await connect(path)
    todo = await backfill.plan(db, (fake.korean_template, "hf-api"), "all", TODAY)
    async with new_client() as http:
        job = asyncio.create_task(
            backfill.backfill(db, http, todo, fake.api_url, backfill.HostPacer(RATE))
        )
        if cancel_after is not None:
            await asyncio.sleep(cancel_after)
            job.cancel()
        try:
            report = await job
        except asyncio.CancelledError:
            report = None
    stats = await archive_stats(db)
    await db.close()
    return todo, report, stats


async def tarball_server(data: bytes) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_get("/archive.tar.gz", lambda _: web.Response(body=data))
    runner, root = await serve(app)
    return runner, f"{root}/archive.tar.gz"


def snapshot() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        root = CORPUS / "daily_papers_ko"
        for path in sorted(root.rglob("*.md")):
            archive.add(path, f"daily_papers_ko-main/paper_logs/{path.relative_to(root)}")
    return buffer.getvalue()


async def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found")
    async with FakeSources(CORPUS / "daily_papers_ko", CORPUS / "hf_api") as fake:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            todo, report, stats = await run(Path(tmp) / "full.sqlite3", fake)
            seconds = time.perf_counter() - start
            assert report is not None
            print(
                f"full backfill: {todo.total:,} days ({len(todo.korean_days)} Korean,"
                f" {len(todo.hf_api_days)} API), {report.requests:,} requests,"
                f" {stats.papers:,} papers in {stats.digests} digests: {seconds:.1f} s at"
                f" {RATE:g} req/s on loopback; at the default 2 req/s the requests alone take"
                f" {report.requests / 2 / 60:.1f} min"
            )
            fake.requests.clear()
            path = Path(tmp) / "resumed.sqlite3"
            _, _, halfway = await run(path, fake, cancel_after=seconds / 2)
            first = len(fake.requests)
            start = time.perf_counter()
            todo2, report2, stats2 = await run(path, fake)
            assert report2 is not None
            print(
                f"killed at half time ({first:,} requests, {halfway.papers:,} papers), resumed:"
                f" {todo2.total:,} days left, {report2.requests:,} more requests in"
                f" {time.perf_counter() - start:.1f} s; {first + report2.requests:,} in all"
                f" ({first + report2.requests - report.requests:+d} against one run),"
                f" same archive: {(stats2.papers, stats2.digests) == (stats.papers, stats.digests)}"
            )
        data = snapshot()
        runner, url = await tarball_server(data)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                db = await connect(Path(tmp) / "tar.sqlite3")
                start = time.perf_counter()
                got = await ingest(db, [url])
                seconds = time.perf_counter() - start
                print(
                    f"Korean history as one .tar.gz ({len(data) / 1e6:.1f} MB): 1 request,"
                    f" {got.papers_new:,} papers in {seconds:.1f} s (per-day URLs:"
                    f" {len(todo.korean_days)} requests)"
                )
                await db.close()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
