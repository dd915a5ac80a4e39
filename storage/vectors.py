"""Paper embeddings, one per paper and model, as float16 BLOBs: what the vector index loads
at start and what ``paperboy index`` catches up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import numpy as np

from bot.core.models import Paper
from storage.archive import PAPER_COLUMNS, paper_from_row
from storage.db import Database

_DTYPE = np.dtype("<f2")


async def missing(db: Database, model: str, limit: int) -> list[tuple[int, Paper]]:
    """Papers without a vector for ``model``, newest first: a poll's new papers are embedded
    before an old backlog."""
    rows = await db.execute_fetchall(
        f"SELECT {PAPER_COLUMNS} FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_vectors v"
        " WHERE v.paper_id = p.id AND v.model = ?) ORDER BY p.id DESC LIMIT ?",
        (model, limit),
    )
    return [(row["id"], paper_from_row(row)) for row in rows]


async def count_missing(db: Database, model: str) -> int:
    ((count,),) = await db.execute_fetchall(
        "SELECT COUNT(*) FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_vectors v"
        " WHERE v.paper_id = p.id AND v.model = ?)",
        (model,),
    )
    return count


async def count(db: Database, model: str) -> int:
    ((stored,),) = await db.execute_fetchall(
        "SELECT COUNT(*) FROM paper_vectors WHERE model = ?", (model,)
    )
    return stored


async def store(db: Database, model: str, rows: Iterable[tuple[int, np.ndarray]]) -> None:
    """Keep vectors (replacing a paper's old one for the model), in one transaction."""
    async with db.transaction():
        await db.executemany(
            "INSERT OR REPLACE INTO paper_vectors (paper_id, model, vector) VALUES (?, ?, ?)",
            [(pid, model, np.asarray(vec, _DTYPE).tobytes()) for pid, vec in rows],
        )


async def load(
    db: Database, model: str, page: int = 2048
) -> AsyncIterator[tuple[np.ndarray, np.ndarray]]:
    """Every vector of ``model``, a page at a time: paper ids (int64) and an (n, D) float16
    matrix. Paging keeps loading 20,000 vectors from costing twice their size."""
    after = -1
    while True:
        rows = await db.execute_fetchall(
            "SELECT paper_id, vector FROM paper_vectors WHERE model = ? AND paper_id > ?"
            " ORDER BY paper_id LIMIT ?",
            (model, after, page),
        )
        if not rows:
            return
        ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
        matrix = np.vstack([np.frombuffer(row[1], _DTYPE) for row in rows])
        yield ids, matrix
        after = int(ids[-1])
