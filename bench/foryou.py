"""Offline evaluation of "For you" (bot/understand/taste.py) on simulated readers, and its speed.

Run: ``python -m bench.foryou [--readers 300] [--seed 15]`` (needs ../shared/corpus for the
labelled papers' text). Prints AUC and precision@5 after 3, 5 and 10 ratings, against
sorting by votes; the model's fit alone; then, on an archive of the 44 shared API days with
its embeddings, the bot's own path: a rating stored and the chat's taste retrained from the
database, and fan-out's ranking of a 50-paper day for 2,000 chats with 10 ratings each.

The readers: each likes the papers of 1-2 built-in topics (tests/data/topic_labels.tsv, 605
papers labelled by hand) and dislikes the rest. They rate papers from the older 60% of the
labelled papers (by date), alternately one they like and one they do not, as a reader
scrolling a digest would. The newer 40%, less the rows the shipped topic model was fitted on
(its tune half: the model sees papers through its topic profile), are cut in date order into
held-out "days" of 25 papers, each ranked by the reader's model and by votes.

The readers' tastes are made of the same topics the profile measures, which flatters it:
real tastes are narrower, which is what the embedding half of the features is for.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.topics import CORPUS, read_labelled
from bot.core.chat_settings import ChatSettings
from bot.core.models import Paper
from bot.core.topics import BUILTIN
from bot.source.ingest import ingest
from bot.understand.embedder import load_embedder
from bot.understand.foryou import ForYou
from bot.understand.semantic import Semantic
from bot.understand.taste import Rating, Taste, features
from bot.understand.topic_model import load_topic_model, topic_profile
from storage import archive, ratings
from storage.db import Database, connect

DAY = 25
AFTER = (3, 5, 10)
BACKGROUND = 30


def auc(scores: np.ndarray, relevant: np.ndarray) -> float:
    """The chance that a liked paper outscores a not-liked one (ties count half)."""
    positive, negative = scores[relevant], scores[~relevant]
    wins = (positive[:, None] > negative[None, :]).sum()
    ties = (positive[:, None] == negative[None, :]).sum()
    return float((wins + 0.5 * ties) / (len(positive) * len(negative)))


def top5(scores: np.ndarray, relevant: np.ndarray, order_rng: random.Random) -> float:
    """Precision of the 5 best by ``scores``, ties in a random order."""
    jitter = np.array([order_rng.random() for _ in scores]) * 1e-9
    best = np.argsort(-(scores + jitter))[:5]
    return float(relevant[best].mean())


def evaluate(readers: int, seed: int) -> None:
    items = sorted(read_labelled(), key=lambda item: (item.paper.date, item.number))
    embedder = load_embedder()
    if embedder is None:
        sys.exit("bench: the embedding model did not load")
    model = load_topic_model()
    if model is None:
        sys.exit("bench: no topic model")
    papers = [item.paper for item in items]
    embeddings = embedder.papers(papers)
    vectors = features(embeddings, topic_profile(papers, embeddings, model))
    votes = np.array([item.paper.votes or 0 for item in items], float)
    cut = int(len(items) * 0.6)
    history = range(cut)
    future = [i for i in range(cut, len(items)) if not items[i].tune]
    days = [list(future[i : i + DAY]) for i in range(0, len(future), DAY)]
    days = [day for day in days if len(day) >= 10]
    rng = random.Random(seed)
    common = [
        slug
        for slug in BUILTIN
        if sum(slug in items[i].topics for i in history) >= 8
        and sum(slug in items[i].topics for i in future) >= 8
    ]
    results: dict[int, dict[str, list[float]]] = {n: {"auc": [], "p5": []} for n in AFTER}
    by_votes: list[float] = []
    for _ in range(readers):
        likes_topics = set(rng.sample(common, rng.choice((1, 2))))

        def liked(i: int, topics: set[str] = likes_topics) -> bool:
            return bool(items[i].topics & topics)

        good = [i for i in history if liked(i)]
        bad = [i for i in history if not liked(i)]
        rng.shuffle(good)
        rng.shuffle(bad)
        sequence = [x for pair in zip(good, bad, strict=False) for x in pair][: max(AFTER)]
        rated = set(sequence)
        background_ids = rng.sample([i for i in history if i not in rated], BACKGROUND)
        background = vectors[background_ids]
        for day in days:
            relevant = np.array([liked(i) for i in day])
            if relevant.all() or not relevant.any():
                continue
            by_votes.append(top5(votes[day], relevant, rng))
        for n in AFTER:
            taste = Taste(
                [Rating(vectors[i], 1 if liked(i) else -1) for i in sequence[:n]], background
            )
            for day in days:
                relevant = np.array([liked(i) for i in day])
                if relevant.all() or not relevant.any():
                    continue
                scores = taste.scores(vectors[day])
                results[n]["auc"].append(auc(scores, relevant))
                results[n]["p5"].append(top5(scores, relevant, rng))
    votes_p5 = statistics.mean(by_votes)
    print(
        f"{readers} simulated readers, topics among {len(common)}; {len(items)} labelled papers:"
        f" {cut} to rate from, {len(days)} held-out days of ~{DAY}"
    )
    print(f"by votes: precision@5 {votes_p5:.3f}")
    for n in AFTER:
        mean_auc = statistics.mean(results[n]["auc"])
        p5 = statistics.mean(results[n]["p5"])
        mode = "similarity" if n < 5 else "logistic regression"
        print(
            f"after {n:2d} ratings ({mode}): AUC {mean_auc:.3f}, precision@5 {p5:.3f}"
            f" = {p5 / votes_p5:.1f}x votes"
        )
    print("targets: AUC >= 0.8 after 10 ratings; precision@5 >= 2x sorting by votes")
    speed(vectors, rng)


def speed(vectors: np.ndarray, rng: random.Random) -> None:
    """Retraining after one more rating, and ranking a 50-paper day for 2,000 chats."""
    pool = vectors.astype(np.float32)
    timings = []
    for count in (5, 20, 50, 100):
        picked = rng.sample(range(len(pool)), count + BACKGROUND)
        history = [Rating(pool[i], rng.choice((1, -1)), rng.random() * 200) for i in picked]
        background = pool[picked[count:]]
        runs = []
        for _ in range(20):
            start = time.perf_counter()
            Taste(history[:count], background)
            runs.append(1000 * (time.perf_counter() - start))
        timings.append(f"{count} ratings {statistics.median(runs):.2f} ms")
    print("the model's fit alone (median of 20):", ", ".join(timings))
    day = pool[rng.sample(range(len(pool)), 50)]
    tastes = []
    for _ in range(2000):
        picked = rng.sample(range(len(pool)), 10 + BACKGROUND)
        history = [Rating(pool[i], rng.choice((1, -1))) for i in picked[:10]]
        tastes.append(Taste(history, pool[picked[10:]]))
    start = time.perf_counter()
    for taste in tastes:
        np.argsort(-taste.scores(day))
    ranking = 1000 * (time.perf_counter() - start)
    print(f"ranking a 50-paper day for 2,000 chats: {ranking:.1f} ms ({ranking / 2:.2f} µs a chat)")


async def live(chats: int = 2000, rated: int = 10) -> None:
    """The bot's path on a real archive: storage, features, fit, ranking."""
    embedder = load_embedder()
    assert embedder is not None
    with tempfile.TemporaryDirectory() as tmp:
        db = await connect(Path(tmp) / "f.sqlite3")
        await ingest(db, [str(CORPUS / "hf_api")])
        semantic = Semantic(db, embedder)
        await semantic.load()
        embedded = await semantic.catch_up()
        foryou = ForYou(db, semantic)
        rows = await db.execute_fetchall("SELECT id, arxiv_id FROM papers ORDER BY id")
        now = dt.datetime(2026, 8, 22, tzinfo=dt.UTC)
        rng = random.Random(15)
        for chat in range(1, chats + 1):
            for _, arxiv_id in rng.sample(rows, rated):
                await ratings.rate(db, chat, chat, arxiv_id, rng.choice((1, -1)), now)
        one = []
        for i in range(20):
            arxiv_id = rows[i][1]
            start = time.perf_counter()
            await ratings.rate(db, 1, 1, arxiv_id, 1, now)
            await foryou.retrain(1, now)
            one.append(1000 * (time.perf_counter() - start))
        print(
            f"archive: {len(rows)} papers, {embedded} embedded; a rating stored and the chat's"
            f" taste retrained from the database: median {statistics.median(one):.1f} ms,"
            f" max {max(one):.1f} ms"
        )
        day = [(pid, paper) for pid, paper in await _papers(db, [r[0] for r in rows[-50:]])]
        for label in ("first fan-out (each taste rebuilt from the database)", "next fan-out"):
            start = time.perf_counter()
            for chat in range(1, chats + 1):
                await foryou.order(ChatSettings(chat_id=chat, type="private"), day, now)
            took = 1000 * (time.perf_counter() - start)
            print(f"ranking a 50-paper day for {chats:,} chats, {label}: {took:,.0f} ms")
        await db.close()


async def _papers(db: Database, ids: list[int]) -> list[tuple[int, Paper]]:
    found = await archive.papers_keyed(db, ids)
    return [(pid, found[pid]) for pid in ids if pid in found]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=15)
    arguments = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found; the labelled papers' text is in ../shared/corpus")
    evaluate(arguments.readers, arguments.seed)
    asyncio.run(live())
