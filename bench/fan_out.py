"""What following people costs the fan-out (issue 28): a 50-paper day to 2,000 chats, each
subscribed to two topics, without follows and with 20 followed names each.

Run: ``python -m bench.fan_out [--chats 2000] [--follows 20]`` (no ../shared needed; about a
minute). The day is the test fixtures' API days (46 papers) and 4 more; each chat follows a
mix as readers would: full names of the day's authors, initials ("K. He"), organizations and
names the day does not hold. Prints the fan-out's seconds both ways (the best of 3) and the
ratio; the target is under 2x.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.models import Digest, Paper
from bot.core.people import AUTHOR, ORG, Followed, name_key
from bot.parse.hf_api import parse_hf_api
from bot.select.fan_out import fan_out
from bot.understand.topics import TopicMatcher
from storage import follows, subscriptions
from storage.archive import store_digest
from storage.db import Database, connect
from tests.conftest import ROOT

API = ROOT / "tests" / "fixtures" / "hf_api"
DAY = dt.date(2026, 8, 20)
TOPICS = ("llm", "video", "agents", "reasoning", "vision", "rl")


def day_papers() -> list[Paper]:
    papers: dict[str, Paper] = {}
    for path in sorted(API.glob("*.json")):
        for digest in parse_hf_api(path.read_text(encoding="utf-8"), path.name).digests:
            for paper in digest.papers:
                papers.setdefault(paper.arxiv_id, dataclasses.replace(paper, date=DAY))
    extra = [
        Paper(f"2608.9{n:04d}", f"Extra paper {n}", "u", authors=(f"Extra Author{n}",), date=DAY)
        for n in range(50 - len(papers))
    ]
    return [*papers.values(), *extra][:50]


def follows_for(papers: list[Paper], count: int, rng: random.Random) -> list[Followed]:
    authors = sorted({a for p in papers for a in p.authors})
    orgs = sorted({p.organization for p in papers if p.organization})
    chosen: dict[tuple[str, str], Followed] = {}
    while len(chosen) < count:
        roll = rng.random()
        if roll < 0.4:
            name = rng.choice(authors)
        elif roll < 0.6:
            parts = rng.choice(authors).split()
            name = " ".join([*(p[0] + "." for p in parts[:-1]), parts[-1]])
        elif roll < 0.7 and orgs:
            org = rng.choice(orgs)
            chosen[(ORG, name_key(org))] = Followed(ORG, name_key(org), org)
            continue
        else:
            name = f"Someone Else{rng.randrange(10_000)}"
        chosen[(AUTHOR, name_key(name))] = Followed(AUTHOR, name_key(name), name)
    return list(chosen.values())


async def archive(path: Path, chats: int, follow_count: int, papers: list[Paper]) -> Database:
    db = await connect(path)
    rng = random.Random(28)
    for i in range(chats):
        chat_id = 100_000 + i
        topics = rng.sample(TOPICS, 2)
        await subscriptions.subscribe(db, chat_id, "private", None, topics, None, "en")
        for followed in follows_for(papers, follow_count, rng) if follow_count else ():
            await follows.follow(db, chat_id, "private", None, followed, "en")
    return db


async def measure(chats: int, follow_count: int, papers: list[Paper]) -> tuple[float, int]:
    """The best of 3 fan-outs of the day: seconds, and rows queued."""
    best, queued = float("inf"), 0
    for attempt in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            db = await archive(Path(tmp) / f"f{attempt}.sqlite3", chats, follow_count, papers)
            await store_digest(db, Digest(DAY, tuple(papers)), "bench")
            now = dt.datetime(2026, 8, 20, 23, 0, tzinfo=dt.UTC)
            began = time.perf_counter()
            queued = await fan_out(db, now, ZoneInfo("Asia/Seoul"), TopicMatcher(None))
            best = min(best, time.perf_counter() - began)
            await db.close()
    return best, queued


async def run(chats: int, follow_count: int) -> None:
    papers = day_papers()
    print(f"{len(papers)} papers, {chats:,} chats with 2 topics each")
    plain, plain_rows = await measure(chats, 0, papers)
    print(f"without follows: {plain:.2f} s, {plain_rows:,} deliveries")
    followed, followed_rows = await measure(chats, follow_count, papers)
    print(f"{follow_count} follows each: {followed:.2f} s, {followed_rows:,} deliveries")
    print(f"ratio {followed / plain:.2f}x (target under 2x)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fan_out")
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--follows", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.chats, args.follows))


if __name__ == "__main__":
    main()
