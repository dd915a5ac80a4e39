"""The archive read out in pages for ``paperboy export``: each paper with the dates it was
listed and the summaries Paperboy wrote, a few queries a page however large the archive."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.core.models import Paper
from bot.core.summary_choice import Generated
from storage.archive import PAPER_SELECT, paper_from_row
from storage.db import Database


@dataclass(frozen=True)
class Exported:
    paper: Paper
    dates: list[dt.date]
    generated: dict[str, Generated]


async def papers_since(
    db: Database, since: dt.date | None, page: int = 1000
) -> AsyncIterator[list[Exported]]:
    """Papers last listed on or after ``since`` (None: all), oldest first, a page at a time."""
    after = ("0000-00-00", -1)
    start = since.isoformat() if since else "0000-00-00"
    while True:
        rows = await db.execute_fetchall(
            f"{PAPER_SELECT} WHERE p.last_date >= ? AND (p.last_date, p.id) > (?, ?)"
            " ORDER BY p.last_date, p.id LIMIT ?",
            (start, *after, page),
        )
        if not rows:
            return
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        dates: dict[int, list[dt.date]] = defaultdict(list)
        for pid, day in await db.execute_fetchall(
            f"SELECT paper_id, digest_date FROM digest_entries WHERE paper_id IN ({marks})"
            " ORDER BY digest_date",
            ids,
        ):
            dates[pid].append(dt.date.fromisoformat(day))
        generated: dict[int, dict[str, Generated]] = defaultdict(dict)
        for pid, lang, model, sections in await db.execute_fetchall(
            f"SELECT paper_id, lang, model, sections FROM summaries WHERE paper_id IN ({marks})"
            " ORDER BY created_at",
            ids,
        ):
            generated[pid][lang] = Generated(model, dict(json.loads(sections)))
        yield [
            Exported(paper_from_row(row), dates[row["id"]], generated[row["id"]]) for row in rows
        ]
        after = (rows[-1]["last_date"], rows[-1]["id"])
