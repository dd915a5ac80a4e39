"""The summary check on real digests: own summaries pass, wrong ones are refused."""

from __future__ import annotations

import pytest

from bench.summary_check import answer_of, measure
from bot.parse.markdown import parse_digest
from bot.summarize.check import TermWeights, check, parse_answer
from tests.conftest import CORPUS, FIXTURES, fixture_text, needs_corpus

DAY = parse_digest(fixture_text("2024/10/18"), "18.md").digests[0].papers
WEIGHTS = TermWeights(
    p.title for p in parse_digest(fixture_text("2024/10/18"), "x").digests[0].papers
)


def judge(answer, paper, lang="ko"):
    neighbours = [p.title for p in DAY if p.arxiv_id != paper.arxiv_id]
    return check(answer, lang, paper.title, neighbours, WEIGHTS)


def test_a_paper_s_own_real_summary_passes():
    passed = [p for p in DAY if answer_of(p) and judge(answer_of(p), p).ok]
    assert len(passed) >= len([p for p in DAY if answer_of(p)]) - 2
    verdict = judge(answer_of(passed[0]), passed[0])
    assert set(verdict.sections) == {"What's New", "Technical Details", "Performance Highlights"}


def test_a_neighbour_s_fluent_summary_is_refused():
    lsfs = next(p for p in DAY if p.arxiv_id == "2410.11843")
    for other in DAY:
        if other.arxiv_id != lsfs.arxiv_id:
            assert judge(answer_of(lsfs), other).reason == "off-topic", other.title


def test_the_seed_digest_s_wrong_summary_is_refused():
    papers = parse_digest(fixture_text("2024/09/20"), "20.md").digests[0].papers
    top = papers[0]
    assert top.arxiv_id == "2409.12917"  # Self-Correct via RL, summarised as an LSTM hybrid
    weights = TermWeights(p.title for p in papers)
    neighbours = [p.title for p in papers[1:]]
    assert check(answer_of(top), "ko", top.title, neighbours, weights).reason == "off-topic"


@pytest.mark.parametrize(
    ("content", "parsed"),
    [
        ('{"a": "b"}', {"a": "b"}),
        ('```json\n{"a": "b"}\n```', {"a": "b"}),
        ('```\n{"a": "b"}\n```', {"a": "b"}),
        ("Here is the summary: it is about LLMs.", None),
        ('["a", "b"]', None),
        ('{"a": "b"} and more', None),
        ("", None),
    ],
)
def test_only_one_json_object_bare_or_fenced_is_an_answer(content, parsed):
    assert parse_answer(content) == parsed


def test_every_rule_names_its_reason():
    paper = next(p for p in DAY if p.arxiv_id == "2410.11843")
    good = answer_of(paper)
    assert judge(None, paper).reason == "format"
    assert judge({**good, "whats_new": ""}, paper).reason == "missing"
    assert judge({k: v for k, v in good.items() if k != "technical_details"}, paper).reason == (
        "missing"
    )
    assert judge({**good, "whats_new": 42}, paper).reason == "missing"
    assert judge({**good, "whats_new": "짧음"}, paper).reason == "length"
    assert judge({**good, "technical_details": "가" * 1300}, paper).reason == "length"
    english = {
        k: f"LSFS, a semantic file system for AIOS, is described here: {k}." * 2 for k in good
    }
    assert judge(english, paper).reason == "language"
    assert judge(english, paper, lang="en").ok
    assert judge(good, paper, lang="en").reason == "language"


@needs_corpus
def test_on_every_real_summary_precision_and_recall_hold():
    assert CORPUS.is_dir() and FIXTURES.is_dir()
    m = measure(CORPUS)
    assert m.own > 2000
    assert m.precision >= 0.99
    assert m.recall >= 0.75
