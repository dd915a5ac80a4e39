"""The embedder and the vector index, kept in step with the archive: catch up the papers
without a vector, rank papers for a query, find a paper's nearest neighbours."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

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
RECENT_QUERIES = 64  # query vectors kept, oldest dropped first

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
        self._recent: dict[str, np.ndarray] = {}
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

    async def rank(self, text: str, k: int, also: Sequence[int] = ()) -> list[tuple[int, float]]:
        """Papers nearest in meaning to ``text``: (paper id, cosine), best first, above the
        floor; then each of ``also`` the index holds, with its cosine whatever it is (papers
        the query's words found, bot/understand/crosslingual.py). The query's vector is
        kept for a moment: the words' papers are asked for right after the nearest."""
        if not len(self.index) or not text.strip():
            return []
        query = self._recent.get(text)
        if query is None:
            query = await asyncio.to_thread(self.embedder.query, text)
            if len(self._recent) >= RECENT_QUERIES:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = query
        korean = self.korean_centre is not None and mostly_korean(text)
        # A Korean query ranks without the component every Korean sentence shares
        # (bot/understand/korean_centre.py); the floor still judges the plain query.
        ranked = self.korean_centre.centred(query) if korean else query
        found: list[tuple[int, float]] = []
        if k > 0:
            nearest = self.index.nearest(ranked, k, floor=-1.0 if korean else MIN_SIMILARITY)
            if korean:
                plain = self.index.cosines(query, [pid for pid, _ in nearest])
                nearest = [
                    hit
                    for hit, cosine in zip(nearest, plain, strict=True)
                    if cosine > MIN_SIMILARITY
                ]
            found = nearest
        if also:
            cosines = self.index.cosines(ranked, also)
            found += [
                (pid, float(c)) for pid, c in zip(also, cosines, strict=True) if not np.isnan(c)
            ]
        return found

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
