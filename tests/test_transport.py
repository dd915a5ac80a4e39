"""PTB over aiohttp (bot/deliver/transport.py) against the fake: form posts, uploads, and
failures mapped to the exceptions PTB's own transport raises."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.deliver.transport import AiohttpRequest
from tests.fakebot.server import TOKEN, FakeBotApi
from tests.loopback import free_port, serve


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


async def test_the_environment_s_proxy_carries_requests_unless_no_proxy_names_the_host(
    monkeypatch: pytest.MonkeyPatch,
):
    seen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        seen.append(str(request.url))  # a proxy is asked for the whole URL
        async with (
            aiohttp.ClientSession() as session,
            session.post(request.url, data=await request.read(), headers=request.headers) as got,
        ):
            return web.Response(body=await got.read(), status=got.status)

    proxy = web.Application()
    proxy.router.add_route("*", "/{tail:.*}", forward)
    runner, proxy_url = await serve(proxy)
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    try:
        async with FakeBotApi() as api:
            async with bot_at(api.url) as bot:
                await bot.send_message(5, "through the proxy")
            assert api.sent[-1].text == "through the proxy"
            assert any(url.endswith("/sendMessage") for url in seen)
            seen.clear()
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            async with bot_at(api.url) as bot:
                await bot.send_message(5, "direct")
            assert api.sent[-1].text == "direct" and seen == []
    finally:
        await runner.cleanup()
