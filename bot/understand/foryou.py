""" "For you": each chat's taste, retrained after every rating, and its ranking of a period's
papers with a one-line reason each.

The taste (understand/taste) sees a paper as its embedding beside its topic profile. A
chat's verdicts come from storage/ratings; "unseen" means the chat has no verdict on the
paper yet (not rated, not saved).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.chat_settings import ChatSettings, Rank
from bot.core.models import Paper
from bot.core.topics import BUILTIN, Topic
from bot.understand.semantic import Semantic
from bot.understand.taste import MIN_FOR_MODEL, Rating, Taste, features
from bot.understand.topic_model import topic_profile
from bot.understand.topics import TopicMatcher
from storage import archive, ratings
from storage.db import Database

PERIODS = {"week": 7, "month": 30}
BACKGROUND = 30  # unrated archive papers a chat's model takes as weak negatives
CLOSE = 0.5  # a liked paper at least this similar is named as the reason


@dataclass(frozen=True)
class Pick:
    """One paper for a chat, and why: the liked paper it is closest to, or else its topic."""

    paper: Paper
    liked: Paper | None
    topic: str | None


class ForYou:
    """Tastes and rankings per chat, in memory: a rating retrains its chat's taste at once
    (milliseconds), and a ranking is kept for paging until the next rating."""

    def __init__(self, db: Database, semantic: Semantic) -> None:
        self.db = db
        self.semantic = semantic
        # chat -> its taste, the papers of its ratings (aligned), every paper it has a
        # verdict on
        self._tastes: dict[int, tuple[Taste, list[Paper], set[int]]] = {}
        self._picks: dict[tuple[int, str, dt.date], list[Pick]] = {}
        self._features: dict[int, np.ndarray] = {}  # paper id -> its taste features
        self._background_pool: list[int] | None = None

    async def retrain(self, chat_id: int, now: dt.datetime) -> Taste:
        """Fit the chat's taste from all its verdicts (after each rating)."""
        verdicts = await ratings.chat_verdicts(self.db, chat_id)
        rated = await self.features_of([v.paper_id for v in verdicts])
        by_id = {pid: (paper, row) for pid, paper, row in rated}
        history = [
            Rating(by_id[v.paper_id][1], v.value, (now - v.at).total_seconds() / 86_400)
            for v in verdicts
            if v.paper_id in by_id
        ]
        rated_papers = [by_id[v.paper_id][0] for v in verdicts if v.paper_id in by_id]
        judged = {v.paper_id for v in verdicts}
        taste = Taste(history, await self._background(chat_id, judged))
        self._tastes[chat_id] = (taste, rated_papers, judged)
        self._picks = {key: value for key, value in self._picks.items() if key[0] != chat_id}
        return taste

    async def picks(self, chat_id: int, period: str, now: dt.datetime) -> list[Pick] | None:
        """The period's papers the chat has no verdict on, best first; None before any
        rating (nothing to rank by)."""
        today = now.astimezone(dt.UTC).date()
        key = (chat_id, period, today)
        if key in self._picks:
            return self._picks[key]
        if chat_id not in self._tastes:
            await self.retrain(chat_id, now)
        taste, rated_papers, judged = self._tastes[chat_id]
        if not taste.learnt:
            return None
        listed = await archive.papers_listed_since(
            self.db, today - dt.timedelta(days=PERIODS[period])
        )
        candidates = await self.features_of([pid for pid, _ in listed if pid not in judged])
        if not candidates:
            self._picks[key] = []
            return []
        matrix = np.stack([row for _, _, row in candidates])
        order = np.argsort(-taste.scores(matrix), kind="stable")
        picks = []
        for index in order:
            _, paper, row = candidates[index]
            closest = taste.closest_liked(row)
            liked = None
            if closest is not None:
                vector = taste.ratings[closest].vector[: len(row) - len(BUILTIN)]
                if float(vector @ row[: len(vector)]) >= CLOSE:
                    liked = rated_papers[closest]
            topic = list(BUILTIN)[int(np.argmax(row[-len(BUILTIN) :]))]
            picks.append(Pick(paper, liked, topic))
        self._picks[key] = picks
        return picks

    async def order(
        self, chat: ChatSettings, papers: Sequence[tuple[int, Paper]], now: dt.datetime
    ) -> list[int] | None:
        """Fan-out's order for a chat's papers (indexes, best first), or None for the
        digest's: ``rank auto`` needs ``MIN_FOR_MODEL`` ratings, ``rank foryou`` any.
        Papers not embedded yet go last, in the digest's order."""
        if chat.rank == Rank.VOTES:
            return None
        if chat.chat_id not in self._tastes:
            await self.retrain(chat.chat_id, now)
        taste = self._tastes[chat.chat_id][0]
        needed = MIN_FOR_MODEL if chat.rank == Rank.AUTO else 1
        if not taste.learnt or len(taste.ratings) < needed:
            return None
        rows = await self._rows([pid for pid, _ in papers])
        known = [i for i, (pid, _) in enumerate(papers) if pid in rows]
        unknown = [i for i, (pid, _) in enumerate(papers) if pid not in rows]
        if not known:
            return None
        scores = taste.scores(np.stack([rows[papers[i][0]] for i in known]))
        return [known[j] for j in np.argsort(-scores, kind="stable")] + unknown

    async def features_of(self, paper_ids: list[int]) -> list[tuple[int, Paper, np.ndarray]]:
        """Papers with their taste features, leaving out those not embedded yet."""
        found = await archive.papers_keyed(self.db, paper_ids)
        rows = await self._rows(paper_ids, found)
        return [(pid, found[pid], rows[pid]) for pid in paper_ids if pid in rows]

    async def _rows(
        self, paper_ids: list[int], found: dict[int, Paper] | None = None
    ) -> dict[int, np.ndarray]:
        """Taste features by paper id (papers not embedded yet are left out). They are kept:
        one fan-out ranks the same day's papers for every chat, and reads the database only
        for papers it has not seen (none when the caller already read them, ``found``)."""
        model = self.semantic.topic_model
        if model is None:
            return {}
        missing = [pid for pid in paper_ids if pid not in self._features]
        if missing:
            vectors = {
                pid: v for pid in missing if (v := self.semantic.index.vector(pid)) is not None
            }
            if found is None:
                found = await archive.papers_keyed(self.db, list(vectors))
            ids = [pid for pid in missing if pid in found and pid in vectors]
            if ids:
                if len(self._features) > 50_000:
                    self._features.clear()
                papers = [found[pid] for pid in ids]
                matrix = np.stack([vectors[pid] for pid in ids])
                rows = features(matrix, topic_profile(papers, matrix, model))
                self._features.update(zip(ids, rows, strict=True))
        return {pid: self._features[pid] for pid in paper_ids if pid in self._features}

    async def _background(self, chat_id: int, rated: set[int]) -> np.ndarray | None:
        """A few unrated archive papers as weak negatives: one fixed sample for every chat
        (its features computed once), less the papers this chat rated."""
        if self._background_pool is None:
            ids = self.semantic.index.ids()
            self._background_pool = random.Random(0).sample(ids, min(2 * BACKGROUND, len(ids)))
        chosen = [pid for pid in self._background_pool if pid not in rated][:BACKGROUND]
        rows = await self._rows(chosen)
        return np.stack(list(rows.values())) if rows else None


COLD_START = 5  # papers /start offers to rate
COLD_START_DAYS = 30


async def cold_start(
    db: Database, foryou: ForYou | None, now: dt.datetime
) -> list[tuple[Paper, str]]:
    """/start's papers to rate at once: the past month's most voted, one per topic (the
    topic model's best guess with the embeddings, the first keyword topic without), then
    the next most voted if there are fewer topics than places."""
    since = now.astimezone(dt.UTC).date() - dt.timedelta(days=COLD_START_DAYS)
    listed = await archive.papers_listed_since(db, since)
    listed.sort(key=lambda item: -(item[1].votes or 0))
    listed = listed[:200]
    topics = await _main_topics(foryou, listed)
    picks: list[tuple[Paper, str]] = []
    used: set[str] = set()
    for pid, paper in listed:
        topic = topics.get(pid)
        if topic is not None and topic not in used:
            used.add(topic)
            picks.append((paper, topic))
        if len(picks) == COLD_START:
            return picks
    chosen = {paper.arxiv_id for paper, _ in picks}
    for pid, paper in listed:
        if len(picks) == COLD_START:
            break
        if paper.arxiv_id not in chosen:
            picks.append((paper, topics.get(pid) or "—"))
    return picks


async def _main_topics(foryou: ForYou | None, papers: list[tuple[int, Paper]]) -> dict[int, str]:
    """Each paper's most likely built-in topic, where one can be told."""
    if foryou is not None:
        rows = await foryou.features_of([pid for pid, _ in papers])
        if rows:
            slugs = list(BUILTIN)
            return {pid: slugs[int(np.argmax(row[-len(slugs) :]))] for pid, _, row in rows}
    matched = TopicMatcher().match(papers, [Topic(slug) for slug in BUILTIN])
    found: dict[int, str] = {}
    for slug in BUILTIN:
        for pid, paper in papers:
            if pid not in found and paper.arxiv_id in matched[Topic(slug)]:
                found[pid] = slug
    return found
