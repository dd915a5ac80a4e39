"""Hangul loanwords no file holds are read back into English by their sound."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.loanwords import DIGESTS, bracketed_pairs, halves, measure
from bot.core import transliteration
from bot.core.lexicon import translations
from bot.core.models import Digest, Paper
from bot.core.topics import parse_topics
from bot.core.transliteration import (
    SoundIndex,
    distance,
    english_key,
    foreign,
    korean_key,
    load_vocabulary,
    spelled_as_loanword,
)
from bot.understand.glossing import unknown_words
from bot.understand.search import search
from bot.understand.topics import TopicMatcher
from storage.archive import store_digest
from storage.db import connect


def test_korean_spelling_conventions_cost_nothing():
    # Each as Korean writes it: silent r and final e, -tion as 션, a long i as 아이, sync
    # with 싱크, soft g as ㅈ, the filler ㅡ after a bare consonant.
    for korean, english in [
        ("트랜스포머", "transformer"),
        ("어텐션", "attention"),
        ("하이브리드", "hybrid"),
        ("립싱크", "lip-sync"),
        ("에이전트", "agent"),
        ("스프레드시트", "spreadsheet"),
        ("데이터", "data"),
    ]:
        assert distance(english_key(english), korean_key(korean)) <= 0.2, (korean, english)
    # A changed consonant costs about one; a changed vowel a third.
    assert distance(english_key("gradient"), korean_key("그래디언트")) <= 0.1
    assert distance(english_key("radiant"), korean_key("그래디언트")) >= 1.0
    assert 0.3 <= distance(english_key("modal"), korean_key("모델")) < 1.0
    assert korean_key("transformer") is None  # not Hangul


def test_a_short_word_must_have_a_syllable_sino_korean_lacks():
    assert foreign("모델") and foreign("샘플") and foreign("로봇") and foreign("코더")
    assert foreign("필드") and foreign("블록")
    # Sino-Korean syllables only: 과제 sounds exactly like gather, 구조 like gather too.
    assert not foreign("과제") and not foreign("평가") and not foreign("구조")
    # Loanword spelling ends syllables in ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ only and has no tense plosive:
    # 낯선 (unfamiliar) sounds near notation, but cannot be a loanword.
    assert not spelled_as_loanword("낯선") and not spelled_as_loanword("꿈")
    assert spelled_as_loanword("로봇") and spelled_as_loanword("스킬")
    assert SoundIndex(["notation"]).nearest("낯선")[0][0] <= 0.5
    assert SoundIndex(["notation"]).read("낯선") == ()
    index = SoundIndex(["gather", "model"])
    assert distance(english_key("gather"), korean_key("과제")) == 0.0
    assert index.read("과제") == ()
    assert index.read("모델") == ("model",)


def test_a_reading_must_stand_out():
    # chart and chat sound alike in Hangul (차트): neither is said.
    assert SoundIndex(["chart", "chat"]).read("차트") == ()
    assert SoundIndex(["chart"]).read("차트") == ("chart",)
    # Another form of the same word does not count against it, and comes along when as near.
    assert SoundIndex(["optimizer", "optimizers"]).read("옵티마이저") == ("optimizer",)
    assert SoundIndex(["modeling", "modelling"]).read("모델링") == ("modeling", "modelling")
    # Too far from every word: no reading.
    assert SoundIndex(["benchmark"]).read("벤치프레스") == ()


def test_what_is_never_read():
    index = SoundIndex(["a", "go", "ice", "model"])
    assert index.read("아이") == ()  # one consonant or none
    assert index.read("model") == ()  # not Hangul
    assert index.read("모" * 13) == ()  # longer than any loanword
    assert SoundIndex([]).read("모델") == ()


def test_the_shipped_vocabulary_reads_loanwords_no_file_holds():
    assert len(load_vocabulary()) > 10_000
    assert transliteration.read("립싱크") == ("lip-sync",)
    assert transliteration.read("스킬") == ("skill",)
    # A file's entry wins: 트랜스포머 is a hand-written loanword; 로봇 is mined.
    assert translations("트랜스포머") == ("transformer",)
    assert translations("로봇", guessed=False)
    assert translations("립싱크") == ("lip-sync",)
    assert translations("립싱크", guessed=False) == ()  # a reading is a guess
    assert translations("립싱크를") == ("lip-sync",)  # the particle comes off
    # A word read by its sound is not sent to the encoder.
    assert unknown_words(["립싱크 영상"]) == [w for w in unknown_words(["영상"])]


async def test_a_search_and_a_topic_in_a_loanword_find_the_english_paper(tmp_path):
    paper = Paper(
        "2609.00011",
        "Audio-Driven Lip-Sync for Talking Heads",
        "https://arxiv.org/abs/2609.00011",
        abstract="We generate lip-sync video from speech for any face.",
    )
    other = Paper(
        "2609.00012",
        "Sparse Attention Kernels",
        "https://arxiv.org/abs/2609.00012",
        abstract="Faster kernels.",
    )
    db = await connect(tmp_path / "t.sqlite3")
    await store_digest(db, Digest(dt.date(2026, 9, 1), (paper, other)), "test")
    hits = (await search(db, "립싱크", mode="fts")).hits
    assert [h.paper.arxiv_id for h in hits] == ["2609.00011"]
    await db.close()
    # A subscription to the loanword brings the paper too, by keywords alone.
    (topic,) = parse_topics("립싱크")
    matched = TopicMatcher().match([(1, paper), (2, other)], [topic])
    assert matched[topic] == {"2609.00011"}


@pytest.mark.skipif(not DIGESTS.is_dir(), reason="needs ../shared/corpus")
def test_the_report_half_of_the_digests_pairs_mostly_agrees():
    pairs = bracketed_pairs()
    tune, report = halves(pairs)
    assert len(report) > 500 and not set(tune) & set(report)
    got = measure(SoundIndex(load_vocabulary()), report, pairs)
    # 86 of 596 read, 74 agreeing with the brackets (0.86) when chosen.
    assert got.read >= 60
    assert got.agree / got.read >= 0.8
