"""Generated summaries as readers see them: their language first, a digest's own Korean
sections always winning, the model named quietly on the card."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from contextlib import asynccontextmanager
from pathlib import Path

from bot.core.models import Paper
from bot.core.summary_choice import Generated, for_reader
from bot.parse.markdown import parse_digest
from bot.render.cards import render_card
from bot.source.ingest import IngestReport, store_text
from bot.summarize.prompt import PROMPT_VERSION
from bot.understand.search import search
from storage import archive, summaries
from storage.summaries import SummaryKey
from tests.bot_harness import ManualClock, bot_running
from tests.conftest import FIXTURES, ROOT
from tests.fakebot.server import FakeBotApi
from tests.fakellm import FakeLLM, abstract_summary, korean_summary
from tests.test_bot_e2e import assert_valid

NOW = dt.datetime(2026, 8, 20, 0, 0, tzinfo=dt.UTC)
KO = Generated("qwen-test", {"What's New": "생성된 한국어 요약입니다."})
EN = Generated("qwen-test", {"What's New": "A generated English summary."})
OWN = Paper("2410.00001", "T", "u", sections={"What's New": "다이제스트의 요약"})
BARE = Paper("2410.00002", "T", "u", abstract="An abstract.", ai_summary="An AI summary.")


def test_a_digest_s_own_korean_sections_win_for_korean_readers():
    assert for_reader(OWN, "ko", {"ko": KO}) is OWN
    assert for_reader(OWN, "en", {"en": EN}).sections == EN.sections  # their language first
    assert for_reader(OWN, "en", {"ko": KO}) is OWN  # then Korean: the digest's own


def test_without_a_digest_summary_the_order_is_language_korean_fallback():
    assert for_reader(BARE, "ko", {"ko": KO, "en": EN}).sections == KO.sections
    assert for_reader(BARE, "en", {"ko": KO, "en": EN}).sections == EN.sections
    assert for_reader(BARE, "en", {"ko": KO}).summary_model == "qwen-test"
    assert for_reader(BARE, "en", {}) is BARE  # the AI summary and abstract


def test_a_card_names_the_model_quietly():
    card = render_card(for_reader(BARE, "ko", {"ko": KO}), "ko")
    assert "🤖 qwen-test" in card.text and "생성된 한국어 요약입니다." in card.text
    assert "🤖" not in render_card(OWN, "ko").text


async def test_paper_cards_use_the_reader_s_summary(tmp_path: Path):
    en_user, ko_user = FakeBotApi.user(3001, "en", "Ada"), FakeBotApi.user(3002, "ko", "지수")
    en_chat, ko_chat = FakeBotApi.private_chat(en_user), FakeBotApi.private_chat(ko_user)
    async with bot_running(tmp_path / "b.sqlite3", str(FIXTURES)) as bot:
        db = bot.pipeline.db
        day = ROOT / "tests" / "fixtures" / "hf_api" / "2026-08-19.json"
        await store_text(db, day.read_text(encoding="utf-8"), str(day), IngestReport())
        api_paper = (await archive.digest_papers(db, dt.date(2026, 8, 19)))[0]
        ko, en = (SummaryKey(lang, "qwen-test", PROMPT_VERSION) for lang in ("ko", "en"))
        await summaries.store(db, api_paper.arxiv_id, ko, KO.sections, 500, NOW)
        for chat, user in ((ko_chat, ko_user), (en_chat, en_user)):
            (card,) = await bot.say(chat, user, f"/paper {api_paper.arxiv_id}")
            assert "🤖 qwen-test" in card.text and "생성된 한국어 요약입니다." in card.text
            assert_valid(card)
        await summaries.store(db, "2410.09342", ko, KO.sections, 500, NOW)
        await summaries.store(db, "2410.09342", en, EN.sections, 500, NOW)
        (card,) = await bot.say(ko_chat, ko_user, "/paper 2410.09342")
        assert "🤖" not in card.text and "생성된" not in card.text  # the digest's own
        (card,) = await bot.say(en_chat, en_user, "/paper 2410.09342")
        assert "🤖 qwen-test" in card.text and "A generated English summary." in card.text


API_DAY = ROOT / "tests" / "fixtures" / "hf_api" / "2026-08-19.json"


@asynccontextmanager
async def new_day_for(
    tmp_path: Path, user: dict, llm: FakeLLM, subscribe: str = "/subscribe", **env: str
):
    """A bot with a Korean chat subscribed; the API day arrives and is polled. Yields the
    harness and the mark before the day's cards."""
    chat = FakeBotApi.private_chat(user)
    sources = tmp_path / "digests"
    sources.mkdir()
    clock = ManualClock(dt.datetime(2026, 8, 19, 23, 0, tzinfo=dt.UTC))
    env = {"PAPERBOY_LLM_URL": llm.url, "PAPERBOY_LLM_MODEL": "fake-model", **env}
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock, env=env) as bot:
        await bot.say(chat, user, subscribe)
        mark = bot.api.mark()
        shutil.copy(API_DAY, sources / API_DAY.name)
        await bot.pipeline.poll_now()
        yield bot, mark


def cards_to(bot, user: dict, mark: int) -> list:
    return [s for s in bot.api.sent[mark:] if s.chat_id == user["id"]]


async def test_a_new_day_reaches_a_korean_chat_with_korean_cards(tmp_path: Path):
    user = FakeBotApi.user(3003, "ko", "민지")
    entries = json.loads(API_DAY.read_text(encoding="utf-8"))
    english = json.dumps(
        {
            k: "An English answer, which is not what was asked for."
            for k in ("whats_new", "technical_details", "performance_highlights")
        }
    )
    async with FakeLLM(latency=0.2) as llm:
        for entry in entries[:3]:
            llm.answer(" ".join(entry["paper"]["title"].split()), english, english, english)
        admin = {"PAPERBOY_ADMINS": str(user["id"])}
        async with new_day_for(tmp_path, user, llm, **admin) as (bot, mark):
            await asyncio.sleep(0.1)
            assert cards_to(bot, user, mark) == []  # held
            assert bot.pipeline.summarizing is not None
            await bot.pipeline.summarizing
            cards = await bot.api.wait_sent(user["id"], count=26, after=mark)
            (stats,) = await bot.say(FakeBotApi.private_chat(user), user, "/stats")
    assert "요약 (fake-model): 작성 23, 대기 0, 거절 3, 오늘 토큰 16,000" in stats.text
    marked = [c for c in cards if "🤖 fake-model" in c.text]
    assert len(marked) == 23
    for card in marked:
        assert "이 논문은 새로운 방법" in card.text
        assert_valid(card)
    for card in (c for c in cards if c not in marked):
        assert "AI 요약" in card.text or "초록" in card.text  # the English fallback
        assert_valid(card)


async def test_delivery_waits_no_longer_than_the_summary_wait(tmp_path: Path):
    user = FakeBotApi.user(3004, "ko", "서준")
    async with (
        FakeLLM(latency=3.0) as llm,  # an endpoint that barely answers
        new_day_for(tmp_path, user, llm, PAPERBOY_SUMMARY_WAIT="1") as (bot, mark),
    ):
        await bot.deliver()
        assert cards_to(bot, user, mark) == []  # held
        bot.clock.advance(minutes=1, seconds=1)  # the wait is over; the endpoint stalls
        await bot.deliver()  # whichever drain sends them, they go now
        cards = await bot.api.wait_sent(user["id"], count=26, after=mark)
        assert len(cards) == 26 and not any("🤖" in c.text for c in cards)


async def test_search_finds_a_paper_by_what_its_generated_summary_says(db):
    await store_text(db, API_DAY.read_text(encoding="utf-8"), str(API_DAY), IngestReport())
    paper = (await archive.digest_papers(db, dt.date(2026, 8, 19)))[0]
    key = SummaryKey("ko", "qwen-test", PROMPT_VERSION)
    assert (await search(db, "초전도체")).hits == []
    await summaries.refuse(db, paper.arxiv_id, key, "off-topic", 100, NOW)
    assert (await search(db, "초전도체")).hits == []  # a refusal says nothing
    said = {"What's New": "이 논문은 초전도체 설계를 위한 새로운 방법을 제안합니다."}
    await summaries.store(db, paper.arxiv_id, key, said, 500, NOW)
    (hit,) = (await search(db, "초전도체")).hits
    assert hit.paper.arxiv_id == paper.arxiv_id
    assert "초전도체" in hit.snippet.text
    # Its English search terms still find it, and a second summary replaces, not adds.
    by_title = (await search(db, paper.title)).hits
    assert paper.arxiv_id in {h.paper.arxiv_id for h in by_title}
    await summaries.store(db, paper.arxiv_id, key, {"What's New": "다른 요약입니다."}, 500, NOW)
    assert (await search(db, "초전도체")).hits == []


async def test_a_topic_only_the_generated_summary_mentions_brings_the_card(tmp_path: Path):
    user = FakeBotApi.user(3005, "ko", "하늘")
    entries = json.loads(API_DAY.read_text(encoding="utf-8"))
    title = " ".join(entries[4]["paper"]["title"].split())
    async with FakeLLM(latency=0.05) as llm:
        llm.answer(title, json.dumps(korean_summary(title, " 초전도체 연구에도 쓰입니다.")))
        async with new_day_for(tmp_path, user, llm, subscribe="/subscribe 초전도체") as (
            bot,
            mark,
        ):
            assert bot.pipeline.summarizing is not None
            await bot.pipeline.summarizing
            bot.clock.advance(hours=9)  # the chat's hour, after the summaries were written
            await bot.deliver()
            (card,) = await bot.api.wait_sent(user["id"], count=1, after=mark)
            await asyncio.sleep(0.2)
            assert cards_to(bot, user, mark) == [card]  # that one paper, once
    assert title.split()[0] in card.text and "초전도체 연구에도" in card.text
    assert "🤖 fake-model" in card.text


async def test_a_new_day_is_published_to_the_digest_dir_once_its_summaries_are_written(
    tmp_path: Path,
):
    user = FakeBotApi.user(3006, "ko", "도윤")
    site = tmp_path / "site"
    published = site / "2026" / "08" / "19.md"
    async with (
        FakeLLM(latency=0.05) as llm,
        new_day_for(tmp_path, user, llm, PAPERBOY_DIGEST_DIR=str(site)) as (bot, _),
    ):
        assert not published.exists()  # not before the summaries
        assert bot.pipeline.summarizing is not None
        await bot.pipeline.summarizing
        text = published.read_text(encoding="utf-8")
        assert await bot.pipeline.publish(bot.clock.now()) == []  # nothing changed since
    (digest,) = parse_digest(text).digests
    assert digest.date == dt.date(2026, 8, 19) and len(digest.papers) == 26
    assert all("이 논문은 새로운 방법" in p.sections["What's New"] for p in digest.papers)


async def test_without_a_model_the_new_day_is_published_after_the_poll(tmp_path: Path):
    sources, site = tmp_path / "digests", tmp_path / "site"
    sources.mkdir()
    shutil.copy(API_DAY, sources / API_DAY.name)
    clock = ManualClock(dt.datetime(2026, 8, 19, 23, 0, tzinfo=dt.UTC))
    env = {"PAPERBOY_DIGEST_DIR": str(site)}
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock, env=env) as bot:
        await bot.pipeline.poll_now()
        text = (site / "2026" / "08" / "19.md").read_text(encoding="utf-8")
    (digest,) = parse_digest(text).digests
    assert len(digest.papers) == 26 and all(p.summary.startswith("- ") for p in digest.papers)


async def test_answers_built_from_the_abstract_give_every_card_korean(tmp_path: Path):
    """An endpoint that answers well but never with the title's words, in the shapes small
    models use (parts as lists of sentences, chatter after the JSON); one answer first
    summarises another paper of the day and is asked again."""
    user = FakeBotApi.user(3007, "ko", "서연")
    titles = [" ".join(e["paper"]["title"].split()) for e in json.loads(API_DAY.read_bytes())]
    async with FakeLLM(latency=0.05, from_abstract=True) as llm:
        prompts = {t: f"Title: {t}\nAbstract: {a}" for t, a in _abstracts().items()}
        parts = abstract_summary(prompts[titles[1]]).items()
        listed = {k: [v, "두 번째 문장입니다."] for k, v in parts}
        llm.answer(titles[1], json.dumps(listed, ensure_ascii=False))
        chatty = json.dumps(abstract_summary(prompts[titles[2]]), ensure_ascii=False)
        llm.answer(titles[2], chatty + "\n도움이 되셨길 바랍니다!")
        swapped = json.dumps(abstract_summary(prompts[titles[5]]), ensure_ascii=False)
        llm.answer(titles[3], swapped)  # another paper's summary, then its own
        async with new_day_for(tmp_path, user, llm) as (bot, mark):
            assert bot.pipeline.summarizing is not None
            await bot.pipeline.summarizing
            cards = await bot.api.wait_sent(user["id"], count=26, after=mark)
    assert llm.asked(titles[3]) == 2 and all(llm.asked(t) == 1 for t in titles if t != titles[3])
    (retry,) = [r for r in llm.requests if len(r["messages"]) > 2]
    assert "Summarise this paper only" in retry["messages"][-1]["content"]
    assert len(cards) == 26 and all("🤖 fake-model" in c.text for c in cards)
    for card in cards:
        assert_valid(card)
    (own,) = [c for c in cards if titles[3].split(":")[0] in c.text]
    assert "이 연구는" in own.text and json.loads(swapped)["whats_new"] not in own.text


def _abstracts() -> dict[str, str]:
    return {
        " ".join(e["paper"]["title"].split()): " ".join(e["paper"]["summary"].split())
        for e in json.loads(API_DAY.read_bytes())
    }
