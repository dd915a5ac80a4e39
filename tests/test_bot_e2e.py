"""End to end: the real Application, real updates through getUpdates, the strict fake server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage import archive, bookmarks, subscriptions
from tests.bot_harness import Harness, bot_running
from tests.conftest import FIXTURES
from tests.fakebot.server import BOT_USERNAME, FakeBotApi
from tests.fakebot.telegram_html import parse_html

EN_USER = FakeBotApi.user(1001, "en", "Ada")
KO_USER = FakeBotApi.user(1002, "ko", "지수")
EN_CHAT = FakeBotApi.private_chat(EN_USER)
KO_CHAT = FakeBotApi.private_chat(KO_USER)
GROUP = FakeBotApi.group_chat(-100500, "Reading group")


@pytest.fixture
async def bot(tmp_path: Path):
    async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES)) as harness:
        yield harness
        assert harness.api.errors() == [], [c.error for c in harness.api.errors()]


async def test_start_greets_in_english(bot: Harness):
    reply, _ = await bot.say(EN_CHAT, EN_USER, "/start", count=2)
    assert reply.text.startswith("Hi Ada! I'm Paperboy.")
    assert "/top 5 week" in reply.text


async def test_start_offers_five_papers_of_the_month_on_different_topics_to_rate(bot: Harness):
    _, offer = await bot.say(EN_CHAT, EN_USER, "/start", count=2)
    assert_valid(offer)
    assert offer.text.startswith("🎯 Teach me your taste")
    topics = [line.removeprefix("🏷 ") for line in offer.text.splitlines() if line.startswith("🏷")]
    assert len(topics) == 5 and len(set(topics)) == 5
    assert [row[:2] for row in bot.keyboard(offer)] == [[f"{i} 👍", f"{i} 👎"] for i in range(1, 6)]
    answer = await bot.press(offer, EN_USER, "👍", row=0)
    assert answer["text"].startswith("👍")
    assert bot.keyboard(offer)[0] == ["✓ 1 👍", "1 👎"]
    rated = await bot.ratings(EN_CHAT)
    assert list(rated.values()) == [1] and len(rated) == 1
    (paper,) = rated
    assert (await archive.get_paper(bot.pipeline.db, paper)).title in offer.text.split("🏷")[0]
    (again,) = await bot.say(EN_CHAT, EN_USER, "/start")  # rated once: no second offer
    assert again.text.startswith("Hi Ada!")


def assert_valid(sent) -> None:
    """What the fake accepted is valid Telegram HTML; check the visible text too."""
    parsed = parse_html(sent.html)
    assert parsed.text == sent.text
    assert "Traceback" not in sent.text


async def test_commands_are_registered_per_scope_and_language(bot: Harness):
    commands = bot.api.commands
    assert set(commands) == {
        (scope, lang)
        for scope in ("default", "all_private_chats", "all_group_chats")
        for lang in ("", "ko")
    }
    private_en = {c["command"]: c["description"] for c in commands[("all_private_chats", "")]}
    private_ko = {c["command"]: c["description"] for c in commands[("all_private_chats", "ko")]}
    assert set(private_en) == {
        "start",
        "top",
        "search",
        "paper",
        "ask",
        "digest",
        "foryou",
        "subscribe",
        "unsubscribe",
        "topics",
        "follow",
        "following",
        "unfollow",
        "settings",
        "saved",
        "stop",
        "forget",
        "help",
    }
    assert private_en["search"] == "Search titles, authors and summaries"
    assert private_ko["search"] == "제목·저자·요약에서 논문 검색"
    assert "start" not in {c["command"] for c in commands[("all_group_chats", "")]}


async def test_start_in_korean_registers_the_chat(bot: Harness):
    reply, _ = await bot.say(KO_CHAT, KO_USER, "/start", count=2)
    assert reply.text.startswith("지수님, 반가워요! 페이퍼보이입니다.")
    assert "/help" in reply.text
    db = bot.pipeline.db
    async with db.execute(
        "SELECT type, active FROM chats WHERE chat_id = ?", (KO_CHAT["id"],)
    ) as c:
        assert tuple(await c.fetchone()) == ("private", 1)


async def test_start_deep_link_opens_the_paper(bot: Harness):
    for payload in ("paper_2410_09342", "paper_2410.09342"):
        (card,) = await bot.say(EN_CHAT, EN_USER, f"/start {payload}")
        assert card.text.startswith("LLM$\\times$MapReduce")
        assert card.link_preview_options["show_above_text"] is True


async def test_help_lists_every_command_with_an_example(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/help")
    for command in ("/top", "/search", "/paper", "/digest", "/saved", "/settings", "/help"):
        assert command in reply.text
    assert "/top 5 week" in reply.text and "/paper 2406.11230" in reply.text
    assert f"@{BOT_USERNAME}" in reply.text
    assert_valid(reply)


async def test_top_defaults_to_the_latest_digest_and_buttons_open_cards(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top")
    assert reply.text.splitlines()[0] == "🏆 Top 9 · 2024-10-18"
    lines = [line for line in reply.text.splitlines()[2:] if line]
    assert len(lines) == 9 and lines[0].startswith("1. ")
    votes = [int(re.search(r"▲ (\d+)", line).group(1)) for line in lines]
    assert votes == sorted(votes, reverse=True)
    assert '<a href="https://arxiv.org/abs/' in reply.html
    first = reply.callback_data()[0]
    (card,) = await bot.tap(reply, EN_USER, first)
    assert card.method == "sendMessage"
    assert card.link_preview_options["url"].startswith("https://cdn-thumbnails.huggingface.co/")
    assert bot.api.callback_answers  # the tap was answered


async def test_top_with_count_and_periods(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top 3 all")
    assert reply.text.splitlines()[0] == "🏆 Top 3 · all time"
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top week 5")
    assert reply.text.splitlines()[0] == "🏆 Top 5 · 2024-10-12 – 2024-10-18"
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top 2024-08-07")
    assert reply.text.splitlines()[0].endswith("· 2024-08-07")
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top 2024-01-01")
    assert reply.text == "No papers listed for 2024-01-01."
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top yesterday")
    assert reply.text.startswith("Usage: /top")
    (reply,) = await bot.say(KO_CHAT, KO_USER, "/top 2 month")
    assert reply.text.splitlines()[0] == "🏆 인기 논문 2편 · 2024-09-19 ~ 2024-10-18"


async def test_search_pages_by_editing_the_same_message(bot: Harness):
    (page1,) = await bot.say(EN_CHAT, EN_USER, "/search 모델")
    assert "page 1 of" in page1.text
    assert "<b>모델</b>" in page1.html
    assert len(page1.callback_data()) == 7  # five results, page counter, next
    next_data = page1.callback_data()[-1]
    (page2,) = await bot.tap(page1, EN_USER, next_data)
    assert page2.method == "editMessageText" and page2.message_id == page1.message_id
    assert "page 2 of" in page2.text
    assert page2.text.split("\n\n")[1].startswith("6. ")
    prev_data = page2.callback_data()[5]
    (back,) = await bot.tap(page2, EN_USER, prev_data)
    assert back.text == page1.text


async def test_search_without_results_and_without_query(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/search zzzqqq")
    assert reply.text == "No papers match “zzzqqq”. Try fewer or shorter words."
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/search")
    assert reply.text.startswith("What should I look for?")
    (reply,) = await bot.say(KO_CHAT, KO_USER, "/search")
    assert reply.text.startswith("무엇을 찾아 드릴까요?")


async def test_paper_by_id_url_words_and_unknown(bot: Harness):
    for ref in (
        "2410.09342",
        "https://arxiv.org/abs/2410.09342v2",
        "https://huggingface.co/papers/2410.09342",
    ):
        (card,) = await bot.say(EN_CHAT, EN_USER, f"/paper {ref}")
        assert card.text.startswith("LLM$\\times$MapReduce"), ref
        assert [b["text"] for b in card.buttons()] == [
            "arXiv", "PDF", "🤗 Hugging Face", "📚 BibTeX", "👍", "👎", "☆ Save", "👤"
        ]  # fmt: skip
        assert_valid(card)
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/paper 2401.99999")
    assert reply.text == "I don't have 2401.99999 in the archive yet."
    (card,) = await bot.say(EN_CHAT, EN_USER, "/paper MapReduce long sequence")
    assert "MapReduce" in card.text.splitlines()[0]
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/paper")
    assert reply.text.startswith("Send an arXiv id or link")


async def test_the_bibtex_button_answers_an_entry_a_parser_reads(bot: Harness):
    from pybtex.database import parse_string

    (card,) = await bot.say(KO_CHAT, KO_USER, "/paper 2410.09342")
    (data,) = [d for d in card.callback_data() if d.startswith("bib:")]
    (reply,) = await bot.tap(card, KO_USER, data)
    assert_valid(reply)
    assert reply.text.startswith("2410.09342의 BibTeX")
    assert '<pre><code class="language-bibtex">@misc{' in reply.html
    entry = reply.text.split("\n", 1)[1]
    parsed = parse_string(entry, "bibtex")
    (fields,) = [e.fields for e in parsed.entries.values()]
    assert fields["eprint"] == "2410.09342" and fields["archivePrefix"] == "arXiv"
    assert "MapReduce" in fields["title"]


async def test_card_layout_in_both_languages(bot: Harness):
    (card,) = await bot.say(KO_CHAT, KO_USER, "/paper 2410.09342")
    assert "💡 새로운 점" in card.text and "📊 성능" in card.text
    assert "<blockquote expandable><b>⚙️ 기술적 세부사항</b>" in card.html
    assert "외 11명" in card.text
    (card,) = await bot.say(EN_CHAT, EN_USER, "/paper 2410.09342")
    assert "💡 What's New" in card.text and "et al. (11)" in card.text
    (plain,) = await bot.say(EN_CHAT, EN_USER, "/paper 2311.10122")  # plain-bullet era
    assert "📝 Summary" in plain.text and "\n• " in plain.text


async def test_digest_latest_and_by_date(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/digest")
    assert reply.text.splitlines()[0] == "📰 Daily Papers · 2024-10-18"
    assert len(reply.callback_data()) == 9
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/digest 2024-10-16")
    assert len(reply.callback_data()) == 18
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/digest 2020-01-01")
    assert reply.text == "There is no digest for 2020-01-01."
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/digest soon")
    assert reply.text.startswith("Usage: /digest")


async def test_inline_mode_shares_full_cards(bot: Harness):
    bot.api.push_inline_query(EN_USER, "")
    answer = await bot.api.wait_for(lambda: bot.api.inline_answers[-1:] or None)
    latest = answer[-1]["results"]
    assert [r["id"] for r in latest][:1] and len(latest) == 9
    bot.api.push_inline_query(KO_USER, "확산")
    await bot.api.wait_for(lambda: len(bot.api.inline_answers) == 2)
    results = bot.api.inline_answers[-1]["results"]
    assert 1 <= len(results) <= 20
    for result in results:
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert parse_html(content["message_text"]).text
        assert content["link_preview_options"]["show_above_text"] is True
        assert all(
            "callback_data" not in b
            for row in result["reply_markup"]["inline_keyboard"]
            for b in row
        )


async def test_private_text_is_a_search_or_a_card(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "gaussian splatting")
    assert reply.text.startswith("🔎 Results for “gaussian splatting”")
    (card,) = await bot.say(EN_CHAT, EN_USER, "https://arxiv.org/abs/2410.09342")
    assert card.text.startswith("LLM$\\times$MapReduce")


async def test_groups_take_commands_with_and_without_the_bot_name(bot: Harness):
    (reply,) = await bot.say(GROUP, EN_USER, f"/top@{BOT_USERNAME} 2")
    assert reply.text.startswith("🏆 Top 2")
    (reply,) = await bot.say(GROUP, EN_USER, "/top 2")
    assert reply.text.startswith("🏆 Top 2")
    # Chatter, other bots' commands and unaddressed unknown commands get no answer: the next
    # reply in the group is the one to /help (updates are handled in order).
    mark = bot.api.mark()
    for text in ("what do you think of this paper?", "/top@other_bot", "/weather"):
        bot.api.push_message(GROUP, EN_USER, text)
    (reply,) = await bot.say(GROUP, EN_USER, "/help")
    assert reply.text.startswith("What I can do")
    assert [s.chat_id for s in bot.api.sent[mark:]] == [GROUP["id"]]
    (reply,) = await bot.say(GROUP, EN_USER, f"/weather@{BOT_USERNAME}")
    assert reply.text.startswith("I don't know that command.")


async def test_unknown_command_in_private_gets_a_hint(bot: Harness):
    (reply,) = await bot.say(KO_CHAT, KO_USER, "/frobnicate")
    assert reply.text == "모르는 명령어예요. /help 에서 쓸 수 있는 명령어를 확인해 보세요."


async def _save(bot: Harness, user: dict, chat: dict, arxiv_id: str) -> None:
    (card,) = await bot.say(chat, user, f"/paper {arxiv_id}")
    answers = len(bot.api.callback_answers)
    bot.api.push_callback(card, user, f"bm:{arxiv_id}")
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) > answers)


async def test_saved_papers_export_as_a_bib_document(bot: Harness, monkeypatch):
    from pybtex.database import parse_string

    import handlers.papers

    for arxiv_id in ("2410.09342", "2409.12917"):
        await _save(bot, EN_USER, EN_CHAT, arxiv_id)
    (listing,) = await bot.say(EN_CHAT, EN_USER, "/saved")
    assert "bibx" in listing.callback_data()
    assert listing.buttons()[-1]["text"] == "📚 Export .bib"
    (document,) = await bot.tap(listing, EN_USER, "bibx")
    assert document.method == "sendDocument"
    upload = document.params["document"]
    assert upload["filename"] == "paperboy-saved.bib"
    assert document.text == "2 saved papers as BibTeX: import it into Zotero or your .bib."
    parsed = parse_string(upload["content"].decode(), "bibtex")
    assert {e.fields["eprint"] for e in parsed.entries.values()} == {"2410.09342", "2409.12917"}

    # Over the upload limit, it splits between entries, keys unique across the files.
    monkeypatch.setattr(handlers.papers, "DOCUMENT_BYTES", 600)
    documents = await bot.tap(listing, EN_USER, "bibx", count=2)
    names = [d.params["document"]["filename"] for d in documents]
    assert names == ["paperboy-saved-1.bib", "paperboy-saved-2.bib"]
    keys = [
        k
        for d in documents
        for k in parse_string(d.params["document"]["content"].decode(), "bibtex").entries
    ]
    assert len(keys) == len(set(keys)) == 2


async def test_save_toggle_and_saved_list(bot: Harness):
    (card,) = await bot.say(EN_CHAT, EN_USER, "/paper 2410.09342")
    save = "bm:2410.09342"
    assert save in card.callback_data()
    bot.api.push_callback(card, EN_USER, save)
    await bot.api.wait_for(
        lambda: any(a.get("text") == "Saved ★" for a in bot.api.callback_answers)
    )
    await bot.api.wait_for(
        lambda: any(c.method == "editMessageReplyMarkup" and c.ok for c in bot.api.calls)
    )
    edited = [c for c in bot.api.calls if c.method == "editMessageReplyMarkup"][-1]
    assert [b["text"] for b in edited.params["reply_markup"]["inline_keyboard"][1]] == [
        "👍", "👎", "★ Saved", "👤"
    ]  # fmt: skip
    (listing,) = await bot.say(EN_CHAT, EN_USER, "/saved")
    assert "LLM$\\times$MapReduce" in listing.text
    bot.api.push_callback(card, EN_USER, save)
    await bot.api.wait_for(
        lambda: any(a.get("text") == "Removed from saved" for a in bot.api.callback_answers)
    )
    (listing,) = await bot.say(EN_CHAT, EN_USER, "/saved")
    assert listing.text.startswith("Nothing saved yet.")


async def test_ratings_count_each_member_once_per_chat(bot: Harness):
    """👍/👎 belong to the chat: in a group every member counts once, a second tap takes a
    rating back, and the buttons show the chat's counts; another chat starts from zero."""
    (card,) = await bot.say(GROUP, EN_USER, "/paper 2410.09342")

    async def tap(user: dict, label: str) -> list[str]:
        await bot.press(card, user, label)
        return bot.keyboard(card)[1][:2]

    assert await tap(EN_USER, "👍") == ["👍 1", "👎"]
    assert bot.api.callback_answers[-1]["text"].startswith("👍")
    assert await tap(KO_USER, "👍") == ["👍 2", "👎"]
    assert await tap(EN_USER, "👍") == ["👍 1", "👎"]  # taken back
    assert bot.api.callback_answers[-1]["text"] == "Rating taken back"
    assert await tap(EN_USER, "👎") == ["👍 1", "👎 1"]
    assert await tap(EN_USER, "👍") == ["👍 2", "👎"]  # changed its mind: one vote each
    assert (await bot.tally(GROUP, "2410.09342", EN_USER)).mine == 1
    assert (await bot.tally(GROUP, "2410.09342", KO_USER)).mine == 1
    assert await bot.ratings(GROUP) == {"2410.09342": 1}  # the chat likes it

    (mine,) = await bot.say(EN_CHAT, EN_USER, "/paper 2410.09342")
    assert [b["text"] for b in mine.buttons()][4:6] == ["👍", "👎"]
    bot.api.push_callback(mine, EN_USER, "r+:9999.99999")  # not in the archive
    await bot.api.wait_for(
        lambda: bot.api.callback_answers[-1].get("text", "").startswith("This button")
    )


async def test_forget_after_stop_deletes_ratings_saves_and_settings(bot: Harness):
    db = bot.pipeline.db
    await bot.say(EN_CHAT, EN_USER, "/subscribe llm")
    (card,) = await bot.say(EN_CHAT, EN_USER, "/paper 2410.09342")
    await bot.press(card, EN_USER, "👍")
    await bot.press(card, EN_USER, "☆")
    (other,) = await bot.say(KO_CHAT, KO_USER, "/paper 2410.09342")
    await bot.press(other, KO_USER, "👎")  # another chat's: kept
    assert await bot.ratings(EN_CHAT) == {"2410.09342": 1}
    assert [p.arxiv_id for p in await bookmarks.saved_papers(db, EN_USER["id"])] == ["2410.09342"]

    (reply,) = await bot.say(EN_CHAT, EN_USER, "/forget")
    assert reply.text == "This chat still gets papers. Send /stop first, then /forget."
    await bot.say(EN_CHAT, EN_USER, "/stop")
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/forget")
    assert reply.text == (
        "Deleted: ratings (1), saved papers (1) and this chat's settings. "
        "Paperboy keeps nothing else of this chat."
    )
    assert await bot.ratings(EN_CHAT) == {}
    assert await bookmarks.saved_papers(db, EN_USER["id"]) == []
    assert await subscriptions.chat_settings(db, EN_CHAT["id"]) is None
    assert await bot.ratings(KO_CHAT) == {"2410.09342": -1}


async def test_settings_switch_language(bot: Harness):
    (menu,) = await bot.say(EN_CHAT, EN_USER, "/settings")
    assert "Language: English" in menu.text
    (edited,) = await bot.tap(menu, EN_USER, "set:lang:ko")
    assert "언어: 한국어" in edited.text
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/search")
    assert reply.text.startswith("무엇을 찾아 드릴까요?")


async def test_expired_and_forged_buttons(bot: Harness):
    (menu,) = await bot.say(EN_CHAT, EN_USER, "/settings")
    bot.api.push_callback(menu, EN_USER, "s:99999:1")
    bot.api.push_callback(menu, EN_USER, "garbage")
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) == 2)
    assert {a.get("text") for a in bot.api.callback_answers} == {
        "This button no longer works. Send the command again."
    }


async def test_a_late_answer_to_a_button_is_not_an_error(bot: Harness):
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/top 1")
    mark = bot.api.mark()
    bot.api.push_callback(reply, EN_USER, reply.callback_data()[0])
    bot.api.expire_callback_queries()
    (card,) = await bot.api.wait_sent(EN_CHAT["id"], after=mark)
    assert card.method == "sendMessage"
    await bot.api.wait_for(lambda: any(c.method == "answerCallbackQuery" for c in bot.api.calls))
    bot.api.calls = [c for c in bot.api.calls if c.method != "answerCallbackQuery"]


HOSTILE = [
    '/search "',
    "/search NEAR(a b) AND title:x -",
    "/search C++ <think> & </b>",
    "/search " + "긴 " * 2500,
    "🙂🙂🙂 diffusion 🚀",
    "مرحبا بالعالم \u200f diffusion",
    "<b>bold?</b> & &amp; &lt;",
    "x" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_input_gets_a_clean_answer(bot: Harness, text: str):
    (reply,) = await bot.say(EN_CHAT, EN_USER, text)
    assert_valid(reply)
    assert len(reply.text) <= 4096


async def test_a_handler_failure_gets_one_short_apology(bot: Harness, monkeypatch, caplog):
    from bot.understand import search

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(search, "rank_words", broken)
    (reply,) = await bot.say(EN_CHAT, EN_USER, "/search diffusion")
    assert reply.text == "Sorry, something went wrong on my side. Please try again in a moment."
    assert "disk on fire" in caplog.text  # logged with the update, not shown
