"""Start the real Application against the fake Bot API server, with an archive loaded."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from telegram.ext import Application

from bot.app.application import build_application, running
from bot.app.config import load_settings
from bot.core.models import Tally
from bot.deliver.budget import Budget, BudgetLimits
from bot.pipeline import FIRST_POLL_TASK, Pipeline
from storage import archive, ratings
from tests.conftest import FIXTURES
from tests.fakebot.server import TOKEN, FakeBotApi, RateLimits, Sent
from tests.loopback import free_port


@dataclass
class ManualClock:
    """Time that moves only when a test says so."""

    current: dt.datetime = field(
        default_factory=lambda: dt.datetime(2024, 10, 18, 0, 0, tzinfo=dt.UTC)
    )

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@dataclass
class Harness:
    api: FakeBotApi
    app: Application
    clock: ManualClock

    @property
    def pipeline(self) -> Pipeline:
        return self.app.bot_data.running

    async def say(self, chat: dict, user: dict, text: str, count: int = 1) -> list[Sent]:
        """``user`` writes ``text`` in ``chat``; returns the next ``count`` bot messages there."""
        mark = self.api.mark()
        self.api.push_message(chat, user, text)
        return await self.api.wait_sent(chat["id"], count=count, after=mark)

    async def tap(self, sent: Sent, user: dict, data: str, count: int = 1) -> list[Sent]:
        mark = self.api.mark()
        self.api.push_callback(sent, user, data)
        return await self.api.wait_sent(sent.chat_id, count=count, after=mark)

    async def deliver(self) -> int:
        """Send whatever is due now (as the sender task would), and return how many went."""
        return await self.pipeline.sender.drain()

    async def press(self, sent: Sent, user: dict, label: str, row: int | None = None) -> dict:
        """``user`` presses the button of ``sent`` whose label shows ``label`` (in
        ``row`` when a message has one per paper), as a reader would find it; returns the
        callback's answer, once the bot has redrawn the buttons."""
        rows = (sent.reply_markup or {}).get("inline_keyboard", [])
        candidates = rows if row is None else [rows[row]]
        (button,) = [b for r in candidates for b in r if label in b["text"]]
        edits = sum(c.method == "editMessageReplyMarkup" for c in self.api.calls)
        answers = len(self.api.callback_answers)
        self.api.push_callback(sent, user, button["callback_data"])
        await self.api.wait_for(lambda: len(self.api.callback_answers) > answers)
        answer = self.api.callback_answers[answers]
        if not answer.get("text", "").startswith("This button"):
            await self.api.wait_for(
                lambda: sum(c.method == "editMessageReplyMarkup" for c in self.api.calls) > edits
            )
        return answer

    def keyboard(self, sent: Sent) -> list[list[str]]:
        """The labels of the newest buttons shown on ``sent`` (after any edit)."""
        markup = sent.reply_markup
        for call in self.api.calls:
            edited = call.method == "editMessageReplyMarkup" and call.ok
            if edited and int(call.params["message_id"]) == sent.message_id:
                markup = call.params["reply_markup"]
        return [[b["text"] for b in row] for row in (markup or {}).get("inline_keyboard", [])]

    async def ratings(self, chat: dict) -> dict[str, int]:
        """The chat's verdict on each paper it rated (arXiv id → +1 or -1), as "for you"
        reads it."""
        verdicts = await ratings.chat_verdicts(self.pipeline.db, chat["id"])
        papers = await archive.papers_keyed(self.pipeline.db, [v.paper_id for v in verdicts])
        return {papers[v.paper_id].arxiv_id: v.value for v in verdicts}

    async def tally(self, chat: dict, arxiv_id: str, user: dict) -> Tally:
        """A chat's 👍 and 👎 of a paper, and ``user``'s own."""
        return await ratings.tally(self.pipeline.db, chat["id"], arxiv_id, user["id"])


_TEMPLATES: dict[str, Path] = {}


def _exists(path: Path) -> bool:
    return path.exists()


async def _fixture_archive(sources: str) -> Path:
    """The fixture digests as a bot's first poll stores them, made once per test run: a bot
    on the fixtures starts from a copy, and its own first poll finds nothing new (the files'
    size, time and hash are recorded). Ingesting them in every test took ~0.3 s each."""
    if sources not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="paperboy-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        async with bot_running(folder / "template.sqlite3", sources, fresh=True):
            pass  # stopping closes the database: the file alone holds everything
        _TEMPLATES[sources] = folder / "template.sqlite3"
    return _TEMPLATES[sources]


@asynccontextmanager
async def bot_running(
    db_path: Path,
    sources: str,
    limits: RateLimits | None = None,
    admins: dict[int, set[int]] | None = None,
    clock: ManualClock | None = None,
    env: dict[str, str] | None = None,
    budget: Budget | None = None,
    fresh: bool = False,
) -> AsyncIterator[Harness]:
    """The bot on ``db_path`` against a new fake. On the fixture digests and a new database
    it starts from the shared fixture archive unless ``fresh``."""
    if not fresh and sources == str(FIXTURES) and not _exists(db_path):
        shutil.copy(await _fixture_archive(sources), db_path)
    clock = clock or ManualClock()
    transport: dict[str, str] = {}
    if os.environ.get("PAPERBOY_TEST_TRANSPORT") == "webhook":  # the suite again, by webhook
        port = free_port()
        transport = {
            "PAPERBOY_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "PAPERBOY_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        }
    async with FakeBotApi(limits=limits, admins=admins) as api:
        settings = load_settings(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": api.url,
                "PAPERBOY_DB": str(db_path),
                "PAPERBOY_SOURCES": sources,
                "PAPERBOY_SEMANTIC": "off",  # the model loads in tests that ask for it
                "PAPERBOY_BACKFILL": "off",  # never the real history; tests that want it say so
                **transport,
                **(env or {}),
            },
            env_file=None,
        )
        # Tests run far faster than Telegram allows; the fake enforces the real limits (tests
        # of the budget itself pass one that keeps them).
        budget = budget or Budget(BudgetLimits(per_second=1000, per_group_minute=1000))
        application = build_application(settings, clock=clock, budget=budget)
        async with running(application):
            await application.bot_data.running.tasks.get(FIRST_POLL_TASK)
            try:
                yield Harness(api, application, clock)
            finally:
                await api.close_polling()
