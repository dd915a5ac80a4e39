"""Cosine search over every paper's vector, held in memory as int8 codes.

Why int8: 20,000 papers must fit in 40 MB. float32 would take 41 MB, and numpy has no fast
float16 product here (measured: 29 ms for 20k rows against 4.7 ms for int8 codes scored in
chunks). Each row keeps its own scale, so quantisation costs little precision.

Past ``shortlist_from`` rows (50,000) every query is first scored in 64 dimensions (a PCA of
the vectors, float32) and only the best 2,000 are scored in full. Measured at 200,000 papers
(docs/benchmarks.md): exact int8 p95 48 ms; this p95 4.5 ms at recall@10 0.994 for
51 MB more; usearch's HNSW p95 2.4 ms at recall@10 0.920, 187 MB and 126 s to build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

_CHUNK = 4096  # rows scored at a time: the float32 copy stays at 8 MB
_REDUCED = 64  # dimensions of the first pass
_SAMPLE = 20_000  # rows the projection is fitted on


class VectorIndex:
    """Paper ids and their vectors; ``nearest`` ranks them by cosine similarity."""

    def __init__(
        self, dimensions: int = 512, shortlist_from: int = 50_000, shortlist: int = 2_000
    ) -> None:
        self.dimensions = dimensions
        self.shortlist_from = shortlist_from
        self.shortlist = shortlist
        self._projection: np.ndarray | None = None  # (D, 64), once past shortlist_from
        self._mean = np.zeros(dimensions, np.float32)
        self._reduced = np.zeros((0, _REDUCED), np.float32)
        self._size = 0
        self._ids = np.zeros(0, np.int64)
        self._codes = np.zeros((0, dimensions), np.int8)
        self._scales = np.zeros(0, np.float32)
        self._row: dict[int, int] = {}

    def ids(self) -> list[int]:
        """Every paper id held, in the order added."""
        return self._ids[: self._size].tolist()

    def __len__(self) -> int:
        return self._size

    def __contains__(self, paper_id: int) -> bool:
        return paper_id in self._row

    @property
    def nbytes(self) -> int:
        return self._ids.nbytes + self._codes.nbytes + self._scales.nbytes + self._reduced.nbytes

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` papers at once (loading: no doubling, no spare half)."""
        if rows > len(self._ids):
            self._ids = _grown(self._ids, rows)
            self._codes = _grown(self._codes, rows)
            self._scales = _grown(self._scales, rows)

    def add(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Add (or replace) vectors; ``vectors`` are L2-normalised rows."""
        ids = list(ids)
        if not ids:
            return
        vectors = np.asarray(vectors, np.float32).reshape(len(ids), self.dimensions)
        peak = np.abs(vectors).max(axis=1)
        scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        codes = np.round(vectors / scales[:, None]).astype(np.int8)
        rows = []
        for pid, code, scale in zip(ids, codes, scales, strict=True):
            row = self._row.get(pid)
            if row is None:
                row = self._append_row()
                self._row[pid] = row
                self._ids[row] = pid
            self._codes[row] = code
            self._scales[row] = scale
            rows.append(row)
        if self._projection is not None:
            self._reduced[rows] = (vectors - self._mean) @ self._projection
        elif self._size >= self.shortlist_from:
            self._fit_projection()

    def _fit_projection(self) -> None:
        """PCA of a sample of the rows: the 64 directions the vectors vary most along."""
        step = max(1, self._size // _SAMPLE)
        sample = self._decoded(np.arange(0, self._size, step))
        self._mean = sample.mean(axis=0)
        centred = sample - self._mean
        # The covariance's eigenvectors (D x D), not an SVD of the sample: no N x D copies.
        _, vectors = np.linalg.eigh(centred.T @ centred)
        self._projection = np.ascontiguousarray(vectors[:, ::-1][:, :_REDUCED], np.float32)
        if len(self._reduced) < len(self._ids):
            self._reduced = _grown(self._reduced, len(self._ids))
        for start in range(0, self._size, _CHUNK):
            rows = np.arange(start, min(start + _CHUNK, self._size))
            self._reduced[rows] = (self._decoded(rows) - self._mean) @ self._projection

    def _decoded(self, rows: np.ndarray) -> np.ndarray:
        return self._codes[rows].astype(np.float32) * self._scales[rows, None]

    def _append_row(self) -> int:
        if self._size == len(self._ids):  # grow by doubling: adding is amortised O(1)
            capacity = max(1024, 2 * len(self._ids))
            self._ids = _grown(self._ids, capacity)
            self._codes = _grown(self._codes, capacity)
            self._scales = _grown(self._scales, capacity)
            if self._projection is not None:
                self._reduced = _grown(self._reduced, capacity)
        self._size += 1
        return self._size - 1

    def vector(self, paper_id: int) -> np.ndarray | None:
        row = self._row.get(paper_id)
        if row is None:
            return None
        return self._codes[row].astype(np.float32) * self._scales[row]

    def cosines(self, query: np.ndarray, paper_ids: Sequence[int]) -> np.ndarray:
        """Cosine similarity of ``query`` (normalised) with each of ``paper_ids``; NaN for
        a paper the index does not hold."""
        rows = np.array([self._row.get(pid, -1) for pid in paper_ids], np.int64)
        out = np.full(len(rows), np.nan, np.float32)
        held = rows >= 0
        if held.any():
            out[held] = self._decoded(rows[held]) @ np.asarray(query, np.float32)
        return out

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of ``query`` (normalised) with every row, in row order."""
        query = np.asarray(query, np.float32)
        out = np.empty(self._size, np.float32)
        for start in range(0, self._size, _CHUNK):
            stop = min(start + _CHUNK, self._size)
            out[start:stop] = self._codes[start:stop].astype(np.float32) @ query
        out *= self._scales[: self._size]
        return out

    def nearest(
        self, query: np.ndarray, k: int, exclude: Iterable[int] = (), floor: float = -1.0
    ) -> list[tuple[int, float]]:
        """The ``k`` most similar papers as (paper id, cosine), best first, above ``floor``."""
        if not self._size or k <= 0:
            return []
        query = np.asarray(query, np.float32)
        if self._projection is not None:
            rows = self._shortlist(query, max(self.shortlist, k))
            scores = self._decoded(rows) @ query
        else:
            rows = np.arange(self._size)
            scores = self.scores(query)
        skip = {self._row[pid] for pid in exclude if pid in self._row}
        if skip:
            scores[np.isin(rows, list(skip))] = -np.inf
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            (int(self._ids[rows[i]]), float(scores[i]))
            for i in top
            if scores[i] > floor and np.isfinite(scores[i])
        ]

    def _shortlist(self, query: np.ndarray, count: int) -> np.ndarray:
        """The rows best by the 64-dimension first pass."""
        rough = self._reduced[: self._size] @ ((query - self._mean) @ self._projection)
        if count >= self._size:
            return np.arange(self._size)
        return np.argpartition(-rough, count - 1)[:count]


def _grown(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.zeros((capacity, *array.shape[1:]), array.dtype)
    grown[: len(array)] = array
    return grown
