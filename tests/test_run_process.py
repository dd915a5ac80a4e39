"""`paperboy run` as a real process: polls the fake server, answers, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from tests.bot_process import start_bot_process
from tests.conftest import FIXTURES
from tests.fakebot.server import FakeBotApi


async def test_run_answers_then_stops_cleanly_on_sigterm(tmp_path: Path):
    db = tmp_path / "run.sqlite3"
    async with FakeBotApi() as api:
        process = await start_bot_process(api, tmp_path, db, FIXTURES)
        try:
            await api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls), 30)
            user = api.user(7, "en")
            # The archive loads in the background: /top answers once the digests are in.
            for _ in range(100):
                mark = api.mark()
                api.push_message(api.private_chat(user), user, "/top 1")
                (reply,) = await api.wait_sent(7, after=mark, timeout=10)
                if reply.text.startswith("🏆"):
                    break
                await asyncio.sleep(0.1)
            assert reply.text.startswith("🏆 Top 1 · 2024-10-18")
            await api.close_polling()
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Paperboy ready as @paperboy_test_bot" in log
    assert "database closed" in log
    assert "Traceback" not in log
    with sqlite3.connect(db) as conn:  # consistent after the stop
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == 161
