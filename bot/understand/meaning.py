"""The summary check's sense of meaning (``bot.summarize.judge.Meaning``): a summary's cosine
with papers' vectors, and the papers nearest to it, over the semantic index, by arXiv id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from bot.understand.embedder import Embedder
from bot.understand.index import VectorIndex
from bot.understand.semantic import Semantic
from storage import summaries
from storage.db import Database


class ArchiveMeaning:
    def __init__(self, embedder: Embedder, index: VectorIndex, rows: Mapping[str, int]) -> None:
        self._embedder = embedder
        self._index = index
        self._rows = rows  # arXiv id -> the index's paper id
        self._arxiv = {row: arxiv_id for arxiv_id, row in rows.items()}
        self._last: tuple[str, np.ndarray] | None = None

    def _vector(self, text: str) -> np.ndarray:
        """One embedding per summary: its rivals and its cosines ask for the same text."""
        last = self._last  # read once: checks run on worker threads
        if last is None or last[0] != text:
            last = self._last = (text, self._embedder.query(text))
        return last[1]

    def cosines(self, text: str, arxiv_ids: Sequence[str]) -> dict[str, float]:
        query = self._vector(text)
        out = {}
        for arxiv_id in arxiv_ids:
            row = self._rows.get(arxiv_id)
            vector = self._index.vector(row) if row is not None else None
            if vector is not None:
                out[arxiv_id] = float(vector @ query)
        return out

    def nearest(self, text: str, k: int) -> list[str]:
        found = self._index.nearest(self._vector(text), k)
        return [self._arxiv[row] for row, _ in found if row in self._arxiv]


async def archive_meaning(db: Database, semantic: Semantic | None) -> ArchiveMeaning | None:
    """The summary check's meaning over ``semantic``'s index; None without an encoder."""
    if semantic is None or not len(semantic.index):
        return None
    return ArchiveMeaning(semantic.embedder, semantic.index, await summaries.row_ids(db))
