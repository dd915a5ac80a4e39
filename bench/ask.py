"""Asking a paper (issue 29): how soon the reader sees words, parsing, storage, retrieval.

Run: ``python -m bench.ask`` (the retrieval part needs ../shared/corpus for the 20k archive;
``--skip-archive`` leaves it out). Three parts:

1. Latency through the real bot (PTB against the fake Bot API): a private chat asks with
   ``/ask``; the fake model's first token comes after 0.6 s, then 40 tokens a second. Time
   from the question to the first draft holding answer words, and to the final message;
   the first question also fetches and parses the paper (loopback).
2. Full-text parsing: each fixture page's parse time, text size and stored (compressed) size.
3. Retrieval at archive scale: 20,000+ papers, 1,000 of them with a stored full text; per
   question, the text read and unpacked, cut into passages, ranked by words and meaning
   (stored passage vectors, the question embedded) within the 6k budget. And the one-time
   cost of embedding a paper's passages.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.archive import CORPUS, build_large
from bench.bot import percentile
from bot.core.fulltext import FullText, Section, passages
from bot.parse.fulltext_html import parse_paper_html
from bot.understand.embedder import load_embedder
from bot.understand.passage_search import by_meaning, passage_vectors, relevant
from storage import fulltext
from storage.db import connect
from storage.fulltext import Validators, pack
from tests.bot_harness import bot_running
from tests.conftest import FIXTURES
from tests.fakebot.server import FakeBotApi
from tests.fakefulltext import FakeFullText, as_arxiv_serves, fixture, long_page
from tests.fakellm import FakeLLM

PAPER = "2409.12917"
API_2024 = CORPUS.parent / "hf_api_2024"
SECTIONS = 40  # a synthetic paper: this many real abstracts, one a section (~45k characters)
QUESTIONS = (
    "Which datasets do they use for evaluation?",
    "What does the model look like, how many layers?",
    "How much does back-translation improve BLEU?",
    "어떤 데이터셋으로 평가했나요?",
    "What are the results on Quechua?",
)


async def latency(rounds: int) -> None:
    async with FakeLLM() as llm, FakeFullText() as papers:
        llm.first_token = 0.6
        llm.tokens_per_second = 40.0
        papers.pages[PAPER] = as_arxiv_serves(fixture("speech"), PAPER)
        env = {
            "PAPERBOY_LLM_URL": llm.url,
            "PAPERBOY_LLM_MODEL": "fake-model",
            "PAPERBOY_FULLTEXT_URL": papers.template,
            "PAPERBOY_ASK_PER_DAY": str(rounds + 1),
        }
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bench.sqlite3"
            async with bot_running(db, str(FIXTURES), env=env) as bot:
                firsts: list[float] = []
                finals: list[float] = []
                for round_ in range(rounds):
                    user = FakeBotApi.user(7000 + round_, "en", "Ada")
                    chat = FakeBotApi.private_chat(user)
                    question = QUESTIONS[round_ % len(QUESTIONS)]
                    mark = bot.api.mark()
                    drafts_before = len(bot.api.drafts)
                    asked = time.monotonic()
                    bot.api.push_message(chat, user, f"/ask {PAPER} {question}")
                    await bot.api.wait_sent(chat["id"], after=mark, timeout=60)
                    done = time.monotonic()
                    words = [
                        d["at"]
                        for d in bot.api.drafts[drafts_before:]
                        if d["chat_id"] == chat["id"] and not d["text"].endswith("…")
                    ]
                    firsts.append((words[0] if words else done) - asked)
                    finals.append(done - asked)
    print("1. latency, fake model at first token 0.6 s and 40 tokens/s, drafts at most 1/s")
    print(f"   first question (fetch + parse + answer): first words {firsts[0]:.2f} s,"
          f" final message {finals[0]:.2f} s")  # fmt: skip
    warm_first, warm_final = firsts[1:], finals[1:]
    print(
        f"   next {len(warm_first)} questions: first words p50 {statistics.median(warm_first):.2f}"
        f" s, p95 {percentile(warm_first, 0.95):.2f} s; final p50"
        f" {statistics.median(warm_final):.2f} s, p95 {percentile(warm_final, 0.95):.2f} s"
    )


def corpus_texts(count: int, seed: int = 29) -> list[FullText]:
    """``count`` papers of real prose: each ``SECTIONS`` abstracts of the 2024 API days, one a
    section, so compression and ranking see real text, not a repeated fixture."""
    abstracts = []
    for path in sorted(API_2024.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data if isinstance(data, list) else []:
            paper = entry.get("paper") if isinstance(entry, dict) else None
            if isinstance(paper, dict) and isinstance(paper.get("summary"), str):
                abstracts.append(paper["summary"])
    rng = random.Random(seed)
    texts = []
    for number in range(count):
        chosen = rng.sample(abstracts, SECTIONS)
        sections = tuple(
            Section(f"{i + 1} Part {i + 1}", " ".join(a.split())) for i, a in enumerate(chosen)
        )
        texts.append(FullText(f"Paper {number}", sections))
    return texts


def parsing() -> list[FullText]:
    pages = {
        "speech.html (LaTeXML)": fixture("speech"),
        "robots.html (LaTeXML)": fixture("robots"),
        "broken.html (garbled)": fixture("broken"),
        "speech, 60 sections": long_page("x", 60),
        "speech, 3,000 sections": long_page("x", 3000),
    }
    texts = []
    print("2. parsing: page → stored text")
    for name, page in pages.items():
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            found = parse_paper_html(page)
            runs.append(time.perf_counter() - started)
        size = len(page.encode())
        if isinstance(found, FullText):
            texts.append(found)
            stored = len(pack(found))
            what = f"{found.chars:,} chars kept, {stored:,} B stored"
            what += f" ({found.cut})" if found.cut else ""
        else:
            what = f"refused: {found.reason}"
        print(f"   {name}: {size / 1e6:.2f} MB in {min(runs) * 1000:.1f} ms; {what}")
    if API_2024.exists():
        real = corpus_texts(50)
        chars = statistics.median(t.chars for t in real)
        stored = statistics.median(len(pack(t)) for t in real)
        print(f"   real prose ({SECTIONS} corpus abstracts a paper, 50 papers): median"
              f" {chars:,.0f} chars → {stored:,.0f} B stored ({chars / stored:.1f}x)")  # fmt: skip
    return texts


async def retrieval(questions: int) -> None:
    embedder = load_embedder()
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "archive.sqlite3"
        papers = await build_large(db_path)
        db = await connect(db_path)
        rng = random.Random(29)
        ids = [f"2501.{i:05d}" for i in range(1000)]
        now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
        embed_times = []
        for arxiv_id, text in zip(ids, corpus_texts(len(ids)), strict=True):
            await fulltext.store_text(db, arxiv_id, text, now, Validators())
            if embedder is not None:
                started = time.perf_counter()
                vectors = passage_vectors(embedder, passages(text))
                embed_times.append(time.perf_counter() - started)
                await fulltext.store_vectors(db, arxiv_id, text.version, embedder.model, vectors)
        totals = await fulltext.totals(db)
        times = []
        for _ in range(questions):
            arxiv_id = rng.choice(ids)
            question = rng.choice(QUESTIONS)
            started = time.perf_counter()
            stored = await fulltext.latest(db, arxiv_id)
            assert stored is not None and stored.text is not None
            pieces = passages(stored.text)
            meaning = None
            if embedder is not None:
                vectors = await fulltext.vectors(db, arxiv_id, 0, embedder.model)
                meaning = by_meaning(embedder.query(question), vectors)
            relevant(pieces, question, 5300, None, meaning)
            times.append(time.perf_counter() - started)
        await db.close()
    print(f"3. retrieval: {papers:,} papers, 1,000 full texts stored ({totals[2] / 1e6:.1f} MB)")
    steps = "read, unpack, passages, rank" + (", embed the question" if embedder else "")
    p50, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
    print(f"   per question ({steps}): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    if embed_times:
        print(
            f"   embedding a paper's passages once: p50 {statistics.median(embed_times):.2f} s,"
            f" p95 {percentile(embed_times, 0.95):.2f} s"
        )


async def main(rounds: int, questions: int, skip_archive: bool) -> None:
    await latency(rounds)
    parsing()
    if skip_archive or not API_2024.exists():
        print("3. retrieval: skipped (needs ../shared/corpus, or --skip-archive was given)")
    else:
        await retrieval(questions)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11, help="questions through the bot")
    parser.add_argument("--questions", type=int, default=300, help="retrieval questions")
    parser.add_argument("--skip-archive", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.questions, args.skip_archive))
