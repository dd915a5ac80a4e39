"""Hostile input through the whole bot (issue 16): refused at the edge with one clear line,
nothing stored from it, no reply over Telegram's limits, the error handler never reached."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.limits import TOPIC_CHARS, TOPICS_PER_CHAT
from bot.core.topics import TopicTooLong, parse_topics
from bot.core.user_text import clean
from bot.render.html import shorten
from bot.render.reply import render_text
from storage import subscriptions as subs
from tests.bot_harness import Harness, bot_running
from tests.conftest import FIXTURES
from tests.fakebot.server import FakeBotApi

USER = FakeBotApi.user(1101, "en", "Mallory")
KO_USER = FakeBotApi.user(1102, "ko", "말로리")
CHAT = FakeBotApi.private_chat(USER)
KO_CHAT = FakeBotApi.private_chat(KO_USER)
APOLOGY = "Sorry, something went wrong"


@pytest.fixture
async def bot(tmp_path: Path):
    async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES)) as harness:
        yield harness
        assert harness.api.errors() == [], [c.error for c in harness.api.errors()]
        assert not any(APOLOGY in s.text for s in harness.api.sent)  # no handler failed


def test_invisible_and_control_characters_are_dropped_and_forms_unified():
    assert clean("dif\u200bfu\u200dsion\u202e \u2066models\u2069") == "diffusion models"
    assert clean("a\x00b\nc\td\u2028e") == "a b c d e"
    assert clean("ＬＬＭ") == "LLM"  # full-width letters, as NFKC folds them
    assert shorten("가" * 10, 5) == "가가가가…" and shorten("ok", 5) == "ok"


def test_a_topic_over_the_limit_is_refused_and_one_at_it_is_not():
    assert parse_topics("a" * TOPIC_CHARS)[0].key == "a" * TOPIC_CHARS
    with pytest.raises(TopicTooLong):
        parse_topics("a" * (TOPIC_CHARS + 1))


def test_a_plain_reply_never_exceeds_telegrams_limit_whatever_it_quotes():
    assert len(render_text("<" * 10_000).text) < 10_000 * 4 + 1  # escaped
    assert render_text("x" * 5000).text.endswith("…") and len(render_text("x" * 5000).text) == 4096


async def test_an_empty_button_gets_the_no_longer_works_line(bot: Harness):
    (topics,) = await bot.say(CHAT, USER, "/topics")
    for data in ("", "tp:", "tp:" + "x" * 61, "s:-1:0", "set:lang:xx", "\x00"):
        bot.api.push_callback(topics, USER, data)
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) == 6)
    assert {a.get("text") for a in bot.api.callback_answers} == {
        "This button no longer works. Send the command again."
    }
    assert await subs.topics(bot.pipeline.db, CHAT["id"]) == []


async def test_an_over_long_subscription_is_refused_and_nothing_is_stored(bot: Harness):
    (reply,) = await bot.say(CHAT, USER, "/subscribe " + "a" * 5000)
    assert reply.text == f"A topic can be at most {TOPIC_CHARS} characters. Nothing was changed."
    (reply,) = await bot.say(KO_CHAT, KO_USER, "/subscribe " + "가" * 5000)
    assert reply.text.startswith(f"주제는 {TOPIC_CHARS}자까지")
    db = bot.pipeline.db
    assert await subs.topics(db, CHAT["id"]) == [] and await subs.topics(db, KO_CHAT["id"]) == []


async def test_more_topics_than_a_chat_may_follow_are_refused_whole(bot: Harness):
    many = ", ".join(f"topic{i}" for i in range(TOPICS_PER_CHAT + 1))
    (reply,) = await bot.say(CHAT, USER, f"/subscribe {many}")
    assert reply.text.startswith(f"A chat can follow at most {TOPICS_PER_CHAT} topics.")
    assert await subs.topics(bot.pipeline.db, CHAT["id"]) == []
    exactly = ", ".join(f"topic{i}" for i in range(TOPICS_PER_CHAT))
    await bot.say(CHAT, USER, f"/subscribe {exactly}")
    assert len(await subs.topics(bot.pipeline.db, CHAT["id"])) == TOPICS_PER_CHAT
    (reply,) = await bot.say(CHAT, USER, "/subscribe one more")
    assert reply.text.startswith("A chat can follow at most")
    (reply,) = await bot.say(CHAT, USER, "/subscribe topic3")  # already followed: fine
    assert reply.text.startswith("Already subscribed to: topic3.")


async def test_invisible_characters_never_reach_a_stored_topic(bot: Harness):
    await bot.say(CHAT, USER, "/subscribe gauss\u200bian \u202esplatting")
    assert await subs.topics(bot.pipeline.db, CHAT["id"]) == ["gaussian splatting"]


@pytest.mark.parametrize(
    "command", ["/search", "/paper", "/unsubscribe", "/top", "/settings time", "/start"]
)
async def test_huge_arguments_get_a_reply_that_fits(bot: Harness, command: str):
    (reply,) = await bot.say(CHAT, USER, f"{command} " + "<&>\u202e" * 1500)
    assert 0 < len(reply.text) <= 4096


async def test_an_over_long_search_is_refused_and_nothing_of_it_is_stored(bot: Harness):
    await bot.say(CHAT, USER, "/help")  # the chat is known
    changes = bot.pipeline.db.total_changes
    for text in ("/search " + "word " * 100, "word " * 100, "/paper " + "x" * 400):
        (reply,) = await bot.say(CHAT, USER, text)
        assert reply.text == "A search can be at most 300 characters. Try its key words."
    assert bot.pipeline.db.total_changes == changes  # no search session: nothing written
    (reply,) = await bot.say(KO_CHAT, KO_USER, "/search " + "단어 " * 200)
    assert reply.text.startswith("검색어는 300자까지")


async def test_settings_read_full_width_digits_and_ignore_invisible_characters(bot: Harness):
    (reply,) = await bot.say(CHAT, USER, "/settings time ０７:３０\u200b")
    assert "07:30" in reply.text
