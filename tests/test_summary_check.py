"""The summary check: answers read as models give them, own summaries pass, wrong ones are
refused, a digest's wrong summary is withheld from readers."""

from __future__ import annotations

import dataclasses

import pytest

from bench.summary_check import answer_of
from bot.core.summary_choice import for_reader
from bot.parse.markdown import parse_digest
from bot.summarize.check import Reference, parse_answer, section_text, unsupported_claims
from bot.summarize.judge import Judge
from tests.conftest import fixture_text

DAY = parse_digest(fixture_text("2024/10/18"), "18.md").digests[0].papers
JUDGE = Judge(Reference.of(p) for p in DAY)  # titles only: thin references
IDS = [p.arxiv_id for p in DAY]


def judge(answer, paper, lang="ko"):
    return JUDGE.answer(answer, lang, Reference.of(paper), IDS)


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
    day_judge = Judge(Reference.of(p) for p in papers)
    ids = [p.arxiv_id for p in papers]
    assert not day_judge.about(top.summary_text, Reference.of(top), ids)
    verdict = day_judge.answer(answer_of(top), "ko", Reference.of(top), ids)
    assert verdict.reason == "off-topic"


def test_an_abstract_keeps_a_summary_that_does_not_repeat_the_title():
    """Judged against the abstract, a summary naming the method and the abstract's terms
    passes although it shares no word with the title."""
    lsfs = next(p for p in DAY if p.arxiv_id == "2410.11843")
    abstract = (
        "We propose LSFS, a semantic file system for AIOS agents that manages files by "
        "meaning with a vector database, semantic indexing and natural language prompts."
    )
    paper = dataclasses.replace(lsfs, title="Beyond Directories", abstract=abstract)
    judge_ = Judge([Reference.of(paper), *(Reference.of(p) for p in DAY if p is not lsfs)])
    answer = answer_of(lsfs)
    assert judge_.answer(answer, "ko", Reference.of(paper), IDS).ok
    thin = dataclasses.replace(paper, abstract="")
    assert not judge_.answer(answer, "ko", Reference.of(thin), IDS).ok  # the title rule


@pytest.mark.parametrize(
    ("content", "parsed"),
    [
        ('{"a": "b"}', {"a": "b"}),
        ('```json\n{"a": "b"}\n```', {"a": "b"}),
        ('```\n{"a": "b"}\n```', {"a": "b"}),
        ('{"a": "b"}\n도움이 되셨길 바랍니다!', {"a": "b"}),
        ('Here it is: {"a": {"c": 1}} Enjoy.', {"a": {"c": 1}}),
        ("Here is the summary: it is about LLMs.", None),
        ('["a", "b"]', None),
        ('{"a": "b"} {"a": "c"}', None),  # two objects: which one was meant?
        ('{"a": "b"', None),
        ("", None),
    ],
)
def test_the_first_complete_json_object_is_the_answer(content, parsed):
    assert parse_answer(content) == parsed


def test_a_part_may_be_a_list_of_sentences():
    assert (
        section_text(["첫 문장입니다.", " 둘째 문장입니다."]) == "첫 문장입니다. 둘째 문장입니다."
    )
    assert section_text([]) is None
    assert section_text(["a", 3]) is None
    lsfs = next(p for p in DAY if p.arxiv_id == "2410.11843")
    listed = {k: [s + "." for s in v.split(". ") if s] for k, v in answer_of(lsfs).items()}
    assert judge(listed, lsfs).ok


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


def test_claims_the_abstract_does_not_state_are_counted():
    paper = Reference("2401.00001", "X", "We improve accuracy by 12.5% and run 3x faster.")
    assert unsupported_claims("정확도 12.5% 향상, 3배 빠름, 40% 절감", paper) == ["40%"]


def test_a_withheld_digest_summary_is_not_the_paper_s():
    paper = dataclasses.replace(DAY[0], digest_withheld=True, abstract="An abstract.")
    shown = for_reader(paper, "ko", {})
    assert not shown.sections and not shown.summary and shown.digest_withheld
    assert for_reader(dataclasses.replace(paper, digest_withheld=False), "ko", {}).sections
