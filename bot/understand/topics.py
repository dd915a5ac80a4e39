"""Which papers match which topics: the one matcher that fan-out, "for you" and the bot ask.

By meaning when the encoder and the shipped topic model are loaded (``topic_model``: where
a topic's keywords appear, and the paper's embedding; a paper without a vector yet is
judged by its keywords); else by keywords alone (``storage.keywords``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.models import Paper
from bot.core.topics import Topic
from bot.understand.semantic import Semantic
from bot.understand.topic_model import match_by_meaning
from storage.keywords import keyword_matches


class TopicMatcher:
    def __init__(self, semantic: Semantic | None = None) -> None:
        self._semantic = semantic

    def match(
        self, papers: Sequence[tuple[int, Paper]], topics: Iterable[Topic]
    ) -> dict[Topic, set[str]]:
        """For each topic, the arXiv ids of ``papers`` (paper id, paper) it matches."""
        semantic = self._semantic
        if semantic is None or semantic.topic_model is None:
            return keyword_matches([paper for _, paper in papers], topics)
        vectors = [semantic.index.vector(pid) for pid, _ in papers]
        topics = list(topics)
        # A topic's Korean words nothing translates, glossed (once each) before matching.
        semantic.glosser.learn(topic.key for topic in topics if not topic.is_everything)
        return match_by_meaning(
            [paper for _, paper in papers],
            vectors,
            topics,
            semantic.topic_model,
            semantic.text_vector,
        )
