"""Asking a paper through the real PTB stack: /ask, suggested questions, a reply to a card,
drafts streamed to private chats only, groups by mention, the day's allowance, /stats."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.bot_harness import Harness, bot_running
from tests.conftest import FIXTURES
from tests.fakebot.server import BOT_USERNAME, DRAFT_SPACING, FakeBotApi
from tests.fakebot.telegram_html import parse_html
from tests.fakefulltext import FakeFullText, fixture
from tests.fakellm import FakeLLM

PAPER = "2409.12917"  # in the fixture archive; the fake serves speech.html for it
USER = FakeBotApi.user(3001, "en", "Ada")
KO_USER = FakeBotApi.user(3002, "ko", "지수")
CHAT = FakeBotApi.private_chat(USER)
KO_CHAT = FakeBotApi.private_chat(KO_USER)
GROUP = FakeBotApi.group_chat(-100900, "Reading group")
ADMIN = FakeBotApi.user(3003, "en", "Root")
QUOTE = "We use the FLEURS benchmark for evaluation"


@pytest.fixture
async def llm():
    async with FakeLLM() as fake:
        fake.tokens_per_second = 25.0  # slow enough that drafts show the answer growing
        yield fake


@pytest.fixture
async def bot(tmp_path: Path, llm: FakeLLM):
    async with FakeFullText() as papers:
        papers.pages[PAPER] = fixture("speech")
        env = {
            "PAPERBOY_LLM_URL": llm.url,
            "PAPERBOY_LLM_MODEL": "fake-model",
            "PAPERBOY_FULLTEXT_URL": papers.template,
            "PAPERBOY_ASK_PER_DAY": "3",
            "PAPERBOY_ADMINS": str(ADMIN["id"]),
        }
        async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES), env=env) as harness:
            yield harness
            assert harness.api.errors() == [], [c.error for c in harness.api.errors()]


def valid(sent) -> None:
    assert parse_html(sent.html).text == sent.text
    assert "Traceback" not in sent.text


async def test_ask_streams_drafts_then_sends_the_answer_with_checked_quotes(bot: Harness, llm):
    llm.asks.append(
        "They evaluate on the FLEURS benchmark and collect training speech from radio"
        f" archives.\n> {QUOTE}"
    )
    (final,) = await bot.say(CHAT, USER, f"/ask {PAPER} Which datasets do they use?")
    valid(final)
    assert "They evaluate on the FLEURS benchmark" in final.text
    assert QUOTE in final.text and "§ 4 Experiments › 4.1 Datasets" in final.text
    assert "answered from the full text" in final.text
    drafts = [d for d in bot.api.drafts if d["chat_id"] == CHAT["id"]]
    assert len(drafts) >= 2 and len({d["draft_id"] for d in drafts}) == 1
    assert drafts[0]["text"].endswith("Reading the paper…")
    assert any("FLEURS" in d["text"] for d in drafts)
    assert not any(QUOTE in d["text"] for d in drafts)  # unchecked quotes are never drafted
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(drafts)]
    assert all(gap >= DRAFT_SPACING for gap in gaps)


async def test_an_invented_quote_is_never_shown_as_the_papers(bot: Harness, llm):
    invented = "We collect 900 hours of Swahili speech from podcasts"
    llm.asks.extend([f"Podcasts.\n> {invented}", f"Still podcasts.\n> {invented}"])
    (final,) = await bot.say(CHAT, USER, f"/ask {PAPER} Where does the data come from?")
    valid(final)
    assert invented not in final.text
    assert "could not find a grounded answer" in final.text
    assert "closest to your question" in final.text and "§ " in final.text


async def test_ask_without_a_question_offers_three_for_the_paper(bot: Harness, llm):
    (menu,) = await bot.say(CHAT, USER, f"/ask {PAPER}")
    assert (CHAT["id"], "typing") in bot.api.chat_actions  # while the paper is fetched
    labels = [b["text"] for b in menu.buttons()]
    assert labels == [
        "Which datasets and benchmarks does it use, and how big are they?",
        "What does it compare against, and by how much does it win?",
        "Is the code released, and where?",
    ]
    (final,) = await bot.tap(menu, USER, menu.callback_data()[0])
    valid(final)
    assert "Which datasets and benchmarks" in final.text and "§ " in final.text
    assert "Question: Which datasets and benchmarks" in llm.requests[-1]["messages"][1]["content"]


async def test_a_reply_to_a_card_is_a_question_to_its_paper_in_korean(bot: Harness, llm):
    (card,) = await bot.say(KO_CHAT, KO_USER, f"/paper {PAPER}")
    llm.asks.append(f"평가에는 FLEURS 벤치마크를 사용합니다.\n> {QUOTE}")
    mark = bot.api.mark()
    bot.api.push_message(KO_CHAT, KO_USER, "어떤 데이터셋을 썼나요?", reply_to=card)
    (final,) = await bot.api.wait_sent(KO_CHAT["id"], after=mark)
    valid(final)
    assert "평가에는 FLEURS" in final.text and QUOTE in final.text
    assert "논문 전문에서 답함" in final.text
    assert "Korean" in llm.requests[-1]["messages"][0]["content"]


async def test_a_reply_to_a_list_is_a_search_not_a_question(bot: Harness, llm):
    (listing,) = await bot.say(CHAT, USER, "/top 3 all")
    mark = bot.api.mark()
    bot.api.push_message(CHAT, USER, "diffusion", reply_to=listing)
    (answer,) = await bot.api.wait_sent(CHAT["id"], after=mark)
    assert "❓" not in answer.text and llm.streams == 0


async def test_in_groups_only_a_mention_asks_and_nothing_is_drafted(bot: Harness, llm):
    (card,) = await bot.say(GROUP, USER, f"/paper {PAPER}")
    bot.api.push_message(GROUP, USER, "which datasets?", reply_to=card)
    mark = bot.api.mark()
    bot.api.push_message(GROUP, USER, f"@{BOT_USERNAME} which datasets?", reply_to=card)
    (final,) = await bot.api.wait_sent(GROUP["id"], after=mark)
    valid(final)
    assert "§ " in final.text and llm.streams == 1  # the unmentioned reply asked nothing
    assert [d for d in bot.api.drafts if d["chat_id"] == GROUP["id"]] == []
    assert (GROUP["id"], "typing") in bot.api.chat_actions


async def test_the_days_questions_run_out_and_stats_count_tokens(bot: Harness, llm):
    for _ in range(3):
        (final,) = await bot.say(CHAT, USER, f"/ask {PAPER} Which datasets?")
        assert "§ " in final.text
    (spent,) = await bot.say(CHAT, USER, f"/ask {PAPER} Which datasets?")
    assert spent.text == "This chat has asked its 3 questions for today. Ask again tomorrow."
    (stats,) = await bot.say(FakeBotApi.private_chat(ADMIN), ADMIN, "/stats")
    assert "Questions to papers (7 days): 3, tokens:" in stats.text
    tokens = int(stats.text.split("tokens:")[1].split(";")[0].replace(",", ""))
    assert tokens >= 3 * 900


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ask", "Send a paper and a question"),
        ("/ask hello there", "Send a paper and a question"),
        ("/ask 2401.99999 what?", "No paper 2401.99999 in the archive"),
        (f"/ask {PAPER} " + "why " * 200, "at most 500 characters"),
    ],
)
async def test_bad_questions_get_one_clear_line(bot: Harness, text: str, expected: str):
    (reply,) = await bot.say(CHAT, USER, text)
    assert expected in reply.text and "Traceback" not in reply.text


async def test_without_a_model_ask_says_what_to_set(tmp_path: Path):
    async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES)) as harness:
        (reply,) = await harness.say(CHAT, USER, f"/ask {PAPER} which datasets?")
    assert "PAPERBOY_LLM_URL" in reply.text and len(reply.text.splitlines()) == 1


async def test_the_fake_refuses_drafts_telegram_refuses():
    async with FakeBotApi() as api:
        import aiohttp

        async with aiohttp.ClientSession() as http:

            async def draft(**params) -> dict:
                params["parse_mode"] = "HTML"
                url = f"{api.url}/bot{api.token}/sendMessageDraft"
                async with http.post(url, data={k: str(v) for k, v in params.items()}) as r:
                    return await r.json()

            assert not (await draft(chat_id=-100, draft_id=1, text="x"))["ok"]  # a group
            assert not (await draft(chat_id=5, draft_id=0, text="x"))["ok"]  # zero id
            assert not (await draft(chat_id=5, draft_id=1, text=""))["ok"]  # empty
            assert not (await draft(chat_id=5, draft_id=1, text="<b>x"))["ok"]  # bad HTML
            assert (await draft(chat_id=5, draft_id=1, text="a"))["ok"]
            too_fast = await draft(chat_id=5, draft_id=1, text="ab")
            assert too_fast["error_code"] == 429 and too_fast["parameters"]["retry_after"] >= 1


async def test_drafts_telegram_refuses_end_the_drafts_not_the_answer(tmp_path: Path, llm):
    async with FakeFullText() as papers:
        papers.pages[PAPER] = fixture("speech")
        env = {"PAPERBOY_LLM_URL": llm.url, "PAPERBOY_LLM_MODEL": "fake-model",
               "PAPERBOY_FULLTEXT_URL": papers.template}  # fmt: skip
        async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES), env=env) as bot:
            bot.api.drafts_refused = True
            (final,) = await bot.say(CHAT, USER, f"/ask {PAPER} Which datasets?")
            tried = [c for c in bot.api.calls if c.method == "sendMessageDraft"]
    assert "§ " in final.text and bot.api.drafts == []
    assert len(tried) == 1  # the first refusal ended the drafts
