"""Start `python -m bot run` as a real process pointed at a fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fakebot.server import TOKEN, FakeBotApi


async def start_bot_process(
    api: FakeBotApi, cwd: Path, db: Path, sources: Path, **extra_env: str
) -> asyncio.subprocess.Process:
    """The bot as an operator runs it; the caller's PAPERBOY_/TELEGRAM_ settings are dropped
    so nothing but this test's configuration reaches it. stdout is discarded: the bot logs
    to stderr, which is returned piped for the test to read."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PAPERBOY_", "TELEGRAM_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "PAPERBOY_DB": str(db),
        "PAPERBOY_SOURCES": str(sources),
        "PYTHONPATH": str(ROOT),
        "PAPERBOY_SEMANTIC": "off",
        "PAPERBOY_BACKFILL": "off",  # never the real history from a test
        **extra_env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
