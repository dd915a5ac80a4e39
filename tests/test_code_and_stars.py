"""Code and stars (issue 28): cards name the organization (🏢) and the code's ⭐; `/top
stars` ranks the papers with code by GitHub stars, `/top` stays by votes."""

from __future__ import annotations

from bot.core.commands import ArgumentError, TopRequest, parse_top_args
from bot.parse.hf_api import parse_hf_api
from tests.bot_harness import bot_running
from tests.conftest import ROOT
from tests.fakebot.server import FakeBotApi
from tests.test_bot_e2e import assert_valid

API = ROOT / "tests" / "fixtures" / "hf_api"


def test_the_listing_s_organization_is_read():
    path = API / "2026-08-13.json"
    (digest,) = parse_hf_api(path.read_text(encoding="utf-8"), path.name).digests
    named = {p.arxiv_id: (p.organization, p.organization_name) for p in digest.papers}
    assert ("UIUC-CS", "University of Illinois at Urbana-Champaign") in named.values()
    assert any(value == (None, None) for value in named.values())  # not every listing has one


def test_stars_is_a_ranking_word_in_any_order():
    assert parse_top_args(["stars", "week"]) == TopRequest(10, "week", None, "stars")
    assert parse_top_args(["5", "스타"]) == TopRequest(5, "latest", None, "stars")
    assert parse_top_args(["week"]).by == "votes"
    for bad in (["stars", "rising"], ["stars", "stars"]):
        try:
            parse_top_args(bad)
        except ArgumentError:
            continue
        raise AssertionError(bad)


async def test_top_stars_and_the_card_s_organization(tmp_path):
    user = FakeBotApi.user(4501, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    async with bot_running(tmp_path / "b.sqlite3", str(API)) as bot:
        (stars,) = await bot.say(chat, user, "/top stars all")
        (votes,) = await bot.say(chat, user, "/top 3 all")
        (day,) = await bot.say(chat, user, "/top stars 2026-06-29")
        (none,) = await bot.say(chat, user, "/top stars 2026-07-15")
        (card,) = await bot.say(chat, user, "/paper 2608.12307")
    assert_valid(stars)
    lines = stars.text.splitlines()
    assert lines[0] == "⭐ Most ⭐ on GitHub: 10 papers with code · all time"
    assert "⭐ 505" in lines[2] and "⭐ 208" in lines[3]  # the most-starred first
    assert stars.callback_data()[0] == "p:2608.11924"
    assert votes.text.splitlines()[0] == "🏆 Top 3 · all time"  # /top stays by votes
    assert "⭐ 30" in day.text.splitlines()[2]
    assert none.text == "No paper with code listed for 2026-07-15."
    assert_valid(card)
    assert "🏢 University of Illinois at Urbana-Champaign" in card.text.split("\n\n")[0]


def test_the_command_line_ranks_by_stars_too(tmp_path, capsys, monkeypatch):
    import json

    from bot.app.cli import main

    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.sqlite3"
    assert main(["ingest", "--no-index", str(API), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["top", "--all", "--stars", "-n", "3", "--json", "--db", str(db)]) == 0
    papers = json.loads(capsys.readouterr().out)
    assert [p["github_stars"] for p in papers] == [505, 208, 30]


async def test_code_only_delivers_only_papers_with_a_code_link(tmp_path):
    import datetime as dt
    import shutil

    from tests.bot_harness import ManualClock

    user = FakeBotApi.user(4502, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    other = FakeBotApi.user(4503, "en", "Grace")
    sources = tmp_path / "digests"
    sources.mkdir()
    day = API / "2026-08-13.json"
    clock = ManualClock(dt.datetime(2026, 8, 13, 23, 0, tzinfo=dt.UTC))
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock) as bot:
        await bot.say(chat, user, "/subscribe")
        (saved,) = await bot.say(chat, user, "/settings code-only on")
        await bot.say(FakeBotApi.private_chat(other), other, "/subscribe")
        (menu,) = await bot.say(chat, user, "/settings")
        mark = bot.api.mark()
        shutil.copy(day, sources / day.name)
        await bot.pipeline.poll_now()
        await bot.deliver()
        mine = [s for s in bot.api.sent[mark:] if s.chat_id == user["id"]]
        theirs = [s for s in bot.api.sent[mark:] if s.chat_id == other["id"]]
    assert saved.text == "✓ Saved: Only papers with code: on"
    assert "Only papers with code: on" in menu.text
    (digest,) = parse_hf_api(day.read_text(encoding="utf-8"), day.name).digests
    with_code = {p.arxiv_id for p in digest.papers if p.github_repo}
    assert 0 < len(with_code) < len(digest.papers)

    def ids(cards):
        return {d[3:] for c in cards for d in c.callback_data() if d.startswith("bm:")}

    assert ids(mine) == with_code
    assert ids(theirs) - with_code  # the chat without the setting gets papers without code


async def test_the_hourly_refresh_brings_current_stars_without_another_request(db, tmp_path):
    import datetime as dt
    import json

    import httpx

    from bot.source.ingest import IngestReport, store_text
    from bot.source.poll import refresh_votes
    from storage.archive import get_paper
    from tests.fakesources import FakeSources

    day = API / "2026-08-13.json"
    await store_text(db, day.read_text(encoding="utf-8"), day.name, IngestReport())
    assert (await get_paper(db, "2608.11924")).github_stars == 505
    listing = json.loads(day.read_text(encoding="utf-8"))
    for entry in listing:
        if entry["paper"]["id"] == "2608.11924":
            entry["paper"]["githubStars"] = 1234  # an hour later, the repository gained stars
    served = tmp_path / "api"
    served.mkdir()
    (served / day.name).write_text(json.dumps(listing), encoding="utf-8")
    now = dt.datetime(2026, 8, 13, 23, 0, tzinfo=dt.UTC)
    async with FakeSources(None, served) as sources, httpx.AsyncClient() as client:
        await refresh_votes(db, client, sources.api_url, now, days=1)
        asked = len(sources.requests)
    assert (await get_paper(db, "2608.11924")).github_stars == 1234
    assert asked == 1  # the vote refresh's own request: stars came with it
