"""The embedder and the vector index, kept in step with the archive: catch up the papers
without a vector, rank papers for a query, find a paper's nearest neighbours."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import numpy as np

from bot.core import lexicon
from bot.core.models import Paper
from bot.understand.embedder import Embedder
from bot.understand.glossing import Glosser, load_vocabulary, unknown_words
from bot.understand.index import VectorIndex
from bot.understand.korean_centre import load_korean_centre, mostly_korean
from bot.understand.topic_model import load_topic_model
from storage import vectors
from storage.db import Database

log = logging.getLogger(__name__)

# Below this cosine a semantic hit is noise. Tuned on bench.crosslingual's tune half (Korean
# sentences of real summaries for English-only papers): recall@10 at 1,000 papers 0.397 at
# 0.35, 0.420 at 0.25, 0.427 at 0.2; off-topic text ("the weather is nice today", "my cat
# is sleeping", "오늘 점심 뭐 먹지") tops out at 0.12–0.20, so 0.25 still answers it nothing.
MIN_SIMILARITY = 0.25
BATCH = 64  # papers embedded and stored per step of a catch-up

Progress = Callable[[int, int], None]


class Semantic:
    def __init__(self, db: Database, embedder: Embedder) -> None:
        self.db = db
        self.embedder = embedder
        self.index = VectorIndex()
        self._catching_up = asyncio.Lock()
        model = load_topic_model()
        # Weights and thresholds hold only for the embeddings they were fitted on.
        self.topic_model = model if model and model.embedding_model == embedder.model else None
        centre = load_korean_centre()
        self.korean_centre = centre if centre and centre.embedding_model == embedder.model else None
        self.text_vectors: dict[str, np.ndarray] = {}
        self.glosser = Glosser(embedder, load_vocabulary())

    async def load(self) -> int:
        """Read every stored vector of this model into the index; returns how many."""
        loaded = 0
        self.index.reserve(len(self.index) + await vectors.count(self.db, self.embedder.model))
        async for ids, matrix in vectors.load(self.db, self.embedder.model):
            self.index.add(ids.tolist(), matrix.astype(np.float32))
            loaded += len(ids)
        return loaded

    async def catch_up(self, progress: Progress | None = None, limit: int | None = None) -> int:
        """Embed the papers that have no vector yet, newest first, a batch at a time, each
        batch stored before the next: interrupted, it resumes where it stopped. The lock is
        held per batch, so a poll's few new papers never wait behind a long backlog.
        Returns papers embedded."""
        total = await vectors.count_missing(self.db, self.embedder.model)
        if limit is not None:
            total = min(total, limit)
        done = 0
        while done < total:
            async with self._catching_up:
                batch = await vectors.missing(
                    self.db, self.embedder.model, min(BATCH, total - done)
                )
                if not batch:
                    break
                papers = [paper for _, paper in batch]
                vecs = await asyncio.to_thread(self.embedder.papers, papers)
                ids = [pid for pid, _ in batch]
                await vectors.store(self.db, self.embedder.model, zip(ids, vecs, strict=True))
                self.index.add(ids, vecs)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        return done

    async def rank(self, text: str, k: int) -> list[tuple[int, float]]:
        """Papers nearest in meaning to ``text``: (paper id, cosine), best first."""
        if not len(self.index) or not text.strip():
            return []
        query = await asyncio.to_thread(self.embedder.query, text)
        if self.korean_centre is None or not mostly_korean(text):
            return self.index.nearest(query, k, floor=MIN_SIMILARITY)
        # A Korean query ranks without the component every Korean sentence shares
        # (bot/understand/korean_centre.py); the floor still judges the plain query.
        found = self.index.nearest(self.korean_centre.centred(query), k)
        plain = self.index.cosines(query, [pid for pid, _ in found])
        return [hit for hit, cosine in zip(found, plain, strict=True) if cosine > MIN_SIMILARITY]

    async def gloss(self, text: str) -> None:
        """Gloss the Korean words of a query nothing translates yet (bot/understand/glossing),
        so its words side also matches them in English."""
        words = unknown_words([text])
        if words:  # embedded on a worker thread; the lexicon learns them on this one
            lexicon.learn(await asyncio.to_thread(self.glosser.gloss, words))

    def text_vector(self, text: str) -> np.ndarray:
        """A subscription's words, embedded once (a chat's topics rarely change)."""
        vector = self.text_vectors.get(text)
        if vector is None:
            if len(self.text_vectors) > 10_000:
                self.text_vectors.clear()
            vector = self.text_vectors[text] = self.embedder.query(text)
        return vector

    async def similar(self, paper_id: int, paper: Paper, k: int) -> list[tuple[int, float]]:
        """The ``k`` papers nearest to ``paper`` (embedded now if it has no vector yet)."""
        vector = self.index.vector(paper_id)
        if vector is None:
            vector = (await asyncio.to_thread(self.embedder.papers, [paper]))[0]
        return self.index.nearest(vector, k, exclude=(paper_id,))
