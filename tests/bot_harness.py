"""Start the real Application against the fake Bot API server, with an archive loaded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from telegram.ext import Application

from bot.app import INGEST_TASK, build_application, running
from bot.config import load_settings
from tests.fakebot.server import TOKEN, FakeBotApi, RateLimits, Sent


@dataclass
class Harness:
    api: FakeBotApi
    app: Application

    async def say(self, chat: dict, user: dict, text: str, count: int = 1) -> list[Sent]:
        """``user`` writes ``text`` in ``chat``; returns the next ``count`` bot messages there."""
        mark = self.api.mark()
        self.api.push_message(chat, user, text)
        return await self.api.wait_sent(chat["id"], count=count, after=mark)

    async def tap(self, sent: Sent, user: dict, data: str, count: int = 1) -> list[Sent]:
        mark = self.api.mark()
        self.api.push_callback(sent, user, data)
        return await self.api.wait_sent(sent.chat_id, count=count, after=mark)


@asynccontextmanager
async def bot_running(
    db_path: Path,
    sources: str,
    limits: RateLimits | None = None,
    admins: dict[int, set[int]] | None = None,
) -> AsyncIterator[Harness]:
    async with FakeBotApi(limits=limits, admins=admins) as api:
        settings = load_settings(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": api.url,
                "PAPERBOY_DB": str(db_path),
                "PAPERBOY_SOURCES": sources,
            },
            env_file=None,
        )
        application = build_application(settings)
        async with running(application):
            task = application.bot_data.get(INGEST_TASK)
            if task is not None:
                await task  # the start-up ingest of PAPERBOY_SOURCES
            try:
                yield Harness(api, application)
            finally:
                await api.close_polling()
