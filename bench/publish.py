"""Publishing the archive to git (issue 30): the whole history from scratch, a new day of 50
papers, a publish with nothing new, and the repository's size.

Run: ``python -m bench.publish`` (needs ../shared/corpus). The archive is the shared corpus
(the Korean digests of 2023-2024, the API days of 2024 and 2026); the remote is a local bare
repository, so the figures are git's and Paperboy's work, not a network's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import subprocess
import tempfile
import time
from pathlib import Path

from bench.archive import CORPUS
from bot.core.arxiv import abs_url
from bot.core.models import Digest
from bot.publish.repository import Clone, publish_archive
from bot.source.ingest import ingest
from storage import archive
from storage.archive import store_digest
from storage.db import connect

SHARED = CORPUS.parent
SINCE = dt.date(2023, 1, 1)


async def bare_git(cwd: Path, *args: str) -> None:
    await asyncio.to_thread(subprocess.run, ["git", *args], cwd=cwd, check=True)


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        remote = root / "archive.git"
        await bare_git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
        db = await connect(root / "archive.sqlite3")
        inputs = [str(SHARED / name) for name in ("daily_papers_ko", "hf_api_2024", "hf_api")]
        report = await ingest(db, inputs)
        days = await archive.digest_dates(db, SINCE)
        print(f"archive: {report.papers_new:,} papers, {len(days)} digest days"
              f" ({days[0]} .. {days[-1]})")  # fmt: skip
        clone = Clone(str(remote), "main", root / "work")

        started = time.perf_counter()
        full = await publish_archive(db, clone, SINCE)
        took = time.perf_counter() - started
        assert full.pushed, full.problem
        print(f"whole archive from scratch: {took:.1f} s, {len(full.files)} files, one commit"
              f" ({full.message})")  # fmt: skip
        print(f"  repository: remote {size(remote) / 1e6:.1f} MB,"
              f" working clone {size(clone.path) / 1e6:.1f} MB")  # fmt: skip
        await bare_git(remote, "gc", "--quiet")
        print(f"  remote after git gc: {size(remote) / 1e6:.1f} MB")

        started = time.perf_counter()
        again = await publish_archive(db, clone, days[-1] - dt.timedelta(days=3))
        print(f"a publish with nothing new: {time.perf_counter() - started:.2f} s,"
              f" commit: {again.commit}")  # fmt: skip

        latest = days[-1]
        listing = await archive.digest_listing(db, latest)
        source = [p for p, _ in listing] + [
            p for p, _ in await archive.digest_listing(db, days[-2])
        ]
        new_day = latest + dt.timedelta(days=1)
        papers = tuple(
            dataclasses.replace(
                p, arxiv_id=f"2799.{i:05d}", url=abs_url(f"2799.{i:05d}"), date=new_day
            )
            for i, p in enumerate((source * 3)[:50])
        )
        await store_digest(db, Digest(date=new_day, papers=papers), "bench")
        started = time.perf_counter()
        day = await publish_archive(db, clone, new_day - dt.timedelta(days=3))
        print(f"a new day of 50 papers: {time.perf_counter() - started:.2f} s ({day.message},"
              f" {len(day.files)} files)")  # fmt: skip
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
