"""The fake Bot API server is only useful if it is as strict as Telegram: check that it is."""

from __future__ import annotations

import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter

from tests.fakebot.server import TOKEN, FakeBotApi, RateLimits
from tests.fakebot.telegram_html import EntityParseError, parse_html


@pytest.mark.parametrize(
    "html",
    [
        "a < b",
        "<think>x</think>",
        "<b>x",
        "<b>x</i>",
        "</b>",
        "<a>x</a>",
        '<a href="javascript:alert(1)">x</a>',
        "<blockquote><blockquote>x</blockquote></blockquote>",
        "<span>x</span>",
        "<code><b>x</b></code>",
        "<b x>y</b>",
    ],
)
def test_parser_rejects_what_telegram_rejects(html: str):
    with pytest.raises(EntityParseError):
        parse_html(html)


def test_parser_accepts_what_telegram_accepts():
    parsed = parse_html(
        '<b>b</b> <a href="https://x.org/?a=1&amp;b=2">l</a> &lt;&gt;&amp;&quot; &#39; &#x41; '
        "&nbsp; &unknown; AT&T <blockquote expandable>q</blockquote> "
        '<pre><code class="language-py">c</code></pre>'
    )
    assert parsed.text == "b l <>&\" ' A &nbsp; &unknown; AT&T q c"


@pytest.fixture
async def bot():
    async with FakeBotApi(limits=RateLimits(per_second=5, per_group_minute=3)) as api:
        bot = Bot(TOKEN, base_url=f"{api.url}/bot")
        async with bot:
            yield api, bot


async def test_bad_entities_too_long_and_bad_buttons_are_400s(bot):
    api, client = bot
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
        await client.send_message(1, "<think>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await client.send_message(1, "가" * 4097)
    await client.send_message(1, "가" * 4096)  # code points, not bytes
    await client.send_message(1, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")  # after parsing
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await client.send_message(2, "hi", reply_markup=too_long)
    assert [s.chat_id for s in api.sent] == [1, 1]


async def test_rate_limits_answer_429_with_retry_after(bot):
    api, client = bot
    for _ in range(3):
        await client.send_message(-100, "group")
    with pytest.raises(RetryAfter) as error:
        await client.send_message(-100, "one too many")
    retry_after = error.value.retry_after
    seconds = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else retry_after
    assert seconds >= 1
    with pytest.raises(RetryAfter):
        for i in range(5):
            await client.send_message(10 + i, "burst")
    assert api.too_many_requests == 2


async def test_edits_count_against_the_limit_and_paid_sends_count_apart(bot):
    api, client = bot
    sent = await client.send_message(1, "one")
    for i in range(4):
        await client.edit_message_text(f"edit {i}", chat_id=1, message_id=sent.message_id)
    with pytest.raises(RetryAfter):  # 1 send + 4 edits fill the 5 a second
        await client.send_message(2, "over")
    for i in range(5):  # paid broadcasts have their own 1,000 a second
        await client.send_message(20 + i, "paid", allow_paid_broadcast=True)
    assert api.paid_sends == 5 and api.too_many_requests == 1


async def test_latency_delays_every_answer():
    async with FakeBotApi() as api:
        api.latency = (0.05, 0.06)
        async with Bot(TOKEN, base_url=f"{api.url}/bot") as client:
            started = time.monotonic()
            await client.send_message(1, "slow")
            assert time.monotonic() - started >= 0.05


async def test_stale_callback_query_and_unknown_edit(bot):
    _, client = bot
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await client.answer_callback_query("404")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await client.edit_message_text("x", chat_id=1, message_id=5)


async def test_multipart_uploads_and_the_caption_limit(bot):
    api, client = bot
    await client.send_photo(3, photo=b"\x89PNG fake bytes", caption="<b>ok</b>", parse_mode="HTML")
    assert api.sent[-1].method == "sendPhoto"
    assert api.sent[-1].params["photo"]["size"] == 15  # arrived as a multipart file
    assert api.sent[-1].text == "ok"
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await client.send_photo(3, photo=b"x", caption="가" * 1025)
