"""kill -9 in the middle of a broadcast, start again: every card arrives, none twice but the
one in flight at the kill (per chat)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import signal
import sqlite3
from pathlib import Path

from bot.parse.markdown import parse_digest
from storage import subscriptions
from storage.db import connect
from tests.bot_process import start_bot_process
from tests.conftest import fixture_text
from tests.fakebot.server import FakeBotApi

CHATS = 4  # 72 cards: under 3 s at Telegram's 30 a second
PAPERS = 18  # the 2024-10-16 digest, re-dated to today so it counts as news


def delivered(api: FakeBotApi) -> list[tuple[int, str]]:
    return [
        (s.chat_id, s.buttons()[0]["url"].rsplit("/", 1)[-1])
        for s in api.sent
        if s.buttons() and s.buttons()[0].get("url", "").startswith("https://arxiv.org/abs/")
    ]


async def start_bot(api: FakeBotApi, tmp_path: Path, sources: Path) -> asyncio.subprocess.Process:
    return await start_bot_process(
        api, tmp_path, tmp_path / "bot.sqlite3", sources, LOG_LEVEL="WARNING"
    )


async def test_kill_9_mid_broadcast_then_restart(tmp_path: Path):
    sources = tmp_path / "digests"
    sources.mkdir()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    text = fixture_text("2024/10/16").replace(
        "## Daily Papers (2024-10-16)", f"## Daily Papers ({today})"
    )
    (sources / f"{today}.md").write_text(text, encoding="utf-8")
    db = await connect(tmp_path / "bot.sqlite3")
    for i in range(CHATS):
        await subscriptions.subscribe(db, 5000 + i, "private", None, ["*"], None, "en")
    await db.close()

    async with FakeBotApi() as api:  # enforcing Telegram's 30 messages a second
        first = await start_bot(api, tmp_path, sources)
        try:
            await api.wait_for(lambda: len(delivered(api)) >= 30, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        at_kill = len(delivered(api))
        assert at_kill < CHATS * PAPERS, "the kill should land mid-broadcast"

        second = await start_bot(api, tmp_path, sources)
        try:
            await api.wait_for(lambda: len(set(delivered(api))) >= CHATS * PAPERS, timeout=90)
            await asyncio.sleep(0.5)  # anything more would be a duplicate
        finally:
            await api.close_polling()
            second.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 0, stderr.decode()[-2000:]

    cards = delivered(api)
    assert len(set(cards)) == CHATS * PAPERS  # nothing lost
    twice = [key for key, n in collections.Counter(cards).items() if n > 1]
    per_chat = collections.Counter(chat for chat, _ in twice)
    assert all(n <= 1 for n in per_chat.values()), twice  # at most the one in flight per chat
    order = [p.arxiv_id for p in parse_digest(text).digests[0].papers]
    for chat in range(5000, 5000 + CHATS):  # and in digest order in every chat
        assert [paper for c, paper in dict.fromkeys(cards) if c == chat] == order


async def _marked_sent(path: Path, chat_id: int, timeout: float = 30.0) -> None:
    """Wait until the bot marked the chat's recap sent: a kill -9 between its send and its
    mark is the one case that may send it twice, and this test is about after the mark."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as conn:
            rows = conn.execute("SELECT status FROM recaps WHERE chat_id = ?", (chat_id,))
            if ("sent",) in rows.fetchall():
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the recap of chat {chat_id} was never marked sent")


async def test_kill_9_around_a_weekly_recap_neither_loses_nor_repeats_it(tmp_path: Path):
    """A recap due while its send fails, kill -9, start: it goes, once. Kill -9 again after
    it went, start: it does not go again."""
    from bot.core.chat_settings import read_setting
    from storage import recaps

    sources = tmp_path / "digests"
    sources.mkdir()
    chat_id = 6001
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    db = await connect(tmp_path / "bot.sqlite3")
    await subscriptions.subscribe(db, chat_id, "private", None, ["llm"], None, "en")
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[now.weekday()]
    for name, value in (("tz", "UTC"), ("weekly", f"{weekday} {now:%H:%M}")):
        await subscriptions.update_setting(db, chat_id, "private", read_setting(name, value))
    await recaps.plan(db, [recaps.Recap(chat_id, now.date(), now - dt.timedelta(minutes=1))], now)
    await db.close()

    def recaps_sent(api: FakeBotApi) -> int:
        return sum(1 for s in api.sent if s.chat_id == chat_id and s.text.startswith("🗓"))

    def recap_tries(api: FakeBotApi) -> int:
        return sum(
            1
            for c in api.calls
            if c.method == "sendMessage" and c.params.get("chat_id") in (chat_id, str(chat_id))
        )

    async with FakeBotApi() as api:
        api.failing_chats[chat_id] = 1_000  # every send there fails, for now
        first = await start_bot(api, tmp_path, sources)
        try:
            await api.wait_for(lambda: recap_tries(api) >= 1, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert recaps_sent(api) == 0
        api.failing_chats.clear()

        second = await start_bot(api, tmp_path, sources)
        try:
            await api.wait_for(lambda: recaps_sent(api) >= 1, timeout=60)
            await _marked_sent(tmp_path / "bot.sqlite3", chat_id)  # right after, however slow
        finally:
            second.send_signal(signal.SIGKILL)
            await second.wait()

        third = await start_bot(api, tmp_path, sources)
        try:
            await api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls[-5:]), 60)
            await asyncio.sleep(2.0)  # the start's recap run has had its chance
        finally:
            await api.close_polling()
            third.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(third.communicate(), 30)
        assert third.returncode == 0, stderr.decode()[-2000:]
    assert recaps_sent(api) == 1
