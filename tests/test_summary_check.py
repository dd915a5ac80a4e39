"""The summary check: answers read as models give them, own summaries pass, wrong ones are
refused, a digest's wrong summary is withheld from readers."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bench.summary_check import answer_of
from bot.core.summary_choice import for_reader
from bot.parse.hf_api import parse_hf_api
from bot.parse.markdown import parse_digest
from bot.render.cards import render_card
from bot.source.ingest import IngestReport, store_text
from bot.summarize.check import Reference, parse_answer, section_text, unsupported_claims
from bot.summarize.judge import Judge
from bot.summarize.prompt import messages
from bot.summarize.verify import verify_digest_summaries
from bot.understand.search import search
from storage import archive
from tests.conftest import ROOT, fixture_text
from tests.fakellm import abstract_summary

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


API_DAY = (
    parse_hf_api(
        (ROOT / "tests" / "fixtures" / "hf_api" / "2026-08-19.json").read_text(encoding="utf-8"),
        "2026-08-19.json",
    )
    .digests[0]
    .papers
)
API_IDS = [p.arxiv_id for p in API_DAY]
VAGUE = "이 연구는 기존 방법의 한계를 넘어서는 새로운 접근을 제안하고 여러 실험으로 검증합니다."


class SpyMeaning:
    """A sentence encoder that says ``favourite`` is what every text means, and counts asks."""

    def __init__(self, favourite: str) -> None:
        self.favourite = favourite
        self.asked = 0

    def cosines(self, text, arxiv_ids):
        self.asked += 1
        return {a: 0.9 if a == self.favourite else 0.1 for a in arxiv_ids}

    def nearest(self, text, k):
        return [self.favourite]


def test_clear_words_settle_a_summary_without_the_encoder():
    paper = API_DAY[0]
    spy = SpyMeaning(API_DAY[1].arxiv_id)  # it would say the summary is another paper's
    judge = Judge((Reference.of(p) for p in API_DAY), spy)
    prompt = "\n".join(m["content"] for m in messages(paper, "ko", []))
    answer = abstract_summary(prompt)
    assert judge.answer(answer, "ko", judge.references[paper.arxiv_id], API_IDS).ok
    assert spy.asked == 0


def test_meaning_decides_what_the_words_cannot():
    paper = API_DAY[0]
    words_only = Judge(Reference.of(p) for p in API_DAY)
    assert not words_only.about(VAGUE, words_only.references[paper.arxiv_id], API_IDS)
    for favourite, kept in ((paper.arxiv_id, True), (API_DAY[1].arxiv_id, False)):
        spy = SpyMeaning(favourite)
        judge = Judge((Reference.of(p) for p in API_DAY), spy)
        assert judge.about(VAGUE, judge.references[paper.arxiv_id], API_IDS) is kept
        assert spy.asked == 1


SCORE_ABSTRACT = (
    "Self-correction is a highly desirable capability of large language models (LLMs), yet "
    "it has consistently been found to be largely ineffective in modern LLMs. We develop a "
    "multi-turn online reinforcement learning (RL) approach, SCoRe, that significantly "
    "improves an LLM's self-correction ability using entirely self-generated data. SCoRe "
    "achieves state-of-the-art self-correction performance, improving the base models' "
    "self-correction by 15.6% and 9.1% respectively on the MATH and HumanEval benchmarks."
)


def _listing(day: str, papers: list) -> str:
    """The HF API's listing of ``papers`` with ``SCORE_ABSTRACT`` for the seed's top paper."""
    return json.dumps(
        [
            {
                "paper": {
                    "id": p.arxiv_id,
                    "title": p.title,
                    "summary": SCORE_ABSTRACT if p.arxiv_id == "2409.12917" else p.title,
                    "authors": [{"name": "A. Author"}],
                    "upvotes": p.votes,
                    "publishedAt": f"{day}T00:00:00.000Z",
                },
                "submittedOnDailyAt": f"{day}T00:00:00.000Z",
                "title": p.title,
            }
            for p in papers
        ]
    )


async def test_a_wrong_digest_summary_leaves_cards_search_and_snippets(db):
    """The seed's 2024-09-20 summary of 2409.12917 describes an LSTM hybrid for translation.
    Unjudged while the archive holds only its title; withheld once the abstract arrives."""
    text = fixture_text("2024/09/20")
    await store_text(db, text, "20.md", IngestReport())
    assert (await verify_digest_summaries(db)).withheld == []  # thin: shown, as before
    found = {h.paper.arxiv_id for h in (await search(db, "LSTM")).hits}
    assert "2409.12917" in found
    papers = parse_digest(text).digests[0].papers
    await store_text(db, _listing("2024-09-20", papers), "2024-09-20.json", IngestReport())
    report = await verify_digest_summaries(db)
    assert "2409.12917" in report.withheld
    paper = await archive.get_paper(db, "2409.12917")
    assert paper.digest_withheld and "LSTM" not in paper.searchable_text
    card = render_card(for_reader(paper, "ko", {}), "ko")
    assert "LSTM" not in card.text and "SCoRe" in card.text  # the abstract, with a note
    found = {h.paper.arxiv_id for h in (await search(db, "LSTM")).hits}
    assert "2409.12917" not in found
    (hit,) = [h for h in (await search(db, "SCoRe")).hits]
    assert hit.paper.arxiv_id == "2409.12917" and "LSTM" not in hit.snippet.text
