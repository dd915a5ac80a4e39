"""Basic Korean ML terms over the English-only papers that arrive now.

Run: ``python -m bench.korean_terms [--words]`` (needs ../shared/corpus; ``--words`` skips
the sentence encoder). The archive is the shared 2026 Hugging Face API days, English-only.
Each of 24 Korean terms a reader types is searched as ``/search`` would; a hit is relevant
when the paper's title or abstract says the term's English form (a regular expression: a
proxy a person would mostly agree with, written before any search ran). Prints, per term and
mode, how many papers the answer holds and its precision@5, and for the English form the same:
issue 26 found 9 of 20 such terms answered nothing and a mean precision@5 of 0.27.
``--subscriptions`` subscribes each term in both languages instead and prints what share of
the English form's papers the Korean form brings (issue 26: 0.25). ``--later`` … ``--twelfth``
take the later lists (``tests/data/korean_terms/``, each saying when it was written and whether
it may guide changes); the first list is the default.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.rows import read_rows
from bot.source.ingest import IngestReport, store_text
from bot.understand.search import MeaningRank, search
from bot.understand.semantic import Semantic
from storage.db import Database, connect

ROOT = Path(__file__).resolve().parents[1]
API_DAYS = ROOT.parent / "shared" / "corpus" / "hf_api"
TERM_LISTS = ROOT / "tests" / "data" / "korean_terms"
# The lists in the order they were written; each file says when and what it may guide.
LISTS = (
    "first",
    "later",
    "fresh",
    "last",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)
SPLIT = ("later", "eleventh")  # even rows may guide changes, odd rows only report

Term = tuple[str, str, str]  # Korean as typed, English query, what a relevant paper says


def read_terms(listed: str) -> list[Term]:
    """One list's terms (``tests/data/korean_terms/<listed>.tsv``)."""
    return read_rows(TERM_LISTS / f"{listed}.tsv")  # type: ignore[return-value]


TERMS = read_terms("first")


@dataclass(frozen=True)
class Answer:
    found: int  # papers in the answer (up to 50)
    precision_at_5: float


async def archive(path: Path) -> Database:
    db = await connect(path)
    for day in sorted(API_DAYS.glob("*.json")):
        await store_text(db, day.read_text(encoding="utf-8"), day.name, IngestReport())
    return db


Gloss = Callable[[str], Awaitable[None]]


async def answer(
    db: Database,
    text: str,
    relevant: str,
    mode: str,
    meaning: MeaningRank | None,
    gloss: Gloss | None = None,
) -> Answer:
    if gloss is not None:  # as the bot does before a search: words nothing translates
        await gloss(text)
    hits = (await search(db, text, limit=50, mode=mode, meaning=meaning)).hits
    pattern = re.compile(relevant, re.I)
    top = [h.paper for h in hits[:5]]
    good = sum(bool(pattern.search(f"{p.title}\n{p.abstract}")) for p in top)
    return Answer(len(hits), good / 5 if top else 0.0)


async def measure(
    db: Database,
    mode: str,
    meaning: MeaningRank | None,
    terms: list[Term] = TERMS,
    gloss: Gloss | None = None,
) -> list[tuple[str, Answer, Answer]]:
    """Per term: the Korean answer and the English one."""
    return [
        (
            korean,
            await answer(db, korean, relevant, mode, meaning, gloss),
            await answer(db, english, relevant, mode, meaning, gloss),
        )
        for korean, english, relevant in terms
    ]


def summary(results: list[tuple[str, Answer, Answer]]) -> str:
    empty = [korean for korean, ko, _ in results if not ko.found]
    # The target: no empty answer to a term whose English form the archive holds.
    missed = [korean for korean, ko, en in results if not ko.found and en.found]
    ko_p5 = np.mean([ko.precision_at_5 for _, ko, _ in results])
    en_p5 = np.mean([en.precision_at_5 for _, _, en in results])
    return (
        f"{len(empty)} of {len(results)} Korean terms found nothing {empty or ''}"
        f" ({len(missed)} where the English form found papers);"
        f" mean precision@5 Korean {ko_p5:.3f}, English {en_p5:.3f}"
    )


async def subscriptions(db: Database, terms: list[Term], semantic: Semantic | None) -> str:
    """Each term subscribed in Korean and in English, the whole archive delivered as one day,
    matched as the bot matches (``TopicMatcher``: by words alone without ``semantic``). Returns
    the share of the English form's papers the Korean form brings and the share of the Korean
    cards the English form would not bring (issue 26: 0.25; targets ≥ 0.8 and ≤ 0.3)."""
    from bot.core.topics import parse_topics
    from bot.understand.topics import TopicMatcher
    from storage.archive import papers_keyed

    ids = [pid for (pid,) in await db.execute_fetchall("SELECT id FROM papers ORDER BY id")]
    keyed = await papers_keyed(db, ids)
    papers = [(pid, keyed[pid]) for pid in ids]
    pairs = [(parse_topics(korean)[0], parse_topics(english)[0]) for korean, english, _ in terms]
    matches = TopicMatcher(semantic).match(papers, [topic for pair in pairs for topic in pair])
    brought, extra, lines = [], [], []
    for (ko, en), (korean, _, _) in zip(pairs, terms, strict=True):
        got, wanted = matches[ko], matches[en]
        if wanted:
            brought.append(len(got & wanted) / len(wanted))
        if got:
            extra.append(len(got - wanted) / len(got))
        shared, more = len(got & wanted), len(got - wanted)
        lines.append(f"  {korean:12s} {shared:3d} of {len(wanted):3d}, {more:3d} extra")
    return "\n".join(
        [
            *lines,
            f"share of the English form's papers {np.mean(brought):.3f},"
            f" extra cards {np.mean(extra):.3f} ({len(brought)} terms the English form matches)",
        ]
    )


async def run(words_only: bool, listed: str, subscribed: bool = False) -> None:
    terms = read_terms(listed)
    later = listed in SPLIT
    with tempfile.TemporaryDirectory() as tmp:
        db = await archive(Path(tmp) / "x.sqlite3")
        (count,) = (await db.execute_fetchall("SELECT count(*) FROM papers"))[0]
        print(f"{count:,} English-only papers of the shared 2026 API days, {len(terms)} terms")
        modes: list[tuple[str, MeaningRank | None, Gloss | None]] = [("fts", None, None)]
        semantic: Semantic | None = None
        if not words_only:
            from bot.understand.embedder import load_embedder

            embedder = load_embedder()
            if embedder is not None:
                semantic = Semantic(db, embedder)
                await semantic.catch_up()  # what the bot does for papers it stores
                modes.append(("hybrid", semantic.rank, semantic.gloss))
        if subscribed:
            how = "with the encoder" if semantic is not None else "by words alone"
            print(f"\nsubscriptions, {how}: term, cards shared with the English form")
            if later:  # the even rows may have guided changes; the odd rows never did
                print("tune rows:\n" + await subscriptions(db, terms[0::2], semantic))
                print("held-out rows:\n" + await subscriptions(db, terms[1::2], semantic))
            else:
                print(await subscriptions(db, terms, semantic))
            await db.close()
            return
        for mode, meaning, gloss in modes:
            results = await measure(db, mode, meaning, terms, gloss)
            print(f"\n{mode}: term, papers found and precision@5 (Korean | English)")
            for korean, ko, en in results:
                print(
                    f"  {korean:12s} {ko.found:3d} {ko.precision_at_5:.1f}"
                    f"  | {en.found:3d} {en.precision_at_5:.1f}"
                )
            if later:  # the even rows may have guided changes; the odd rows never did
                print(f"{mode}, tune rows: {summary(results[0::2])}")
                print(f"{mode}, held-out rows: {summary(results[1::2])}")
            else:
                print(f"{mode}: {summary(results)}")
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.korean_terms")
    parser.add_argument("--words", action="store_true", help="without the sentence encoder")
    lists = parser.add_mutually_exclusive_group()
    for listed in LISTS[1:]:
        lists.add_argument(f"--{listed}", action="store_true", help=f"the {listed} list")
    parser.add_argument(
        "--subscriptions",
        action="store_true",
        help="subscribe each term in both languages instead of searching",
    )
    args = parser.parse_args()
    if not API_DAYS.is_dir():
        raise SystemExit(f"bench: {API_DAYS} not found; the benchmark needs ../shared/corpus")
    listed = next((n for n in LISTS if getattr(args, n, False)), "first")
    asyncio.run(run(args.words, listed, args.subscriptions))


if __name__ == "__main__":
    main()
