"""`paperboy run` that cannot start says so in one line (issue 27): no network, or a token
Telegram refuses. Before: a 201-line double traceback and "Unclosed client session", or the
full token in 112 lines of log. The token is never printed, anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakebot.server import FakeBotApi
from tests.loopback import free_port, on_own_thread

TOKEN = "987654321:AAsecret-part-of-the-token-XYZ123456"


def run_bot(tmp_path: Path, api_url: str) -> tuple[int, list[str]]:
    """``paperboy run`` in a child process; its exit code and every line it wrote."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "PAPERBOY_DB": str(tmp_path / "bot.sqlite3"),
        "PAPERBOY_SOURCES": str(tmp_path),
        "PAPERBOY_SEMANTIC": "off",
        "PAPERBOY_BACKFILL": "off",
        "LOG_LEVEL": "DEBUG",  # the most the log can say: still no token
    }
    child = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return child.returncode, (child.stdout + child.stderr).splitlines()


def check(lines: list[str]) -> str:
    """The one line that says what went wrong; nothing else above INFO and no token."""
    assert not any(TOKEN in line or TOKEN.split(":")[1] in line for line in lines)
    assert not any("Traceback" in line or "Unclosed" in line for line in lines), lines
    (said,) = [line for line in lines if line.startswith("paperboy run:")]
    assert not [line for line in lines if " ERROR " in line or " WARNING " in line], lines
    return said


def test_without_a_network_it_says_so_in_one_line(tmp_path: Path):
    code, lines = run_bot(tmp_path, f"http://127.0.0.1:{free_port()}")
    said = check(lines)
    assert code == 1
    assert said.startswith("paperboy run: cannot reach Telegram at http://127.0.0.1:")
    assert said.endswith("check the network (or TELEGRAM_API_URL) and run again")


def test_a_refused_token_says_so_without_the_token(tmp_path: Path):
    with on_own_thread(FakeBotApi()) as api:  # it knows another token: 401 for ours
        code, lines = run_bot(tmp_path, api.url)
    said = check(lines)
    assert code == 1
    assert said == (
        "paperboy run: Telegram refused the token (401 Unauthorized): it was revoked or"
        " mistyped; get a new one from @BotFather and set TELEGRAM_BOT_TOKEN"
    )
