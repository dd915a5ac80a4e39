"""The Hugging Face daily papers API source: mapping, polling, merging, follow-ups, votes."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiohttp import web

from bot.core.topics import Topic
from bot.parse.hf_api import parse_hf_api
from bot.render.cards import render_card
from bot.source.ingest import IngestReport, store_text
from bot.source.poll import poll, refresh_votes
from bot.understand.search import search_papers
from storage import archive
from storage.keywords import keyword_matches
from tests.bot_harness import ManualClock
from tests.conftest import CORPUS, ROOT, needs_corpus
from tests.fakebot.telegram_html import parse_html
from tests.test_render import check

HF = ROOT / "tests" / "fixtures" / "hf_api"
SEOUL = ZoneInfo("Asia/Seoul")


def load(name: str) -> list[dict]:
    return json.loads((HF / f"{name}.json").read_text(encoding="utf-8"))


def test_mapping_of_an_entry():
    result = parse_hf_api((HF / "2026-06-29.json").read_text(), "2026-06-29.json")
    assert result.issues == ()
    (digest,) = result.digests
    assert digest.date == dt.date(2026, 6, 29)
    assert len(digest.papers) == 17
    paper = next(p for p in digest.papers if p.arxiv_id == "2606.27378")
    assert (
        paper.title == "Formalizing Latent Thoughts: Four Axioms of Thought Representation in LLMs"
    )
    assert paper.votes == 11 and paper.num_comments == 4
    assert paper.date == dt.date(2026, 6, 29)  # submittedOnDailyAt, not publishedAt (05-07)
    assert paper.github_repo == "https://github.com/fard-lab/formalize-thoughts"
    assert paper.github_stars == 0
    assert paper.project_page == "https://fard-lab.github.io/formalize-thoughts/"
    assert paper.ai_keywords[:2] == (
        "axiomatic evaluation framework",
        "latent thought representations",
    )
    assert paper.abstract and paper.ai_summary and paper.authors
    assert (
        paper.thumbnail
        == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.27378.png"
    )
    assert not paper.sections and not paper.summary


def test_titles_collapse_duplicates_drop_and_bad_bodies_are_reported():
    entries = load("2026-07-15")
    entries[0]["paper"]["title"] = "SpectraReward:\n  Rewarding Spectra"
    entries.append(copy.deepcopy(entries[0]))  # the same paper twice
    entries.append({"paper": {"id": "not-an-id", "title": "x"}})
    result = parse_hf_api(json.dumps(entries), "x.json", dt.date(2026, 7, 15))
    (digest,) = result.digests
    assert [p.arxiv_id for p in digest.papers] == ["2607.11886", "2607.11111"]
    assert digest.papers[0].title == "SpectraReward: Rewarding Spectra"
    assert [str(i) for i in result.issues] == [
        "x.json:4: entry 4: no arXiv id in paper.id 'not-an-id'"
    ]
    assert parse_hf_api("[]", "weekend.json").digests == ()
    assert parse_hf_api("[]", "weekend.json").issues == ()
    assert "expected a JSON list" in str(parse_hf_api('{"error": "x"}', "e.json").issues[0])
    assert "not JSON" in str(parse_hf_api("<html>", "h.json").issues[0])


def test_api_only_cards_show_the_ai_summary_abstract_and_code_links():
    (digest,) = parse_hf_api((HF / "2026-06-29.json").read_text(), "d.json").digests
    paper = next(p for p in digest.papers if p.arxiv_id == "2606.27378")
    reply = render_card(paper, "ko")
    text = check(reply)
    assert "✨ AI 요약 (영문)" in text and "📄 초록 (영문)" in text
    assert "<blockquote expandable><b>📄 초록 (영문)</b>" in reply.text
    labels = [b.text for row in reply.buttons for b in row]
    assert "GitHub" in labels and "🌐 프로젝트 페이지" in labels
    for paper in digest.papers:
        assert parse_html(render_card(paper, "en").text).text


def test_topics_match_ai_keywords():
    (digest,) = parse_hf_api((HF / "2026-06-29.json").read_text(), "d.json").digests
    found = keyword_matches(digest.papers, [Topic("latent thought representations")])
    assert "2606.27378" in found[Topic("latent thought representations")]


MARKDOWN = """## Daily Papers (2026-06-29)

### [Formalizing Latent Thoughts](https://arxiv.org/abs/2606.27378)

Vote: 3

Authors: Someone Else

- ***What's New***: 잠재적 사고 표현을 공리로 평가합니다.
- ***Technical Details***: 네 가지 공리.
- ***Performance Highlights***: 좋습니다.
"""


@pytest.mark.parametrize("order", ["markdown first", "api first"])
async def test_one_paper_from_two_sources_merges(db, order: str):
    api_text = (HF / "2026-06-29.json").read_text()
    observed = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)
    steps = [("digest.md", MARKDOWN, None), ("hf-api", api_text, observed)]
    if order == "api first":
        steps.reverse()
    report = IngestReport()
    for source, text, at in steps:
        await store_text(db, text, source, report, observed_at=at)
    paper = await archive.get_paper(db, "2606.27378")
    assert paper.sections["What's New"] == "잠재적 사고 표현을 공리로 평가합니다."  # Korean kept
    assert paper.abstract and paper.ai_summary and paper.github_repo  # API data kept
    assert paper.votes == 11  # the live count, observed after the digest's snapshot
    assert paper.title == (
        "Formalizing Latent Thoughts"
        if order == "markdown first"
        else "Formalizing Latent Thoughts: Four Axioms of Thought Representation in LLMs"
    )
    assert len(await archive.digest_papers(db, dt.date(2026, 6, 29))) == 17  # the union
    hits = await search_papers(db, "axiomatic evaluation framework")
    assert hits and hits[0].paper.arxiv_id == "2606.27378"  # keywords are searchable
    assert (await search_papers(db, "잠재적 사고"))[0].paper.arxiv_id == "2606.27378"


class FakeHub:
    """A loopback stand-in for huggingface.co/api/daily_papers, paging with p and limit."""

    def __init__(self) -> None:
        self.days: dict[str, list[dict]] = {}
        self.requests: list[dict[str, str]] = []
        self.fail: int | None = None
        self.delay = 0.0
        self.body: str | None = None

    async def handle(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.requests.append(query)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            return web.Response(status=self.fail)
        if self.body is not None:
            return web.Response(text=self.body, content_type="application/json")
        entries = self.days.get(query.get("date", ""), [])
        page, limit = int(query.get("p", 0)), int(query.get("limit", 50))
        return web.json_response(entries[page * limit : (page + 1) * limit])


@pytest.fixture
async def hub():
    fake = FakeHub()
    app = web.Application()
    app.router.add_get("/api/daily_papers", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield fake, f"http://127.0.0.1:{port}/api/daily_papers"
    await runner.cleanup()


def many(day: str, count: int) -> list[dict]:
    base = load("2026-07-15")[0]
    entries = []
    for i in range(count):
        entry = copy.deepcopy(base)
        entry["paper"]["id"] = f"2607.{20000 + i}"
        entry["paper"]["submittedOnDailyAt"] = f"{day}T00:00:00.000Z"
        entries.append(entry)
    return entries


async def test_polling_pages_through_a_big_day(db, hub):
    fake, url = hub
    fake.days["2026-07-15"] = many("2026-07-15", 150)
    fake.days["2026-07-14"] = []  # a weekend answers an empty list
    clock = ManualClock(dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC))
    async with httpx.AsyncClient() as client:
        result = await poll(db, ("hf-api",), client, clock.now(), url)
    assert result.errors == []
    assert result.papers_new == 150
    pages = [(r["date"], r["p"], r["limit"]) for r in fake.requests]
    assert pages == [
        ("2026-07-14", "0", "100"),
        ("2026-07-15", "0", "100"),
        ("2026-07-15", "1", "100"),
    ]


@pytest.mark.parametrize("failure", ["500", "timeout", "not a list"])
async def test_api_failures_are_logged_and_retried_next_poll(db, hub, failure: str):
    fake, url = hub
    fake.days["2026-07-15"] = load("2026-07-15")
    clock = ManualClock(dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC))
    if failure == "500":
        fake.fail = 500
    elif failure == "timeout":
        fake.delay = 1.0
    else:
        fake.body = '{"error": "Rate limited"}'
    async with httpx.AsyncClient(timeout=0.2) as client:
        broken = await poll(db, ("hf-api",), client, clock.now(), url)
        assert broken.errors and broken.papers_new == 0
        fake.fail, fake.delay, fake.body = None, 0.0, None
        fixed = await poll(db, ("hf-api",), client, clock.now(), url)
    assert fixed.errors == [] and fixed.papers_new == 2


async def test_vote_refresh_updates_votes_and_rising(db, hub):
    fake, url = hub
    day = load("2026-07-15")
    fake.days["2026-07-15"] = day
    clock = ManualClock(dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC))
    async with httpx.AsyncClient() as client:
        await poll(db, ("hf-api",), client, clock.now(), url)
        clock.advance(hours=30)
        day[1]["paper"]["upvotes"] = 40  # 2607.11111: 3 -> 40
        day[0]["paper"]["upvotes"] = 25  # 2607.11886: 24 -> 25
        result = await refresh_votes(db, client, url, clock.now())
    assert len([r for r in fake.requests if r["p"] == "0"]) == 2 + 7  # one request per date
    assert result.errors == []
    assert (await archive.get_paper(db, "2607.11111")).votes == 40
    top = await archive.top_papers(db, dt.date(2026, 7, 9), dt.date(2026, 7, 15), 2)
    assert [p.arxiv_id for p in top] == ["2607.11111", "2607.11886"]
    rising = await archive.rising_papers(db, clock.now() - dt.timedelta(hours=24), 5)
    assert [(p.arxiv_id, growth) for p, growth in rising] == [("2607.11111", 37), ("2607.11886", 1)]


def test_saved_responses_ingest_from_the_cli(tmp_path: Path, capsys):
    from bot.app.cli import main

    code = main(["ingest", str(HF), "--db", str(tmp_path / "h.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Read 4 input(s): 4 digest(s) (4 new date(s))" in out
    # 2608.12313 is listed on 08-13 (2 votes) and 08-19 (27): one paper, two days, newest votes.
    code = main(["show", "2608.12313", "--json", "--db", str(tmp_path / "h.sqlite3")])
    data = json.loads(capsys.readouterr().out)
    assert data["dates"] == ["2026-08-13", "2026-08-19"] and data["votes"] == 27
    assert data["abstract"] and data["title"]
    code = main(["show", "2607.11886", "--db", str(tmp_path / "h.sqlite3")])
    text = capsys.readouterr().out
    assert "Project: https://huangrh99.github.io/SpectraReward/" in text and "## Abstract" in text


async def test_papers_joining_a_delivered_day_follow_up_once(tmp_path: Path, hub):
    from tests.bot_harness import bot_running
    from tests.fakebot.server import FakeBotApi

    fake, url = hub
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = ManualClock(dt.datetime(2026, 6, 29, 12, 0, tzinfo=dt.UTC))
    user = FakeBotApi.user(4242, "ko")
    chat = FakeBotApi.private_chat(user)
    async with bot_running(
        tmp_path / "b.sqlite3", f"{folder},hf-api", clock=clock, env={"PAPERBOY_HF_API_URL": url}
    ) as bot:
        await bot.say(chat, user, "/subscribe")
        mark = bot.api.mark()
        (folder / "2026-06-29.md").write_text(MARKDOWN, encoding="utf-8")
        await bot.pipeline.poll_now()  # the Korean digest: one paper
        (card,) = await bot.api.wait_sent(chat["id"], after=mark)
        assert "잠재적 사고 표현" in card.text
        fake.days["2026-06-29"] = load("2026-06-29")  # the API lists the whole day
        await bot.pipeline.poll_now()
        await bot.api.wait_sent(chat["id"], count=17, after=mark)
        await bot.pipeline.poll_now()
        await bot.pipeline.refresh_votes()
        await bot.deliver()
        cards = [s for s in bot.api.sent[mark:] if s.chat_id == chat["id"]]
        ids = [s.buttons()[0]["url"].rsplit("/", 1)[-1] for s in cards]
        assert len(ids) == len(set(ids)) == 17
        assert "✨ AI 요약 (영문)" in cards[1].text
        # Live votes: an hour-by-hour refresh a day later ranks /top rising.
        clock.advance(hours=30)
        fake.days["2026-06-29"][0]["paper"]["upvotes"] += 50
        await bot.pipeline.refresh_votes()
        (reply,) = await bot.say(chat, user, "/top rising")
        assert reply.text.startswith("🚀 급상승")
        assert "(+50)" in reply.text.splitlines()[2]
        (reply,) = await bot.say(chat, user, "/top 3 week")
        assert reply.text.startswith("🏆 인기 논문 3편")


@needs_corpus
async def test_every_shared_api_day_through_the_loopback_api(db, hub):
    fake, url = hub
    corpus = CORPUS.parent / "hf_api"
    for path in sorted(corpus.glob("*.json")):
        fake.days[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    assert len(fake.days) == 44
    clock = ManualClock(dt.datetime(2026, 8, 21, 23, 0, tzinfo=dt.UTC))
    async with httpx.AsyncClient() as client:
        result = await refresh_votes(db, client, url, clock.now(), days=60)
    assert result.errors == []
    stats = await archive.archive_stats(db)
    assert (stats.papers, stats.digests, stats.entries) == (904, 44, 906)
    assert (await archive.get_paper(db, "2608.13558")).votes == 54  # the later day's count
