"""kill -9 in the middle of a broadcast, start again: every card arrives, none twice but the
one in flight at the kill (per chat)."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import signal
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
