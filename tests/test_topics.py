"""Topic parsing and matching, with the same Korean/English matching as search."""

from __future__ import annotations

from pathlib import Path

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
