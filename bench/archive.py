"""Archive benchmarks: ingest of the shared corpus, and search latency on a 20,000+ paper archive.

Run: ``python -m bench.archive`` (needs ../shared/corpus). Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.core.models import Digest, Paper
from bot.parse.markdown import parse_digest
from bot.source.ingest import ingest
from bot.understand.search import search_papers
from storage.archive import store_digest
from storage.db import connect

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "daily_papers_ko"
TARGET_PAPERS = 20_000

# Typical queries: Korean 2-syllable words, English terms, phrases, author names.
QUERIES = [
    "확산",
    "모델",
    "추론",
    "강화 학습",
    "데이터셋",
    "비디오 생성",
    "에이전트",
    "멀티모달",
    "diffusion",
    "transformer",
    "reinforcement learning",
    "gaussian splatting",
    '"large language model"',
    "mixture of experts",
    "LLM 추론",
    "benchmark",
    "Hinton",
    "Kaiming He",
    "Yann LeCun",
    "Höllein",
]


def _shifted(paper: Paper, copy: int, days: int) -> Paper:
    """The paper as if listed again ``copy`` archives later, under a new unique arXiv id."""
    yymm, number = paper.arxiv_id.split(".")
    new_id = f"{30 + copy:02d}{yymm[2:]}.{number}"
    return dataclasses.replace(
        paper,
        arxiv_id=new_id,
        url=f"https://arxiv.org/abs/{new_id}",
        date=paper.date + dt.timedelta(days=days) if paper.date else None,
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


async def bench_ingest(db: Path) -> int:
    start = time.perf_counter()
    conn = await connect(db)
    report = await ingest(conn, [str(CORPUS)])
    await conn.close()
    seconds = time.perf_counter() - start
    papers = report.papers_new
    print(
        f"ingest: {report.inputs} files, {report.digests_read} digests, {papers:,} papers "
        f"in {seconds:.2f} s = {papers / seconds:,.0f} papers/s (target < 10 s)"
    )
    return papers


HF_API = CORPUS.parent / "hf_api"


async def bench_hf_ingest(db: Path) -> None:
    start = time.perf_counter()
    conn = await connect(db)
    report = await ingest(conn, [str(HF_API)])
    await conn.close()
    seconds = time.perf_counter() - start
    print(
        f"ingest of the API dumps: {report.inputs} days, {report.entries_new:,} listings, "
        f"{report.papers_new:,} papers in {seconds:.2f} s = {report.entries_new / seconds:,.0f} "
        "listings/s"
    )


async def build_large(db: Path) -> int:
    digests: list[Digest] = []
    for path in sorted(CORPUS.rglob("*.md")):
        digests.extend(parse_digest(path.read_text(encoding="utf-8"), str(path)).digests)
    conn = await connect(db)
    total = 0
    copy = 0
    while total < TARGET_PAPERS:
        days = copy * 410  # each copy lives in its own span of dates, newest last
        for digest in digests:
            shifted = Digest(
                date=digest.date + dt.timedelta(days=days),
                papers=tuple(_shifted(p, copy, days) for p in digest.papers),
            )
            stats = await store_digest(conn, shifted, "bench")
            total += stats.papers_new
        copy += 1
    await conn.close()
    return total


async def bench_search(db: Path, rounds: int) -> None:
    conn = await connect(db)
    for query in QUERIES:  # warm the page cache once, as a running bot would have it
        await search_papers(conn, query, limit=5)
    timings: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(rounds):
        for query in QUERIES:
            conn.search_cache.clear()  # measure the search, not the result cache
            start = time.perf_counter()
            await search_papers(conn, query, limit=5)
            timings[query].append((time.perf_counter() - start) * 1000)
    await conn.close()
    every = [t for values in timings.values() for t in values]
    slowest = sorted(timings, key=lambda q: -statistics.median(timings[q]))[:3]
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    print(
        f"search: {len(QUERIES)} queries x {rounds} rounds: p50 {_percentile(every, 0.5):.1f} ms, "
        f"p95 {_percentile(every, 0.95):.1f} ms (target p95 < 20 ms)"
    )
    print(
        "  slowest (median): "
        + ", ".join(f"{q!r} {statistics.median(timings[q]):.1f} ms" for q in slowest)
    )
    print(f"  database size: {size / 1e6:.1f} MB")


async def main(rounds: int) -> None:
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found; the benchmarks need ../shared/corpus")
    with tempfile.TemporaryDirectory() as tmp:
        await bench_ingest(Path(tmp) / "corpus.sqlite3")
        await bench_hf_ingest(Path(tmp) / "hf.sqlite3")
        large = Path(tmp) / "large.sqlite3"
        start = time.perf_counter()
        papers = await build_large(large)
        print(f"built a {papers:,}-paper archive in {time.perf_counter() - start:.1f} s")
        await bench_search(large, rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(main(parser.parse_args().rounds))
