"""Summaries from a language model, against a hostile loopback endpoint: each answer ends as
the rules say, and nothing unchecked is stored."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import httpx
import pytest

from bot.summarize.client import ATTEMPTS, ChatClient, EndpointError
from bot.summarize.writer import summarize
from storage import archive, summaries
from tests.bot_harness import ManualClock
from tests.conftest import ROOT
from tests.fakellm import FakeLLM, Stall, Status, korean_summary

DAY = dt.date(2026, 8, 19)
MODEL = "fake-model"


@pytest.fixture
async def papers(db):
    """The 26 papers of a real API day, stored as the poller stores them."""
    from bot.source.ingest import IngestReport, store_text

    path = ROOT / "tests" / "fixtures" / "hf_api" / f"{DAY}.json"
    await store_text(db, path.read_text(encoding="utf-8"), str(path), IngestReport())
    return await archive.digest_papers(db, DAY)


@pytest.fixture
async def fake():
    async with FakeLLM() as server:
        yield server


class Sleeps:
    """Records the waits the client asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def run(db, fake, sleeps=None, key="secret-key", **options):
    async with httpx.AsyncClient() as http:
        client = ChatClient(
            http,
            fake.url,
            MODEL,
            key,
            sleep=sleeps or Sleeps(),
            timeout=httpx.Timeout(0.5),
        )
        clock = ManualClock(dt.datetime(2026, 8, 19, 23, 0, tzinfo=dt.UTC))
        return await summarize(db, client, ["ko"], clock, start=DAY, end=DAY, **options)


async def test_every_paper_of_a_day_is_summarised_once(db, papers, fake):
    report = await run(db, fake)
    assert (report.asked, report.stored, sum(report.refused.values())) == (26, 26, 0)
    assert report.tokens == 26 * 500 and len(fake.requests) == 26
    stored = await summaries.stored(db, papers[0].arxiv_id, "ko")
    assert list(stored) == ["What's New", "Technical Details", "Performance Highlights"]
    assert papers[0].title in stored["What's New"]
    again = await run(db, fake)  # a restart: nothing stored is asked for again
    assert again.asked == 0 and len(fake.requests) == 26


async def test_the_request_is_what_the_contract_says(db, papers, fake):
    await run(db, fake, limit=1)
    (body,) = fake.requests
    assert body["model"] == MODEL and body["response_format"] == {"type": "json_object"}
    prompt = body["messages"][-1]["content"]
    assert papers[0].title in prompt and papers[0].abstract[:80] in prompt
    assert "Korean" in prompt
    assert fake.headers[0]["Authorization"] == "Bearer secret-key"


async def test_a_429_waits_its_retry_after(db, papers, fake):
    title = papers[0].title
    fake.answer(title, Status(429, {"Retry-After": "7"}), Status(429, {"Retry-After": "3"}))
    sleeps = Sleeps()
    report = await run(db, fake, sleeps, limit=1)
    assert report.stored == 1 and fake.asked(title) == 3
    assert sleeps.waits == [7.0, 3.0]


async def test_server_errors_and_stalls_back_off_then_give_up_for_now(db, papers, fake):
    title = papers[0].title
    fake.answer(title, Status(500), Status(502), Stall(2.0), Status(503))
    sleeps = Sleeps()
    report = await run(db, fake, sleeps, limit=1)
    assert report.stored == 0 and report.refused == {"endpoint": 1}
    assert sleeps.waits == [2.0, 4.0, 8.0, 16.0]  # bounded: ATTEMPTS requests, doubling
    assert fake.asked(title) == ATTEMPTS
    # Nothing was stored or refused: the next run asks again, and gets an answer.
    assert (await run(db, fake, limit=1)).stored == 1


async def test_an_endpoint_that_is_down_is_an_error_not_a_hang(db, papers):
    async with httpx.AsyncClient() as http:
        client = ChatClient(http, "http://127.0.0.1:9/v1", MODEL, sleep=Sleeps())
        with pytest.raises(EndpointError):
            await client.complete([{"role": "user", "content": "x"}])


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        ("Sure! The paper proposes a new method for reward models.", "format"),
        ('["not", "an", "object"]', "format"),
        (json.dumps({"whats_new": "only one key is here, nothing else at all"}), "missing"),
        ("ENGLISH", "language"),
        ("OTHER", "off-topic"),
        ("LONG", "length"),
    ],
)
async def test_an_unusable_answer_is_asked_again_saying_what_was_wrong(
    db, papers, fake, first, reason
):
    paper, other = papers[0], papers[1]
    if first == "ENGLISH":
        first = json.dumps(
            {
                k: f"{paper.title} is proposed and evaluated here."
                for k in ("whats_new", "technical_details", "performance_highlights")
            }
        )
    elif first == "OTHER":
        first = json.dumps(korean_summary(other.title))
    elif first == "LONG":
        first = json.dumps(korean_summary(paper.title, extra=" 아주 긴 설명입니다." * 200))
    fake.answer(paper.title, first)
    report = await run(db, fake, limit=1)
    assert report.stored == 1 and fake.asked(paper.title) == 2
    retry = fake.requests[-1]["messages"]
    assert retry[-1]["content"].startswith("Your last answer was unusable")
    if reason == "off-topic":
        stored = await summaries.stored(db, paper.arxiv_id, "ko")
        assert other.title not in stored["What's New"]


async def test_three_unusable_answers_keep_the_fallback_and_are_not_asked_again(db, papers, fake):
    paper = papers[0]
    english = json.dumps(
        {
            k: f"{paper.title}: an English answer, which is not what was asked for."
            for k in ("whats_new", "technical_details", "performance_highlights")
        }
    )
    fake.answer(paper.title, english, english, english)
    report = await run(db, fake, limit=1)
    assert report.refused == {"language": 1} and report.stored == 0
    assert fake.asked(paper.title) == 3  # once, and two retries
    assert await summaries.stored(db, paper.arxiv_id, "ko") == {}
    assert (await run(db, fake, limit=1)).asked == 1  # the next paper, not this one
    assert fake.asked(paper.title) == 3
    forced = await run(db, fake, limit=1, force=True)  # --force asks again
    assert forced.stored == 1 and fake.asked(paper.title) == 4


async def test_fenced_json_is_an_answer(db, papers, fake):
    paper = papers[0]
    fake.answer(paper.title, "```json\n" + json.dumps(korean_summary(paper.title)) + "\n```")
    assert (await run(db, fake, limit=1)).stored == 1
    assert fake.asked(paper.title) == 1


async def test_markup_in_an_answer_stays_plain_text(db, papers, fake):
    paper = papers[0]
    answer = korean_summary(paper.title, extra=" <b>굵게</b> <script>alert(1)</script> & 기타")
    fake.answer(paper.title, json.dumps(answer))
    assert (await run(db, fake, limit=1)).stored == 1
    stored = await summaries.stored(db, paper.arxiv_id, "ko")
    assert "<script>alert(1)</script> & 기타" in stored["What's New"]  # text, escaped on render


async def test_concurrency_is_bounded(db, papers):
    async with FakeLLM(latency=0.05) as slow:
        report = await run(db, slow, concurrency=3)
    assert report.stored == 26 and slow.peak == 3


async def test_the_api_key_is_never_logged(db, papers, fake, caplog):
    fake.answer(papers[0].title, Status(500), Status(500), Status(500), Status(500))
    with caplog.at_level(logging.DEBUG):
        await run(db, fake, key="sk-very-secret", limit=1)
    assert "sk-very-secret" not in caplog.text


async def test_the_command_summarises_and_ends_with_one_line(tmp_path, monkeypatch, capsys):
    import asyncio

    from bot.app.cli import main

    for name in ("PAPERBOY_LLM_API_KEY", "PAPERBOY_SUMMARY_LANGUAGES", "PAPERBOY_LLM_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env leaks in
    db = str(tmp_path / "cli.sqlite3")
    api_day = str(ROOT / "tests" / "fixtures" / "hf_api" / f"{DAY}.json")
    assert await asyncio.to_thread(main, ["ingest", api_day, "--db", db]) == 0
    assert await asyncio.to_thread(main, ["summarize", "--db", db]) == 2  # no endpoint set
    assert "PAPERBOY_LLM_URL is not set" in capsys.readouterr().err
    async with FakeLLM() as fake:
        monkeypatch.setenv("PAPERBOY_LLM_URL", fake.url)
        monkeypatch.setenv("PAPERBOY_LLM_MODEL", MODEL)
        fake.answer("Wrong Paper", "unused")  # scripts for other titles change nothing
        argv = ["summarize", "--date", str(DAY), "--limit", "5", "--db", db]
        assert await asyncio.to_thread(main, argv) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "Asked 5 paper(s): 5 stored, 0 refused; 2,500 tokens used."
    assert len(fake.requests) == 5
    text = await asyncio.to_thread(Path(api_day).read_text, encoding="utf-8")
    first = json.loads(text)[0]["paper"]["id"]
    assert await asyncio.to_thread(main, ["show", first, "--json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["generated"]["ko"]["model"] == MODEL
    assert list(shown["generated"]["ko"]["sections"]) == [
        "What's New",
        "Technical Details",
        "Performance Highlights",
    ]
