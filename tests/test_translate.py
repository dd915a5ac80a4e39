"""A Korean search also in English, by the language model: found when it answers in time,
never slower than its wait and never worse when it stalls, fails or lies."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import httpx
import pytest

from bot.core.models import Paper
from bot.core.topics import Topic
from bot.parse.hf_api import parse_hf_api
from bot.pipeline import TRANSLATE_TASK
from bot.source.ingest import IngestReport, store_text
from bot.summarize.client import ChatClient
from bot.summarize.translate import MAX_ENGLISH, QueryTranslator
from bot.understand.search import search
from bot.understand.topics import ASK_AT_ONCE, TopicMatcher, topics_in_english
from storage import archive, chats, subscriptions, topic_translations
from tests.bot_harness import ManualClock
from tests.conftest import ROOT, no_sleep
from tests.fakellm import FakeLLM, Stall, Status

DAY = ROOT / "tests" / "fixtures" / "hf_api" / "2026-06-29.json"
QUERY = "타타르어 독성 표현 순화"  # no word of it is in the English-only papers
ENGLISH_TEXT = "text detoxification in Tatar"
ENGLISH = f'{{"english": "{ENGLISH_TEXT}"}}'
TITLE = "The Tatoxa System for Text Detoxification in Low-Resource Languages"


@pytest.fixture
async def english_day(db):
    await store_text(db, DAY.read_text(encoding="utf-8"), DAY.name, IngestReport())
    assert parse_hf_api(DAY.read_text(encoding="utf-8"), DAY.name).digests
    return db


def translator(http: httpx.AsyncClient, llm: FakeLLM, wait: float = 1.5) -> QueryTranslator:
    client = ChatClient(
        http, llm.url, "fake-model", "k", sleep=no_sleep, timeout=httpx.Timeout(2.0)
    )
    return QueryTranslator(client, wait=wait)


async def titles(db, english: str | None) -> list[str]:
    hits = (await search(db, QUERY, mode="fts", english=english)).hits
    return [h.paper.title for h in hits]


async def test_a_translated_query_finds_the_english_paper_the_korean_one_misses(english_day, llm):
    llm.translations[QUERY].append(ENGLISH)
    async with httpx.AsyncClient() as http:
        english = await translator(http, llm).english(QUERY)
    assert english == "text detoxification in Tatar"
    assert not any(t.startswith(TITLE) for t in await titles(english_day, None))
    assert (await titles(english_day, english))[0].startswith(TITLE)


async def test_the_translation_is_asked_once_and_remembered(llm):
    llm.translations[QUERY].append(ENGLISH)
    async with httpx.AsyncClient() as http:
        words = translator(http, llm)
        first, again = await asyncio.gather(words.english(QUERY), words.english(QUERY))
        spaced = await words.english(f"  {QUERY.replace(' ', '   ')} ")
    assert first == again == spaced == "text detoxification in Tatar"
    assert len(llm.requests) == 1


async def test_english_text_and_overlong_queries_are_not_sent(llm):
    async with httpx.AsyncClient() as http:
        words = translator(http, llm)
        assert await words.english("diffusion models") is None
        assert await words.english("확산 " * 200) is None
    assert llm.requests == []


async def test_a_stalling_model_costs_a_search_its_wait_and_answers_the_next_one(llm):
    llm.translations[QUERY].extend([Stall(0.6), ENGLISH])
    async with httpx.AsyncClient() as http:
        words = translator(http, llm, wait=0.2)
        started = time.perf_counter()
        assert await words.english(QUERY) is None
        assert time.perf_counter() - started < 0.5
        await asyncio.sleep(0.8)  # the call went on in the background
        assert await words.english(QUERY) == "text detoxification in Tatar"
    assert len(llm.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        "not json",
        '{"english": 3}',
        '{"translation": "text detoxification"}',
        '{"english": "타타르어 detoxification"}',  # Korean left: not a translation
        '{"english": "' + "a" * (MAX_ENGLISH + 1) + '"}',
        '["text detoxification"]',
    ],
)
async def test_a_lying_answer_is_no_translation_and_not_asked_again(llm, answer):
    llm.translations[QUERY].append(answer)
    async with httpx.AsyncClient() as http:
        words = translator(http, llm)
        assert await words.english(QUERY) is None
        assert await words.english(QUERY) is None
    assert len(llm.requests) == 1


async def test_a_failing_endpoint_is_left_alone_and_searches_do_not_wait_on_it(llm):
    llm.translations[QUERY].extend([Status(500)] * 4)
    async with httpx.AsyncClient() as http:
        words = translator(http, llm)
        assert await words.english(QUERY) is None
        asked = len(llm.requests)
        started = time.perf_counter()
        assert await words.english("다른 질문") is None  # quiet: not even asked
        assert time.perf_counter() - started < 0.05
    assert asked == 4 and len(llm.requests) == 4


async def test_without_a_translation_the_search_is_the_korean_one(english_day):
    assert await titles(english_day, None) == await titles(english_day, "")


async def test_search_in_korean_reaches_the_english_paper_through_the_bot(tmp_path, llm):
    """End to end: /search in Korean, a language model configured, an English-only day."""
    from tests.bot_harness import bot_running
    from tests.fakebot.server import FakeBotApi

    llm.translations[QUERY].append(ENGLISH)
    sources = tmp_path / "digests"
    sources.mkdir()
    (sources / DAY.name).write_text(DAY.read_text(encoding="utf-8"), encoding="utf-8")
    env = {"PAPERBOY_LLM_URL": llm.url, "PAPERBOY_LLM_MODEL": "fake-model"}
    user = FakeBotApi.user(4301, "ko", "지훈")
    chat = FakeBotApi.private_chat(user)
    async with bot_running(tmp_path / "b.sqlite3", str(sources), env=env) as bot:
        # Inline mode, a query per keystroke: no model call for a query not translated yet.
        bot.api.push_inline_query(user, QUERY[:5])
        await bot.api.wait_for(lambda: len(bot.api.inline_answers) == 1)
        (reply,) = await bot.say(chat, user, f"/search {QUERY}")
        # Once translated, inline uses it at once.
        bot.api.push_inline_query(user, QUERY)
        await bot.api.wait_for(lambda: len(bot.api.inline_answers) == 2)
        inline = bot.api.inline_answers[1]["results"]
    assert "Tatoxa" in reply.text.split("\n\n")[1]  # the first hit, after the heading
    asked = [r["messages"][-1]["content"] for r in llm.requests if "messages" in r]
    assert asked.count(QUERY) == 1 and QUERY[:5] not in asked
    assert "Tatoxa" in inline[0]["title"]


async def test_while_typing_only_a_translation_made_before_is_used(llm):
    llm.translations[QUERY].append(ENGLISH)
    async with httpx.AsyncClient() as http:
        words = translator(http, llm)
        assert words.remembered(QUERY) is None  # never asked: inline does not ask
        assert llm.requests == []
        await words.english(QUERY)
        assert words.remembered(f" {QUERY} ") == "text detoxification in Tatar"
    assert len(llm.requests) == 1


# A subscription in Korean whose words neither the lexicon nor the English papers hold.
TOPIC = Topic(QUERY)


async def day_papers(db) -> list[tuple[int, Paper]]:
    rows = await db.execute_fetchall("SELECT id FROM papers ORDER BY id")
    keyed = await archive.papers_keyed(db, [pid for (pid,) in rows])
    return list(keyed.items())


async def test_a_korean_topic_also_matches_what_its_english_translation_matches(english_day, llm):
    llm.translations[QUERY].append(ENGLISH)
    papers = await day_papers(english_day)
    untranslated = TopicMatcher().match(papers, [TOPIC])[TOPIC]
    narrower = Topic(f"{QUERY} -tatoxa")  # exclusions stay as typed, and apply to the English
    async with httpx.AsyncClient() as http:
        matcher = TopicMatcher(translator=translator(http, llm))
        await matcher.translate([TOPIC, narrower, Topic("llm"), Topic("diffusion models")])
        found = matcher.match(papers, [TOPIC, narrower])
    titles = {p.title for _, p in papers if p.arxiv_id in found[TOPIC]}
    assert untranslated == set() and any(t.startswith(TITLE) for t in titles)
    assert not any(p.title.startswith(TITLE) for _, p in papers if p.arxiv_id in found[narrower])
    # One question for the Korean words; none for a built-in topic or English free text.
    asked = [r["messages"][-1]["content"] for r in llm.requests if "messages" in r]
    assert asked == [QUERY]  # the words of both Korean topics, asked once


async def test_a_model_answering_with_built_in_names_widens_a_topic_to_none_of_them(
    english_day, llm
):
    llm.translations[QUERY].append('{"english": "llm, vision, video"}')
    llm.translations["비디오 주제"].append('{"english": "Video"}')
    papers = await day_papers(english_day)
    video = Topic("비디오 주제")
    async with httpx.AsyncClient() as http:
        matcher = TopicMatcher(translator=translator(http, llm))
        await matcher.translate([TOPIC, video])
        found = matcher.match(papers, [TOPIC, video, Topic("llm"), Topic("video")])
    # "llm vision video" as one topic: papers with all three words, not every llm paper.
    assert found[TOPIC] < found[Topic("llm")]
    assert found[video] == found[Topic("video")]  # exactly a built-in's name: the built-in


async def test_an_answer_that_came_after_the_wait_is_kept_at_the_next_fan_out(english_day, llm):
    llm.translations[QUERY].extend([Stall(0.4), ENGLISH])
    await subscriptions.subscribe(english_day, 1, "private", None, [QUERY], None, "ko")
    async with httpx.AsyncClient() as http:
        words = translator(http, llm, wait=0.1)
        await TopicMatcher(translator=words, db=english_day).translate([TOPIC])
        assert await topic_translations.known(english_day, [QUERY]) == {}  # not in time
        await asyncio.sleep(0.6)  # the answer lands in the translator's memory
        await TopicMatcher(translator=words, db=english_day).translate([TOPIC])
    assert await topic_translations.known(english_day, [QUERY]) == {QUERY: ENGLISH_TEXT}
    assert len(llm.requests) == 1


async def test_a_failing_or_stalling_model_leaves_a_korean_topic_as_it_was(english_day, llm):
    llm.translations[QUERY].extend([Stall(1.0)])
    papers = await day_papers(english_day)
    async with httpx.AsyncClient() as http:
        matcher = TopicMatcher(translator=translator(http, llm, wait=0.2))
        started = time.perf_counter()
        await matcher.translate([TOPIC])
        assert time.perf_counter() - started < 0.5  # a fan-out waits at most the wait
        assert matcher.match(papers, [TOPIC])[TOPIC] == set()


async def test_a_fan_out_asks_about_a_bounded_number_of_new_topics_and_reuses_answers(llm):
    topics = [Topic(f"주제 번호{n}") for n in range(ASK_AT_ONCE + 4)]
    for n, topic in enumerate(topics):
        llm.translations[topic.key].append(f'{{"english": "subject {n}"}}')
    async with httpx.AsyncClient() as http:
        words = translator(http, llm)
        await TopicMatcher(translator=words).translate(topics)
        assert len(llm.requests) == ASK_AT_ONCE  # the rest wait for the next fan-out
        again = TopicMatcher(translator=words)
        await again.translate(topics)
    assert len(llm.requests) == len(topics)  # only the 4 not asked yet
    paper = Paper("2606.00001", "On subject 0", "https://arxiv.org/abs/2606.00001")
    assert again.match([(1, paper)], topics[:2]) == {topics[0]: {"2606.00001"}, topics[1]: set()}


async def test_a_restart_does_not_ask_again_about_a_topic_once_translated(english_day, llm):
    llm.translations[QUERY].append(ENGLISH)
    papers = await day_papers(english_day)
    for chat in (1, 2):
        await subscriptions.subscribe(english_day, chat, "private", None, [QUERY], None, "ko")
    async with httpx.AsyncClient() as http:
        before = TopicMatcher(translator=translator(http, llm), db=english_day)
        await before.translate([TOPIC])
        # A restart: a new translator remembers nothing; the database does.
        after = TopicMatcher(translator=translator(http, llm), db=english_day)
        await after.translate([TOPIC])
        found = after.match(papers, [TOPIC])[TOPIC]
    assert len(llm.requests) == 1
    assert any(p.title.startswith(TITLE) for _, p in papers if p.arxiv_id in found)
    assert await topic_translations.known(english_day, [QUERY, "다른 주제"]) == {
        QUERY: "text detoxification in Tatar"
    }
    # What a reader typed goes when no chat subscribes to it any more.
    await subscriptions.unsubscribe(english_day, 1, QUERY)
    assert await topic_translations.known(english_day, [QUERY]) != {}  # chat 2 still does
    await chats.forget(english_day, 2)
    assert await topic_translations.known(english_day, [QUERY]) == {}


async def test_topics_show_the_lexicon_s_english_until_a_model_s_is_kept(db):
    keys = ["로봇 조작", "llm", "diffusion", QUERY]
    assert await topics_in_english(db, keys) == {"로봇 조작": "robotic manipulation"}
    await subscriptions.subscribe(db, 1, "private", None, [QUERY, "로봇 조작"], None, "ko")
    kept = {QUERY: "text detoxification in Tatar", "로봇 조작": "robot manipulation"}
    await topic_translations.remember(db, kept, dt.datetime(2026, 6, 29, tzinfo=dt.UTC))
    assert await topics_in_english(db, keys) == kept


async def test_a_korean_subscription_brings_the_english_paper_through_the_bot(tmp_path, llm):
    """End to end: /subscribe in Korean, a language model configured, then an English-only
    day arrives: its card comes, asked for once when the topic was subscribed."""
    from tests.bot_harness import bot_running
    from tests.fakebot.server import FakeBotApi

    llm.translations[QUERY].append(ENGLISH)
    sources = tmp_path / "digests"
    sources.mkdir()
    env = {"PAPERBOY_LLM_URL": llm.url, "PAPERBOY_LLM_MODEL": "fake-model"}
    user = FakeBotApi.user(4302, "ko", "지훈")
    chat = FakeBotApi.private_chat(user)
    clock = ManualClock(dt.datetime(2026, 6, 29, 23, 0, tzinfo=dt.UTC))
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock, env=env) as bot:
        await bot.say(chat, user, f"/subscribe {QUERY}")
        await bot.pipeline.tasks.get(TRANSLATE_TASK)  # asked at once, before any paper came
        assert [r["messages"][-1]["content"] for r in llm.requests] == [QUERY]
        (listing,) = await bot.say(chat, user, "/topics")  # how the topic was understood
        assert f"{QUERY} → text detoxification in Tatar" in listing.text
        mark = bot.api.mark()
        (sources / DAY.name).write_text(DAY.read_text(encoding="utf-8"), encoding="utf-8")
        await bot.pipeline.poll_now()
        await bot.deliver()
        await bot.api.wait_sent(user["id"], count=1, after=mark)
        cards = [s.text for s in bot.api.sent[mark:] if s.chat_id == user["id"]]
    assert any("Tatoxa" in card for card in cards)
    asked = [r["messages"][-1]["content"] for r in llm.requests if "messages" in r]
    assert asked.count(QUERY) == 1


async def test_topics_subscribed_while_a_translation_runs_join_it(tmp_path, llm):
    from tests.bot_harness import bot_running
    from tests.fakebot.server import FakeBotApi

    llm.translations[QUERY].extend([Stall(0.3), ENGLISH])
    llm.translations["로봇 주제"].append('{"english": "robot subject"}')
    env = {"PAPERBOY_LLM_URL": llm.url, "PAPERBOY_LLM_MODEL": "fake-model"}
    first, second = FakeBotApi.user(4303, "ko", "지훈"), FakeBotApi.user(4304, "ko", "수진")
    async with bot_running(tmp_path / "b.sqlite3", str(tmp_path), env=env) as bot:
        await bot.say(FakeBotApi.private_chat(first), first, f"/subscribe {QUERY}")
        await bot.say(FakeBotApi.private_chat(second), second, "/subscribe 로봇 주제")
        while bot.pipeline.tasks.running(TRANSLATE_TASK):
            await bot.pipeline.tasks.get(TRANSLATE_TASK)
        kept = await topic_translations.known(bot.pipeline.db, [QUERY, "로봇 주제"])
    assert kept == {QUERY: ENGLISH_TEXT, "로봇 주제": "robot subject"}
