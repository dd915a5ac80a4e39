"""The weekly recap (issue 28): /settings weekly DAY HH:MM in the chat's time zone; once a
week one message with the week's most voted, the papers by followed names and the counts,
a button per paper; planned into its own outbox rows, so a restart neither loses it nor
sends it twice."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.chat_settings import SettingError, parse_setting
from bot.core.schedule import next_weekly
from bot.pipeline import RECAP_TASK
from tests.bot_harness import ManualClock, bot_running
from tests.conftest import ROOT
from tests.fakebot.server import FakeBotApi
from tests.test_bot_e2e import assert_valid

API = ROOT / "tests" / "fixtures" / "hf_api"
SEOUL = ZoneInfo("Asia/Seoul")
# Wednesday 23:00 UTC: Thursday 08:00 in Seoul, an hour before the recap.
BEFORE = dt.datetime(2026, 8, 19, 23, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("words", "stored"),
    [
        (["weekly", "sun", "09:00"], "sun 09:00"),
        (["weekly", "Sunday", "9:30"], "sun 09:30"),
        (["주간요약", "일", "9:00"], "sun 09:00"),
        (["weekly", "off"], None),
    ],
)
def test_the_weekly_setting_reads_a_day_and_a_time(words, stored):
    assert parse_setting(words).value == stored


@pytest.mark.parametrize("words", [["weekly", "funday", "9:00"], ["weekly", "sun"], ["weekly"]])
def test_a_bad_weekly_setting_is_refused(words):
    with pytest.raises(SettingError):
        parse_setting(words)


def test_the_next_recap_is_the_next_such_day_and_hour_in_the_zone():
    assert next_weekly(BEFORE, "thu 09:00", SEOUL) == dt.datetime(2026, 8, 20, 0, 0, tzinfo=dt.UTC)
    assert next_weekly(BEFORE, "sun 09:00", SEOUL) == dt.datetime(2026, 8, 23, 0, 0, tzinfo=dt.UTC)
    # Past the hour on the day itself: a week later.
    assert next_weekly(BEFORE, "thu 07:00", SEOUL) == dt.datetime(2026, 8, 26, 22, 0, tzinfo=dt.UTC)


def recaps_in(bot, chat_id: int, mark: int) -> list:
    return [s for s in bot.api.sent[mark:] if s.chat_id == chat_id and s.text.startswith("🗓")]


async def test_a_chat_gets_its_recap_once_at_its_hour_even_across_a_restart(tmp_path):
    user = FakeBotApi.user(4701, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    db_path = tmp_path / "b.sqlite3"
    clock = ManualClock(BEFORE)
    async with bot_running(db_path, str(API), clock=clock) as bot:
        (saved,) = await bot.say(chat, user, "/settings weekly thu 09:00")
        await bot.say(chat, user, "/follow Hongyan Feng")
        mark = bot.api.mark()
        assert await bot.pipeline.send_recaps(bot.app.bot) == 0  # planned, not due
        assert recaps_in(bot, user["id"], mark) == []
    assert saved.text == "✓ Saved: Weekly recap: Thu 09:00"

    # The bot stops before the hour and starts again after it: the planned row is there,
    # and the recap goes at the start, not a minute later.
    clock = ManualClock(BEFORE + dt.timedelta(hours=2))
    async with bot_running(db_path, str(API), clock=clock) as bot:
        await bot.pipeline.tasks.get(RECAP_TASK)
        assert await bot.pipeline.send_recaps(bot.app.bot) == 0  # never twice
        (recap,) = recaps_in(bot, user["id"], 0)
        assert_valid(recap)
        opened = await bot.tap(recap, user, recap.callback_data()[0])
    lines = recap.text.splitlines()
    assert lines[0] == "🗓 Your week in papers · 2026-08-14 – 2026-08-20"
    assert "🏆 Most voted" in lines and "👤 By people and labs you follow" in lines
    followed = lines[lines.index("👤 By people and labs you follow") + 1]
    assert "Embodied-Navigator" in followed
    assert lines[-1] == "26 papers in 1 digests this week."
    top = lines[lines.index("🏆 Most voted") + 1 : lines.index("🏆 Most voted") + 11]
    assert [line.split(".")[0] for line in top] == [str(n) for n in range(1, 11)]
    assert len(recap.callback_data()) >= 10 and opened[0].callback_data()


async def test_turning_it_off_cancels_the_planned_recap(tmp_path):
    user = FakeBotApi.user(4702, "ko", "서연")
    chat = FakeBotApi.private_chat(user)
    clock = ManualClock(BEFORE)
    async with bot_running(tmp_path / "b.sqlite3", str(API), clock=clock) as bot:
        await bot.say(chat, user, "/settings weekly 목 9:00")
        await bot.pipeline.send_recaps(bot.app.bot)
        (off,) = await bot.say(chat, user, "/settings weekly off")
        clock.advance(hours=2)
        mark = bot.api.mark()
        assert await bot.pipeline.send_recaps(bot.app.bot) == 0
        assert recaps_in(bot, user["id"], mark) == []
    assert off.text == "✓ 저장했어요: 주간 요약: 꺼짐"
