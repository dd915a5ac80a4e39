"""CSV export is formula-safe and starts with a BOM (issue 27): a hostile feed's title must
stay text when the export is opened in a spreadsheet, and Korean must read as Korean."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from pathlib import Path

from bot.app.cli import main
from bot.core.models import Digest, Paper
from bot.render.export import formula_safe
from storage.archive import store_digest
from storage.db import connect

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rCarriage",
    "평범한 한국어 제목",
    "A plain = title with + signs - inside @ it",
]


def test_each_formula_start_is_neutralised_and_nothing_else_changes():
    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("\t=1") == "'\t=1"
    assert formula_safe("Plain") == "Plain" and formula_safe("") == ""
    assert formula_safe("a=b") == "a=b"


def test_the_exported_file_keeps_every_hostile_title_as_text(tmp_path: Path, capsys):
    db_path = tmp_path / "hostile.sqlite3"

    async def fill() -> None:
        db = await connect(db_path)
        papers = tuple(
            Paper(f"2401.{n:05d}", title, f"https://arxiv.org/abs/2401.{n:05d}",
                  authors=("=cmd()", "Ada"), sections={"What's New": "-dangerous start"})
            for n, title in enumerate(HOSTILE, 1)
        )  # fmt: skip
        await store_digest(db, Digest(dt.date(2024, 1, 5), papers), "test")
        await db.close()

    asyncio.run(fill())
    target = tmp_path / "out.csv"
    assert main(["export", "--format", "csv", "-o", str(target), "--db", str(db_path)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = {row["arxiv_id"]: row for row in csv.DictReader(file)}
    assert len(rows) == len(HOSTILE)
    for n, title in enumerate(HOSTILE, 1):
        row = rows[f"2401.{n:05d}"]
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (title, cell)
        # The text is all there: a spreadsheet shows it after the quote.
        stored = row["title"].removeprefix("'")
        assert stored.strip() == title.strip() or stored == " ".join(title.split())
    assert rows["2401.00007"]["title"] == "평범한 한국어 제목"
    assert rows["2401.00001"]["authors"].startswith("'=cmd()")
