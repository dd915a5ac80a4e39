"""Topic parsing and matching, with the same Korean/English matching as search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.models import Paper
from bot.core.topics import BUILTIN, EVERYTHING, Topic, TopicError, parse_topics
from bot.parse.markdown import parse_digest
from storage.keywords import keyword_matches
from tests.conftest import fixture_text

REQUIRED = {
    "llm",
    "multimodal",
    "vision",
    "video",
    "3d",
    "audio",
    "robotics",
    "rl",
    "agents",
    "code",
    "reasoning",
    "safety",
    "efficiency",
    "diffusion",
    "data",
}


def paper(arxiv_id: str, title: str, summary: str) -> Paper:
    return Paper(
        arxiv_id, title, f"https://arxiv.org/abs/{arxiv_id}", sections={"What's New": summary}
    )


PAPERS = [
    paper("2401.00001", "A Survey of Large Language Models", "대형 언어 모델 조사"),
    paper("2401.00002", "Fast Gaussian-Splatting", "3D 장면을 빠르게 렌더링"),
    paper("2401.00003", "Better Reward Models", "강화학습으로 LLM을 정렬합니다"),
    paper("2401.00004", "Video Diffusion", "확산 모델로 동영상을 생성"),
]


def test_every_required_builtin_topic_exists_with_korean_keywords():
    assert set(BUILTIN) >= REQUIRED
    for slug in REQUIRED:
        assert any(any("가" <= c <= "힣" for c in k) for k in BUILTIN[slug]), slug


def test_parsing_slugs_free_text_commas_and_exclusions():
    assert parse_topics("") == [Topic(EVERYTHING)]
    assert parse_topics("LLM vision") == [Topic("llm"), Topic("vision")]
    assert parse_topics("llm -survey") == [Topic("llm -survey")]
    assert parse_topics("gaussian splatting") == [Topic("gaussian splatting")]
    assert parse_topics("gaussian splatting, 확산 모델 -video") == [
        Topic("gaussian splatting"),
        Topic("확산 모델 -video"),
    ]
    assert parse_topics("llm llm") == [Topic("llm")]
    with pytest.raises(TopicError):
        parse_topics("-survey")
    with pytest.raises(TopicError):
        parse_topics("!!! ???")


def test_matching_builtins_free_text_and_exclusions():
    topics = [*parse_topics("llm, splatting, rl, diffusion, llm -survey"), Topic(EVERYTHING)]
    found = keyword_matches(PAPERS, topics)
    assert found[Topic("llm")] == {"2401.00001", "2401.00003"}
    assert found[Topic("splatting")] == {"2401.00002"}
    assert found[Topic("rl")] == {"2401.00003"}
    assert found[Topic("diffusion")] == {"2401.00004"}
    assert found[Topic("llm -survey")] == {"2401.00003"}
    assert found[Topic(EVERYTHING)] == {p.arxiv_id for p in PAPERS}


def test_builtin_topics_match_real_digests():
    (digest,) = parse_digest(fixture_text("2024/06/12")).digests
    found = keyword_matches(digest.papers, [Topic(slug) for slug in sorted(REQUIRED)])
    assert len(found[Topic("llm")]) >= 3
    assert found[Topic("video")] and found[Topic("3d")] and found[Topic("code")]
    assert found[Topic("llm")] != found[Topic("vision")]


def _labels(name: str) -> dict[int, tuple[str, set[str]]]:
    path = Path(__file__).parent / "data" / name
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return {
        int(n): (arxiv_id, set(filter(None, topics.split(","))))
        for n, arxiv_id, topics, _ in (row for row in rows if not row[0].startswith("#"))
    }


def test_the_blind_second_labelling_covers_the_held_out_rows_it_says_with_builtin_topics():
    """bench.topics --agreement pairs rows by number: a row that drifted from its paper, or a
    topic that is not built in, would make the consistency figure in docs/architecture.md wrong."""
    first, second = _labels("topic_labels.tsv"), _labels("topic_labels_second.tsv")
    assert sorted(second) == [n for n in range(305, 605) if n % 2 == 1]
    for number, (arxiv_id, topics) in second.items():
        assert first[number][0] == arxiv_id
        assert topics <= set(BUILTIN)


def test_a_pseudo_label_direction_learns_what_titles_with_the_keywords_mean():
    """bench.topics: papers whose title holds a topic's keywords are positives, papers that
    hold them nowhere negatives; the direction learnt from their vectors then scores a paper
    by meaning, even one whose text never says the word."""
    from bench.topics import PSEUDO_COLUMNS, pseudo_directions

    rng = np.random.default_rng(5)
    robot, other = np.eye(8)[0], np.eye(8)[1]
    papers, vectors = [], []
    for i in range(40):
        titled = i % 2 == 0
        title = f"A robot that grasps object {i}" if titled else f"Ranking documents {i}"
        papers.append(Paper(f"2401.{i:05d}", title, "u"))
        vectors.append((robot if titled else other) + 0.1 * rng.standard_normal(8))
    directions = pseudo_directions(papers, np.array(vectors))
    assert len(directions["robotics"]) == len(PSEUDO_COLUMNS)
    title_direction = directions["robotics"][PSEUDO_COLUMNS.index("title")]
    unseen = np.array([robot, other])  # no words at all: meaning only
    scored = title_direction.score(unseen)
    assert scored[0] > 0 > scored[1]


def test_pseudo_label_scores_fold_into_the_shipped_rule():
    """A pseudo-label score is linear in the embedding, so the rule the bot runs (keyword
    columns, vector weights, bias) gives the probability the fit computed with it as a
    feature, and the bot needs no new code."""
    from bench.topics import Direction, _folded

    rng = np.random.default_rng(9)
    directions = (Direction(rng.standard_normal(6), 0.4), Direction(rng.standard_normal(6), -1.2))
    weights, bias = rng.standard_normal(3 + 2 + 6), 0.7
    rule = _folded(weights, bias, 0.5, directions)
    hits, vector = (True, False, True), rng.standard_normal(6).astype(np.float32)
    features = np.concatenate([[1.0, 0.0, 1.0], [d.score(vector) for d in directions], vector])
    expected = 1 / (1 + np.exp(-(features @ weights + bias)))
    assert abs(rule.probability(hits, vector) - expected) < 1e-5
    plain = _folded(np.delete(weights, [3, 4]), bias, 0.5, ())  # a topic fitted without them
    assert np.allclose(plain.vector_weights, weights[5:], atol=1e-6)
