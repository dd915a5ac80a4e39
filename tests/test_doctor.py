"""`paperboy doctor` against loopback fakes: every check passes on a sound setup, and each
fault is one ✗ line with what to do."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.app.doctor import PROBE_PAPER
from bot.core.topics import EVERYTHING
from storage import subscriptions
from storage.db import connect
from tests.conftest import FIXTURES
from tests.fakebot.server import TOKEN, FakeBotApi
from tests.fakefulltext import FakeFullText, fixture
from tests.fakellm import FakeLLM
from tests.loopback import on_own_thread


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:
    db = tmp_path / "d.sqlite3"

    async def subscribe() -> None:
        conn = await connect(db)
        for chat_id, kind in ((101, "private"), (-1001, "supergroup")):
            await subscriptions.subscribe(conn, chat_id, kind, None, [EVERYTHING], None, "en")
        await conn.close()

    asyncio.run(subscribe())
    papers = FakeFullText()
    papers.pages[PROBE_PAPER] = fixture("speech")
    with (
        on_own_thread(FakeBotApi()) as api,
        on_own_thread(FakeLLM()) as llm,
        on_own_thread(papers) as papers,
    ):
        for name, value in {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "PAPERBOY_DB": str(db),
            "PAPERBOY_SOURCES": str(FIXTURES),
            "PAPERBOY_LLM_URL": llm.url,
            "PAPERBOY_LLM_MODEL": "fake-model",
            "PAPERBOY_FULLTEXT_URL": papers.template,
        }.items():
            monkeypatch.setenv(name, value)
        yield api, llm


def test_a_sound_setup_passes_every_check(setup, capsys):
    assert main(["doctor"]) == 0
    assert "no digest from it yet" in capsys.readouterr().out
    assert main(["ingest", str(FIXTURES)]) == 0
    capsys.readouterr()
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line[0] for line in out[:-1]] == ["✓"] * (len(out) - 1)
    checks = " ".join(out)
    for part in ("configuration", "token: @", "database", "integrity ok", "source ", "readable; "
                 "newest digest from it: 2024-10-18", "language model: fake-model",
                 "subscribed chats: 2 reach the bot", "full-text source: http"):  # fmt: skip
        assert part in checks, part
    assert out[-1] == f"{len(out) - 1} of {len(out) - 1} checks passed."


def test_each_fault_is_one_line_with_the_fix(setup, capsys, monkeypatch):
    api, llm = setup
    api.blocked.add(-1001)  # the bot was removed from a subscribed group
    llm.key = "right-key"  # the endpoint wants a key we do not send
    monkeypatch.setenv("PAPERBOY_SOURCES", "/nowhere/digests")
    assert main(["doctor"]) == 1
    failed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✗")]
    assert len(failed) == 3
    assert "source /nowhere/digests: no such file or directory: fix PAPERBOY_SOURCES" in failed[0]
    assert "language model: the endpoint refuses the key" in failed[1]
    assert failed[2].startswith("✗ subscribed chats: 1 of 2 no longer reach the bot: -1001")


def test_a_bad_token_and_a_bad_setting(setup, capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:" + "x" * 35)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ token: Telegram says 'Unauthorized'" in out and "@BotFather" in out
    monkeypatch.setenv("PAPERBOY_FETCH_RATE", "fast")
    assert main(["doctor"]) == 1
    assert capsys.readouterr().out.startswith("✗ configuration: PAPERBOY_FETCH_RATE must be")


def test_a_wrong_full_text_template_is_one_line_with_the_fix(setup, capsys, monkeypatch):
    _, llm = setup
    monkeypatch.setenv("PAPERBOY_FULLTEXT_URL", llm.url + "/nothing/{id}")
    assert main(["doctor"]) == 1
    (failed,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✗")]
    assert failed.startswith("✗ full-text source: HTTP 404 for http://127.0.0.1")
    assert "PAPERBOY_FULLTEXT_URL" in failed


def test_the_publishing_remote_is_checked_without_changing_it(setup, capsys, monkeypatch, tmp_path):
    import subprocess

    bare = tmp_path / "archive.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    monkeypatch.setenv("PAPERBOY_PUBLISH_GIT", str(bare))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"✓ publishing: {bare} reachable and writable; branch main not created yet" in out
    refs = subprocess.run(["git", "for-each-ref"], cwd=bare, capture_output=True, text=True)
    assert refs.stdout == ""  # the probe pushed nothing
    monkeypatch.setenv("PAPERBOY_PUBLISH_GIT", str(tmp_path / "nowhere.git"))
    assert main(["doctor"]) == 1
    (failed,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✗")]
    assert failed.startswith(f"✗ publishing: {tmp_path / 'nowhere.git'} unreachable: ")
