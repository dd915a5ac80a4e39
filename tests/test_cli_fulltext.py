"""`paperboy fulltext ID`: what Paperboy read of a paper, from a loopback arXiv."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.cli import main
from storage.db import connect
from tests.fakefulltext import LONG, SPEECH, STUB, FakeFullText
from tests.loopback import on_own_thread


@pytest.fixture
def papers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFullText]:
    db = tmp_path / "d.sqlite3"

    async def create() -> None:
        await (await connect(db)).close()

    asyncio.run(create())
    with on_own_thread(FakeFullText()) as fake:
        monkeypatch.setenv("PAPERBOY_DB", str(db))
        monkeypatch.setenv("PAPERBOY_FULLTEXT_URL", fake.template)
        yield fake


def test_fulltext_prints_the_sections_it_read_and_reads_once(papers, capsys):
    assert main(["fulltext", f"https://arxiv.org/abs/{SPEECH}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Back-Translation for Low-Resource Speech Translation")
    assert f"arXiv {SPEECH} (v2)" in out
    assert "## 4 Experiments › 4.1 Datasets" in out and "Quechua | 11 | 120" in out
    assert "## References (3 titles)" in out
    assert main(["fulltext", SPEECH]) == 0
    assert papers.asked(SPEECH) == 1  # the second read came from the database


def test_fulltext_json_and_a_cut_paper(papers, capsys):
    assert main(["fulltext", LONG, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cut"].startswith("kept the first") and data["sections"][0]["heading"] == "Abstract"


def test_no_full_text_says_why_and_fails(papers, capsys):
    assert main(["fulltext", STUB]) == 1
    assert "no full text: the page holds no converted paper" in capsys.readouterr().out
    assert main(["fulltext", "not-an-id", "--json"]) == 2
    assert "not an arXiv id" in json.loads(capsys.readouterr().out)["error"]
