"""PTB over aiohttp (bot/deliver/transport.py) against the fake: form posts, uploads, and
failures mapped to the exceptions PTB's own transport raises."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.deliver.transport import AiohttpRequest
from tests.fakebot.server import TOKEN, FakeBotApi
from tests.loopback import free_port


def bot_at(url: str, read_timeout: float = 5.0) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(8, read_timeout))


async def test_messages_buttons_and_uploads_arrive_as_telegram_takes_them():
    async with FakeBotApi() as api, bot_at(api.url) as bot:
        assert bot.username  # getMe on initialize
        message = await bot.send_message(5, "<b>안녕</b> &amp;", parse_mode="HTML")
        assert message.chat.id == 5 and api.sent[-1].text == "안녕 &"
        photo = b"\x89PNG bytes"
        await bot.send_photo(5, photo=photo, caption="<i>c</i>", parse_mode="HTML")
        assert api.sent[-1].params["photo"]["size"] == len(photo)  # a file, not a string
        assert api.sent[-1].text == "c"


async def test_telegram_refusals_become_ptb_errors():
    async with FakeBotApi() as api, bot_at(api.url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(5, "x" * 4097)


async def test_a_stalled_answer_is_timed_out_and_no_server_a_network_error():
    async with FakeBotApi() as api, bot_at(api.url, read_timeout=0.2) as bot:
        api.latency = (0.5, 0.5)
        with pytest.raises(TimedOut):
            await bot.send_message(5, "slow")
    bot = bot_at(f"http://127.0.0.1:{free_port()}")
    await bot.request.initialize()  # no getMe: nothing listens there
    with pytest.raises(NetworkError):
        await bot.send_message(5, "nobody")
    await bot.request.shutdown()
