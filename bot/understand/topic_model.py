"""Topics that match meaning: where a topic's keywords appear, and how near the paper is to the
topic's exemplars or to the subscriber's own words.

A built-in topic is a logistic regression over where its keywords appear (title, gist,
anywhere) and the paper's embedding; it matches when the probability reaches its threshold.
Weights, regularisation and thresholds are fitted by ``bench/topics.py`` on the tune half of
tests/data/topic_labels.tsv (the regularisation by cross-validation within that half) and
shipped in topic_model.json. Free text matches all its
words, or a cosine to the text's own embedding above one threshold fitted the same way.
Exclusions always win. Without vectors a paper falls back to keywords alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.lexicon import english_of
from bot.core.models import Paper
from bot.core.query import match_expression, split_terms
from bot.core.topics import BUILTIN, Topic
from storage.keywords import column_matches

MODEL_FILE = Path(__file__).with_name("topic_model.json")

Columns = tuple[float, float, float]  # keyword in the title, in the gist, anywhere
# A Korean free-text topic the lexicon can say in English is near a paper by its English's
# embedding at the threshold, by its own Korean one at the threshold plus this: the Korean
# vector alone brought cards its English form never would (bench.korean_terms
# --subscriptions, the English form's cards beyond: 0.327 and 0.365 on the sixth and seventh
# lists at 0; 0.04, the smallest margin that kept the four lists it was chosen on, first,
# later, sixth and seventh, under 0.3, left 0.252 and 0.289, for 0.000–0.018 less of the
# English form's cards).
KOREAN_MARGIN = 0.04


@dataclass(frozen=True)
class TopicRule:
    column_weights: Columns
    vector_weights: np.ndarray  # one per embedding dimension
    bias: float
    threshold: float  # on the probability

    def probability(self, hits: tuple[bool, bool, bool], vector: np.ndarray) -> float:
        z = float(np.dot(self.column_weights, [float(h) for h in hits]))
        z += float(vector @ self.vector_weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class TopicModel:
    embedding_model: str  # the vectors the weights and thresholds belong to
    rules: Mapping[str, TopicRule]
    free_text_threshold: float


def load_topic_model(path: Path = MODEL_FILE) -> TopicModel | None:
    """The shipped model; None when the file is missing (keywords alone then)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    rules = {
        slug: TopicRule(
            tuple(rule["column_weights"]),  # type: ignore[arg-type]
            np.asarray(rule["vector_weights"], np.float32),
            float(rule["bias"]),
            float(rule["threshold"]),
        )
        for slug, rule in data["topics"].items()
    }
    return TopicModel(data["embedding_model"], rules, float(data["free_text_threshold"]))


def save_topic_model(model: TopicModel, path: Path = MODEL_FILE) -> None:
    data = {
        "embedding_model": model.embedding_model,
        "free_text_threshold": round(model.free_text_threshold, 4),
        "topics": {
            slug: {
                "column_weights": [round(float(x), 4) for x in rule.column_weights],
                "bias": round(rule.bias, 4),
                "threshold": round(rule.threshold, 4),
                "vector_weights": [round(float(x), 4) for x in rule.vector_weights],
            }
            for slug, rule in model.rules.items()
        },
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def match_by_meaning(
    papers: Sequence[Paper],
    vectors: Sequence[np.ndarray | None],
    topics: Iterable[Topic],
    model: TopicModel,
    text_vector: Callable[[str], np.ndarray],
) -> dict[Topic, set[str]]:
    """For each topic, the arXiv ids of ``papers`` it matches (``vectors[i]`` is paper i's
    embedding, None when it has none yet)."""
    topics = list(topics)
    plans = {topic: _plan(topic) for topic in topics if not topic.is_everything}
    expressions = {e for plan in plans.values() for e in (plan.positive, plan.excluded) if e}
    hits = column_matches(papers, expressions)
    result: dict[Topic, set[str]] = {}
    for topic in topics:
        if topic.is_everything:
            result[topic] = {p.arxiv_id for p in papers}
            continue
        plan = plans[topic]
        if not plan.positive:
            result[topic] = set()
            continue
        found = hits[plan.positive]
        rule = model.rules.get(plan.slug) if plan.slug else None
        # Free text is near a paper by its own words' embedding or, typed in Korean, by its
        # English's: a Korean sentence is farther from every English paper than the same
        # words in English are.
        said = [(plan.text, 0.0)]
        if plan.english:
            said = [(plan.english, 0.0), (plan.text, KOREAN_MARGIN)]
        references = [] if rule is not None else [(text_vector(t), m) for t, m in said]
        matched = set()
        for i, paper in enumerate(papers):
            vector = vectors[i]
            columns = (i in found["title"], i in found["gist"], i in found["body"])
            if vector is None:
                ok = columns[2]  # keywords alone
            elif rule is not None:
                ok = rule.probability(columns, vector) >= rule.threshold
            else:
                near = max(float(vector @ reference) - margin for reference, margin in references)
                ok = columns[2] or near >= model.free_text_threshold
            if ok and not (plan.excluded and i in hits[plan.excluded]["body"]):
                matched.add(paper.arxiv_id)
        result[topic] = matched
    return result


def topic_profile(papers: Sequence[Paper], vectors: np.ndarray, model: TopicModel) -> np.ndarray:
    """Each paper's probability of each built-in topic (rows: papers, columns: ``BUILTIN``
    order): a 15-number summary of what it is about, which a chat's taste (understand/taste)
    learns from far faster than from 512 embedding dimensions."""
    expressions = {slug: Topic(slug).expression() for slug in BUILTIN}
    hits = column_matches(papers, expressions.values())
    profile = np.zeros((len(papers), len(BUILTIN)), np.float32)
    for column, (slug, expression) in enumerate(expressions.items()):
        rule = model.rules.get(slug)
        if rule is None:
            continue
        found = hits[expression]
        for i in range(len(papers)):
            where = (i in found["title"], i in found["gist"], i in found["body"])
            profile[i, column] = rule.probability(where, vectors[i])
    return profile


@dataclass(frozen=True)
class _Plan:
    slug: str | None  # a built-in topic
    text: str  # free text, as embedded
    english: str | None  # the free text's English, when it is Korean the lexicon knows
    positive: str  # FTS expression of what to match
    excluded: str  # FTS expression of what to leave out ("" for none)


def _plan(topic: Topic) -> _Plan:
    terms, excluded = split_terms(topic.key)
    if not terms:
        return _Plan(None, "", None, "", "")
    slug = terms[0] if len(terms) == 1 and terms[0] in BUILTIN else None
    positive = (
        match_expression(list(BUILTIN[slug]), [], any_of=True, exact=True)
        if slug
        else match_expression(terms, [])
    )
    leave_out = match_expression(excluded, [], any_of=True) if excluded else ""
    english = None if slug else english_of(terms)
    return _Plan(slug, " ".join(terms), english, positive, leave_out)
