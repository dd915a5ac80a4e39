"""Following people and labs (issue 28): names match however they are spelled, a followed
author's new paper comes whatever the chat's topics and says why, once; /following and
/unfollow; only administrators change a group's follows."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from bot.core.people import author_matches, name_key, parse_follow
from tests.bot_harness import ManualClock, bot_running
from tests.conftest import ROOT
from tests.fakebot.server import FakeBotApi
from tests.test_bot_e2e import assert_valid

API = ROOT / "tests" / "fixtures" / "hf_api"


def test_names_fold_case_accents_and_punctuation():
    assert name_key("José Álvarez-Núñez") == "jose alvarez nunez"
    assert name_key("  KAIMING   he ") == "kaiming he"
    assert name_key("K. He") == "k he"
    assert name_key("김철수") == "김철수"
    assert parse_follow("org: Google ").kind == "org"
    assert parse_follow("org:google").key == "google"
    assert parse_follow("   ") is None


@pytest.mark.parametrize(
    ("followed", "author", "same"),
    [
        ("kaiming he", "kaiming he", True),
        ("k he", "kaiming he", True),
        ("k m he", "kaiming ming he", True),
        ("k he", "kai he", True),
        ("k he", "xiaolong he", False),
        ("kaiming he", "kaiming hei", False),
        ("he", "kaiming he", False),  # a last name alone is not a person
    ],
)
def test_initials_match_full_names_with_the_same_last_name(followed, author, same):
    assert author_matches(followed, author) is same


@pytest.fixture
def day():
    """An archive of one API day; the next day is delivered as new."""
    return API / "2026-08-13.json", API / "2026-08-19.json"


def one_day(tmp_path, first):
    """A sources folder holding ``first``."""
    sources = tmp_path / "digests"
    sources.mkdir()
    shutil.copy(first, sources / first.name)
    return sources


async def test_follow_a_person_and_get_their_paper_beyond_topics(tmp_path, day):
    first, second = day
    reader = FakeBotApi.user(4601, "en", "Ada")
    chat = FakeBotApi.private_chat(reader)
    only = FakeBotApi.user(4602, "ko", "서연")
    only_chat = FakeBotApi.private_chat(only)
    sources = one_day(tmp_path, first)
    clock = ManualClock(dt.datetime(2026, 8, 19, 23, 0, tzinfo=dt.UTC))
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock) as bot:
        (known,) = await bot.say(chat, reader, "/follow cheng qian")  # as typed, folded
        (initials,) = await bot.say(chat, reader, "/follow Z. Qian")  # unique: Zhuoyang
        (unknown,) = await bot.say(chat, reader, "/follow Hongyan Feng")  # only tomorrow
        (lab,) = await bot.say(chat, reader, "/follow org:UCBerkeley")
        (again,) = await bot.say(chat, reader, "/follow Cheng Qian")
        await bot.say(chat, reader, "/subscribe audio")  # a topic those papers miss
        await bot.say(only_chat, only, "/follow Hongyan Feng")  # follows only, no topic
        (listing,) = await bot.say(chat, reader, "/following")
        mark = bot.api.mark()
        shutil.copy(second, sources / second.name)
        await bot.pipeline.poll_now()
        await bot.deliver()
        mine = [s for s in bot.api.sent[mark:] if s.chat_id == reader["id"]]
        theirs = [s for s in bot.api.sent[mark:] if s.chat_id == only["id"]]
    assert known.text.startswith("Following 👤 Cheng Qian.")  # as the archive spells it
    assert "Latest in the archive: AI4AI at Test-Time" in known.text
    assert initials.text.startswith("Following 👤 Zhuoyang Qian.")
    assert unknown.text.startswith("No paper in the archive names 👤 Hongyan Feng yet.")
    assert lab.text.startswith("Following 🏢 UCBerkeley") or lab.text.startswith(
        "No paper in the archive names 🏢"
    )
    assert again.text == "This chat already follows 👤 Cheng Qian."
    assert_valid(listing)
    assert "• 👤 Cheng Qian" in listing.text and len(listing.callback_data()) == 4

    feng = [c for c in mine if "Embodied-Navigator" in c.text]
    assert len(feng) == 1  # once
    assert_valid(feng[0])
    assert feng[0].text.splitlines()[0] == "👤 Hongyan Feng"
    berkeley = [c for c in mine if "FreeToken" in c.text]
    assert berkeley and berkeley[0].text.splitlines()[0].startswith("🏢 ")
    assert all(
        c.text.splitlines()[0].startswith(("👤", "🏢"))
        or "audio" in c.text.lower()
        or "speech" in c.text.lower()
        or "sound" in c.text.lower()
        for c in mine
    )
    (card,) = theirs
    assert card.text.splitlines()[0] == "👤 Hongyan Feng"


async def test_ambiguous_initials_list_the_candidates(tmp_path, day):
    first, _ = day
    reader = FakeBotApi.user(4603, "en", "Ada")
    chat = FakeBotApi.private_chat(reader)
    sources = one_day(tmp_path, first)
    async with bot_running(tmp_path / "b.sqlite3", str(sources)) as bot:
        (reply,) = await bot.say(chat, reader, "/follow Y. Wang")  # Yixu, Yiran, …
        (listing,) = await bot.say(chat, reader, "/following")
    lines = reply.text.splitlines()
    assert lines[0] == "“Y. Wang” could be several people. Send the one you mean:"
    assert len(lines) >= 3 and all(line.startswith("/follow Y") for line in lines[1:])
    assert listing.text.startswith("This chat follows nobody yet.")


async def test_following_buttons_and_unfollow(tmp_path, day):
    first, _ = day
    reader = FakeBotApi.user(4604, "ko", "지훈")
    chat = FakeBotApi.private_chat(reader)
    sources = one_day(tmp_path, first)
    async with bot_running(tmp_path / "b.sqlite3", str(sources)) as bot:
        await bot.say(chat, reader, "/follow Cheng Qian")
        await bot.say(chat, reader, "/follow Biao Wu")
        (listing,) = await bot.say(chat, reader, "/following")
        assert listing.text.startswith("👤 이 채팅이 팔로우하는 사람과 연구실")
        (button,) = [b for b in listing.buttons() if b["text"] == "✕ Cheng Qian"]
        answers = len(bot.api.callback_answers)
        bot.api.push_callback(listing, reader, button["callback_data"])
        await bot.api.wait_for(lambda: len(bot.api.callback_answers) > answers)
        answer = bot.api.callback_answers[answers]
        await bot.api.wait_for(
            lambda: any(c.method == "editMessageText" and c.ok for c in bot.api.calls)
        )
        edited = [c for c in bot.api.calls if c.method == "editMessageText"][-1]
        (gone,) = await bot.say(chat, reader, "/unfollow biao wu")
        (missing,) = await bot.say(chat, reader, "/unfollow Nobody Here")
        (empty,) = await bot.say(chat, reader, "/following")
    assert answer["text"] == "👤 Cheng Qian 팔로우를 그만했어요."
    assert "Cheng Qian" not in edited.params["text"] and "Biao Wu" in edited.params["text"]
    assert gone.text == "👤 Biao Wu 팔로우를 그만했어요."
    assert missing.text.startswith("이 채팅은 “Nobody Here”를 팔로우하고 있지 않아요.")
    assert empty.text.startswith("아직 팔로우하는 사람이 없어요.")


async def test_only_administrators_change_a_group_s_follows(tmp_path, day):
    first, _ = day
    admin = FakeBotApi.user(4605, "en", "Admin")
    member = FakeBotApi.user(4606, "en", "Member")
    group = FakeBotApi.group_chat(-100555, "Lab")
    sources = one_day(tmp_path, first)
    async with bot_running(
        tmp_path / "b.sqlite3", str(sources), admins={-100555: {admin["id"]}}
    ) as bot:
        (refused,) = await bot.say(group, member, "/follow Cheng Qian")
        (done,) = await bot.say(group, admin, "/follow Cheng Qian")
    assert refused.text == "Only the group's admins can change subscriptions and settings here."
    assert done.text.startswith("Following 👤 Cheng Qian.")


async def test_the_card_s_person_button_follows_an_author_or_the_lab(tmp_path, day):
    first, _ = day
    reader = FakeBotApi.user(4607, "en", "Ada")
    chat = FakeBotApi.private_chat(reader)
    sources = one_day(tmp_path, first)
    async with bot_running(tmp_path / "b.sqlite3", str(sources)) as bot:
        (card,) = await bot.say(chat, reader, "/paper 2608.12307")  # UIUC-CS
        assert "fp:2608.12307" in card.callback_data()
        (picker,) = await bot.tap(card, reader, "fp:2608.12307")
        assert_valid(picker)
        labels = [b["text"] for b in picker.buttons()]
        assert labels[0] == "👤 Cheng Qian" and labels[-1].startswith("🏢 University of Illinois")
        for data in ("fa:2608.12307:1", "fa:2608.12307:o"):
            answers = len(bot.api.callback_answers)
            bot.api.push_callback(picker, reader, data)
            await bot.api.wait_for(lambda a=answers: len(bot.api.callback_answers) > a)
        said = [a["text"] for a in bot.api.callback_answers[-2:]]
        (listing,) = await bot.say(chat, reader, "/following")
    assert said[0].startswith("Following 👤 Wenting Zhao.")
    assert said[1].startswith("Following 🏢 University of Illinois at Urbana-Champaign.")
    assert "• 👤 Wenting Zhao" in listing.text
    assert "• 🏢 University of Illinois at Urbana-Champaign" in listing.text
