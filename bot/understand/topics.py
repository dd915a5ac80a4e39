"""Which papers match which topics: the one matcher that fan-out, "for you" and the bot ask.

By meaning when the encoder and the shipped topic model are loaded (``topic_model``: where
a topic's keywords appear, and the paper's embedding; a paper without a vector yet is
judged by its keywords); else by keywords alone (``storage.keywords``). With a language
model configured, a Korean free-text topic also matches what its English translation
matches (``translate``)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.core.clock import Clock, SystemClock
from bot.core.lexicon import english_of
from bot.core.models import Paper
from bot.core.query import split_terms
from bot.core.topics import BUILTIN, Topic
from bot.understand.semantic import Semantic
from bot.understand.topic_model import match_by_meaning
from storage import topic_translations
from storage.db import Database
from storage.keywords import keyword_matches

log = logging.getLogger(__name__)
_HANGUL = re.compile("[가-힣]")


# Korean topics not yet translated that one call asks about; the rest wait for the next
# fan-out. The model answers two at a time within 30 s, and a question still queued then
# counts as a failure that quiets the translator for searches too.
ASK_AT_ONCE = 16


class Translator(Protocol):
    """Korean → English, bounded and remembered (``summarize.translate.QueryTranslator``)."""

    async def english(self, text: str) -> str | None: ...

    def remembered(self, text: str) -> str | None: ...


class TopicMatcher:
    def __init__(
        self,
        semantic: Semantic | None = None,
        translator: Translator | None = None,
        db: Database | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._semantic = semantic
        self._translator = translator
        self._db = db  # where translations are kept between runs, if anywhere
        self._clock = clock or SystemClock()
        self._english: dict[Topic, Topic] = {}  # a Korean topic → its English one

    async def translate(self, topics: Iterable[Topic]) -> None:
        """Ask the language model for the English of each Korean free-text topic, so that
        ``match`` also brings what the English words would: most papers arrive in English,
        and the lexicon does not know every term a reader subscribes to. Each call is the
        translator's (bounded wait, remembered, never retried while the endpoint is down);
        without an answer the topic is matched as before. Exclusions stay as typed. Answers
        are kept in the database (``storage.topic_translations``), so a restart asks again
        only about topics never answered; at most ``ASK_AT_ONCE`` of those a call."""
        if self._translator is None:
            return
        korean = {
            topic: parts
            for topic in dict.fromkeys(topics)
            if topic not in self._english and (parts := _korean_parts(topic))
        }
        kept = await topic_translations.known(self._db, [t.key for t in korean]) if self._db else {}
        new: dict[str, str] = {}  # answers to keep: those the database does not hold yet
        for topic, (terms, excluded) in korean.items():
            if english := kept.get(topic.key):
                self._learn(topic, english, excluded)
            elif english := self._translator.remembered(" ".join(terms)):
                # Answered after an earlier wait ran out, or for a search of the same words.
                self._learn(topic, english, excluded)
                new[topic.key] = english
        wanted = [t for t in korean if t not in self._english][:ASK_AT_ONCE]
        answers = await asyncio.gather(
            *(self._translator.english(" ".join(korean[t][0])) for t in wanted),
            return_exceptions=True,
        )
        for topic, english in zip(wanted, answers, strict=True):
            if isinstance(english, BaseException):  # a delivery never waits on a broken model
                log.warning("topic translation failed for %r: %r", topic.key, english)
            elif english:
                self._learn(topic, english, korean[topic][1])
                new[topic.key] = english
        if new and self._db is not None:
            await topic_translations.remember(self._db, new, self._clock.now())

    def _learn(self, topic: Topic, english: str, excluded: list[str]) -> None:
        """``topic`` is also matched as the English topic ``english`` says (a built-in when
        it is exactly one's name: 비디오 → video), with the topic's exclusions. Always one
        topic: a model that answers with built-in names ("llm, vision, video") gets their
        words all required, not a card for each."""
        terms, _ = split_terms(english.replace(",", " ").lower())
        if terms:
            minus = "".join(f" -{e}" for e in excluded)
            self._english[topic] = Topic(" ".join(terms) + minus)

    def match(
        self, papers: Sequence[tuple[int, Paper]], topics: Iterable[Topic]
    ) -> dict[Topic, set[str]]:
        """For each topic, the arXiv ids of ``papers`` (paper id, paper) it matches."""
        topics = list(topics)
        also = [
            (topic, english)
            for topic in topics
            for english in (self._english.get(topic), _builtin_of(topic))
            if english is not None
        ]
        found = self._match(papers, list(dict.fromkeys([*topics, *(e for _, e in also)])))
        for topic, english in also:
            found[topic] = found[topic] | found[english]
        return {topic: found[topic] for topic in topics}

    def _match(
        self, papers: Sequence[tuple[int, Paper]], topics: list[Topic]
    ) -> dict[Topic, set[str]]:
        semantic = self._semantic
        if semantic is None or semantic.topic_model is None:
            return keyword_matches([paper for _, paper in papers], topics)
        vectors = [semantic.index.vector(pid) for pid, _ in papers]
        # A topic's Korean words nothing translates, glossed (once each) before matching.
        semantic.glosser.learn(topic.key for topic in topics if not topic.is_everything)
        return match_by_meaning(
            [paper for _, paper in papers],
            vectors,
            topics,
            semantic.topic_model,
            semantic.text_vector,
        )


async def topics_in_english(db: Database, keys: Sequence[str]) -> dict[str, str]:
    """How each Korean free-text topic of ``keys`` is matched in English, for /topics to
    show: the language model's translation when one was kept, else the lexicon's English of
    its words when it knows every one (로봇 조작 → robotic manipulation); others are left out."""
    korean = {key: parts for key in keys if (parts := _korean_parts(Topic(key)))}
    kept = await topic_translations.known(db, list(korean))
    shown: dict[str, str] = {}
    for key, (terms, _) in korean.items():
        if english := kept.get(key) or english_of(terms):
            shown[key] = english
    return shown


def _builtin_of(topic: Topic) -> Topic | None:
    """The built-in topic a Korean free-text topic names, by the lexicon (멀티모달 →
    multimodal, 안전성 → safety), with its exclusions: an English reader typing the name gets
    the built-in, tuned to miss few papers, and so does a Korean one. None for any other."""
    parts = _korean_parts(topic)
    if parts is None:
        return None
    terms, excluded = parts
    english = english_of(terms)
    if english is None or english not in BUILTIN:
        return None
    return Topic(english + "".join(f" -{e}" for e in excluded))


def _korean_parts(topic: Topic) -> tuple[list[str], list[str]] | None:
    """A Korean free-text topic's terms (what is translated) and exclusions (kept as typed);
    None for any other topic (a built-in's Korean keywords are its own)."""
    if topic.is_everything:
        return None
    terms, excluded = split_terms(topic.key)
    if not terms or (len(terms) == 1 and terms[0] in BUILTIN):
        return None
    return (terms, excluded) if any(_HANGUL.search(term) for term in terms) else None
