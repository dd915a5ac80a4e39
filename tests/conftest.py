"""Shared fixtures: real digests (tests/fixtures, and ../shared/corpus when present), databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiosqlite
import pytest

from bot.core.lexicon import forget_learned
from bot.source.ingest import ingest
from bot.source.reader import new_client
from storage.db import connect

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "daily_papers_ko"
CORPUS = ROOT.parent / "shared" / "corpus" / "daily_papers_ko"

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout"
)


def fixture_text(relative: str) -> str:
    """A fixture digest by its date path, like '2024/10/18'."""
    return (FIXTURES / f"{relative}.md").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def no_glosses_learned_before() -> Iterator[None]:
    """Glosses made at run time live in the process (bot/core/lexicon.py): each test starts
    without another test's."""
    forget_learned()
    yield
    forget_learned()


@pytest.fixture(autouse=True)
def words_alone_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedding model takes 1.7 s and 150 MB to load: the tests of semantic search
    turn it on; every other command and bot process (they inherit the environment) runs
    without it."""
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")
    # An empty archive backfills from the real sources by default: never from a test.
    monkeypatch.setenv("PAPERBOY_BACKFILL", "off")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole shared corpus ingested once per run (a few seconds); tests that change it
    work on a copy."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    path = tmp_path_factory.mktemp("corpus") / "corpus.sqlite3"

    async def build() -> None:
        conn = await connect(path)
        try:
            report = await ingest(conn, [str(CORPUS)])
        finally:
            await conn.close()  # checkpoints the WAL: the file alone holds everything
        assert report.issues == []

    asyncio.run(build())
    return path


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    conn = await connect(tmp_path / "test.sqlite3")
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def arxiv_html() -> AsyncIterator[object]:
    """The loopback arXiv of HTML papers (tests/fakefulltext.py)."""
    from tests.fakefulltext import FakeFullText

    async with FakeFullText() as fake:
        yield fake


@pytest.fixture
async def fetch_client() -> AsyncIterator[object]:
    """The HTTP client Paperboy fetches with, closed after the test."""
    async with new_client() as client:
        yield client


@pytest.fixture
async def llm() -> AsyncIterator[object]:
    """The loopback language model (tests/fakellm.py), scripted per test."""
    from tests.fakellm import FakeLLM

    async with FakeLLM() as fake:
        yield fake


async def no_sleep(seconds: float) -> None:
    """A client's backoff sleep, skipped: tests check what is retried, not how long."""
