"""Webhook mode: the fake Bot API POSTs updates to PTB's webhook server with the secret;
answers go back as in polling mode; a request without the secret is refused; stopping leaves
the webhook set."""

from __future__ import annotations

import aiohttp
import pytest

from bot.app.config import ConfigError, load_settings
from tests.bot_harness import bot_running
from tests.conftest import FIXTURES
from tests.fakebot.server import FakeBotApi
from tests.loopback import free_port

USER = FakeBotApi.user(5001, "en", "Ada")
CHAT = FakeBotApi.private_chat(USER)


async def test_commands_round_trip_through_the_webhook(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = {"PAPERBOY_WEBHOOK_URL": url, "PAPERBOY_WEBHOOK_LISTEN": f"127.0.0.1:{port}"}
    async with bot_running(tmp_path / "w.sqlite3", str(FIXTURES), env=env) as bot:
        (hook,) = bot.api.webhook_history
        assert hook["url"] == url and len(hook["secret_token"]) >= 32  # generated per start
        reply, to_rate = await bot.say(CHAT, USER, "/start", count=2)
        assert reply.text.startswith("Hi Ada") or "Paperboy" in reply.text
        assert to_rate.text.startswith("🎯 Teach me your taste")
        (results,) = await bot.say(CHAT, USER, "/search diffusion")
        assert results.text.startswith("🔎 Results for “diffusion”")
        assert bot.api.webhook_answers and set(bot.api.webhook_answers) == {200}

        update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": CHAT,
                                                 "from": USER, "text": "/start"}}  # fmt: skip
        mark = bot.api.mark()
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with session.post(url, json=update, headers=headers) as answer:
                    assert answer.status == 403
        assert bot.api.sent[mark:] == []  # forged updates are ignored
    assert bot.api.webhook is not None  # stopping left it set: no update is lost


async def test_a_fixed_secret_is_used(tmp_path):
    port = free_port()
    env = {
        "PAPERBOY_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "PAPERBOY_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        "PAPERBOY_WEBHOOK_SECRET": "s3cret_from-the-operator",
    }
    async with bot_running(tmp_path / "w.sqlite3", str(FIXTURES), env=env) as bot:
        assert bot.api.webhook_history[-1]["secret_token"] == "s3cret_from-the-operator"
        (reply,) = await bot.say(CHAT, USER, "/help")
        assert "/search" in reply.text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAPERBOY_WEBHOOK_URL", "http://bot.example.com/hook"),  # Telegram calls https only
        ("PAPERBOY_WEBHOOK_URL", "https://bot.example.com/hook?x=1"),
        ("PAPERBOY_WEBHOOK_LISTEN", "8443"),
        ("PAPERBOY_WEBHOOK_LISTEN", "0.0.0.0:99999"),
        ("PAPERBOY_WEBHOOK_SECRET", "has spaces"),
    ],
)
def test_bad_webhook_settings_are_refused(name: str, value: str):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value}, env_file=None)
