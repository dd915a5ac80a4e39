"""bench.crosslingual's queries and its same-language reference: what they hold and what
they leave out (a query must not carry an English word; the reference target must not carry
the query's own sentence)."""

from __future__ import annotations

import dataclasses

from bench.crosslingual import korean_query, korean_rest
from bot.core.models import Paper

PAPER = Paper(
    arxiv_id="2406.00001",
    title="FastSpeech Translate",
    url="https://arxiv.org/abs/2406.00001",
    sections={
        "What's New": "저자원 언어(low-resource)를 위한 새로운 음성 번역 모델 FastST를 제안합니다. "
        "데이터 증강으로 성능을 높였습니다.",
        "Technical Details": "합성 음성을 학습에 사용합니다.",
    },
    summary="요약",
    abstract="We propose FastST.",
)


def test_a_query_is_the_first_sentence_without_latin_words():
    query = korean_query(PAPER)
    assert query == "저자원 언어 를 위한 새로운 음성 번역 모델 를 제안합니다."
    assert not any(c.isascii() and c.isalpha() for c in query)


def test_the_reference_target_keeps_its_korean_summary_but_not_the_query_s_sentence():
    rest = korean_rest(PAPER)
    assert rest.sections["What's New"] == "데이터 증강으로 성능을 높였습니다."
    assert rest.sections["Technical Details"] == "합성 음성을 학습에 사용합니다."
    assert "제안합니다" not in rest.summary_text and rest.summary == ""
    one_sentence = dataclasses.replace(PAPER, sections={"What's New": "하나뿐입니다."})
    assert "What's New" not in korean_rest(one_sentence).sections
