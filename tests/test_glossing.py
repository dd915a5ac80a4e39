"""Korean words no lexicon file holds are glossed by the encoder as readers type them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from bot.core import lexicon
from bot.core.lexicon import translations
from bot.core.models import Digest, Paper
from bot.core.query import build_query
from bot.core.topics import parse_topics
from bot.pipeline import SEMANTIC_TASK
from bot.understand.embedder import load_embedder
from bot.understand.glossing import (
    MAX_WORDS,
    Glosser,
    glossable,
    load_vocabulary,
    pick,
    unknown_words,
)
from bot.understand.search import search
from bot.understand.semantic import Semantic
from bot.understand.topics import TopicMatcher
from storage.archive import store_digest
from storage.db import connect
from tests.bot_harness import bot_running
from tests.conftest import ROOT
from tests.fakebot.server import FakeBotApi
from tests.test_bot_e2e import assert_valid

VOCABULARY = ["brain", "brains", "neuron", "weather", "zebra"]


def _cosines(*values: float) -> np.ndarray:
    return np.array(values + (0.0,) * (len(VOCABULARY) - len(values)), np.float32)


def test_a_word_standing_out_is_a_gloss_and_a_crowd_is_not():
    # Clear of the third nearest by 0.1 or more: a gloss from 0.65 on.
    assert pick(_cosines(0.70, 0.52, 0.50), VOCABULARY) == ["brain"]
    # A second word within 0.03 of the best is kept with it.
    assert pick(_cosines(0.70, 0.68, 0.55), VOCABULARY) == ["brain", "brains"]
    # A crowd (공정성: suitability 0.71, feasibility 0.68, realization 0.67): none.
    assert pick(_cosines(0.71, 0.68, 0.67), VOCABULARY) == []
    # At 0.8 or more the nearest word is a gloss, crowd or not.
    assert pick(_cosines(0.85, 0.84, 0.84), VOCABULARY) == ["brain", "brains"]
    # Below 0.65 nothing is, however clear.
    assert pick(_cosines(0.60, 0.20, 0.10), VOCABULARY) == []
    # The best need not come first in the vocabulary.
    assert pick(_cosines(0.1, 0.2, 0.3, 0.9), VOCABULARY) == ["weather"]
    assert pick(np.array([0.9, 0.1], np.float32), ["a", "b"]) == []  # too few words to judge


def _nonsense(count: int) -> list[str]:
    """Hangul words no file translates (nor splits into halves it does)."""
    syllables = (chr(0xAC00 + 588 * i + 28 * j + 4) for i in range(19) for j in range(21))
    words = [f"뷁{s}" for s in syllables]
    return [w for w in words if glossable(w) and not translations(w)][:count]


def test_the_words_to_gloss_are_korean_nouns_nothing_translates_and_each_once():
    (word,) = _nonsense(1)
    text = f"{word}를 로봇 제안합니다 LLM {word}"
    # 로봇 is mined, 제안합니다 a verb form, LLM not Korean; the particle comes off.
    assert unknown_words([text, f"{word} 로봇"]) == [word]
    lexicon.learn({word: ()})  # glossed before, even without a gloss: not asked again
    assert unknown_words([text]) == []
    many = " ".join(_nonsense(MAX_WORDS + 5))
    assert len(unknown_words([many])) == MAX_WORDS  # a query, not a document


class _Encoder:
    """Vectors by hand, counting the texts it was asked to embed."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors
        self.asked: list[str] = []

    def texts(self, texts):
        self.asked.extend(texts)
        rows = np.array([self.vectors[t] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_learned_gloss_matches_in_english_and_no_word_is_embedded_twice():
    clear, crowded = _nonsense(2)
    vectors = {  # cosines: clear to brain 0.98, neuron 0.29; crowded 0.70, 0.69, 0.68
        clear: [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        crowded: [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        "brain": [1.0, 0.0, 0.0, 0.0, 0.0, 0.2],
        "neuron": [0.3, 0.0, 0.0, 0.0, 0.0, 1.0],
        "weather": [0.0, 0.70, 0.714, 0.0, 0.0, 0.0],
        "zebra": [0.0, 0.69, 0.0, 0.724, 0.0, 0.0],
        "tundra": [0.0, 0.68, 0.0, 0.0, 0.733, 0.0],
    }
    encoder = _Encoder(vectors)
    glosser = Glosser(encoder, ["brain", "neuron", "weather", "zebra", "tundra"])
    assert len(glosser) == 5 and glosser.nbytes == 0  # embedded on first use
    assert translations(clear) == ()
    assert glosser.learn([f"{clear} {crowded}"]) == 1
    assert glosser.nbytes == 5 * 6 * 4
    assert translations(clear) == ("brain",)
    assert translations(clear, guessed=False) == ()  # a guess: never in the re-rank
    assert '"brain"' in build_query(clear).expression
    assert translations(crowded) == ()  # near three words alike: no gloss
    embedded = len(encoder.asked)
    assert glosser.learn([clear, crowded, f"{crowded}는"]) == 0
    assert len(encoder.asked) == embedded  # both were asked before


def test_the_run_time_glosses_are_bounded(monkeypatch):
    monkeypatch.setattr(lexicon, "MAX_LEARNED", 3)
    first, second, third, fourth = _nonsense(4)
    lexicon.learn({first: ("a",), second: ("b",)})
    lexicon.learn({third: ("c",), fourth: ("d",)})  # past the bound: memory starts afresh
    assert not lexicon.asked(first) and lexicon.asked(fourth)
    assert translations(first) == () and translations(fourth) == ("d",)


@pytest.fixture(scope="module")
def glosser() -> Glosser:
    embedder = load_embedder()
    assert embedder is not None
    vocabulary = load_vocabulary()
    assert len(vocabulary) > 5_000, "bench.lexicon --glosses writes the vocabulary"
    return Glosser(embedder, vocabulary)


def test_the_shipped_vocabulary_glosses_words_the_files_lack(glosser):
    """With the shipped encoder: words a reader types that no file holds, and a word whose
    nearest English words are a crowd."""
    words = ["뇌", "역할극", "미생물", "조경"]
    assert not any(translations(w) for w in words)
    found = glosser.gloss(words)
    assert found["뇌"] == ("brain",)
    assert found["역할극"][0] == "role"
    assert found["미생물"] == ()  # microbe is not among the corpus's words
    assert found["조경"] == ()  # landscape is, but it does not stand out from the rest


def _english_paper(arxiv_id: str, title: str, abstract: str) -> Paper:
    return Paper(arxiv_id, title, f"https://arxiv.org/abs/{arxiv_id}", abstract=abstract)


PAPERS = (
    _english_paper(
        "2609.00001",
        "Decoding Brain Activity into Images",
        "We reconstruct what a person sees from fMRI recordings of the brain.",
    ),
    _english_paper(
        "2609.00002",
        "Persona Consistency in Role-Play Agents",
        "Language models that play a role drift from their persona over long dialogues.",
    ),
    _english_paper(
        "2609.00003",
        "Faster Sparse Attention Kernels",
        "A GPU kernel for block-sparse attention that halves the memory traffic.",
    ),
)


@pytest.fixture
async def archive(tmp_path, glosser):
    """The three English-only papers in an archive, with the shipped glosser."""
    db = await connect(tmp_path / "g.sqlite3")
    await store_digest(db, Digest(dt.date(2026, 9, 1), PAPERS), "test")
    semantic = Semantic(db, load_embedder())
    semantic.glosser = glosser
    yield db, semantic
    await db.close()


async def test_a_search_for_a_word_no_file_holds_finds_english_papers(archive):
    db, semantic = archive
    assert (await search(db, "뇌", mode="fts")).hits == []  # before: Korean words only
    await semantic.gloss("뇌")
    hits = (await search(db, "뇌", mode="fts")).hits
    assert [h.paper.arxiv_id for h in hits] == ["2609.00001"]
    await semantic.gloss("역할극 에이전트")
    hits = (await search(db, "역할극 에이전트", mode="fts")).hits
    assert [h.paper.arxiv_id for h in hits] == ["2609.00002"]


async def test_a_korean_topic_is_glossed_before_it_is_matched(archive):
    db, semantic = archive
    await semantic.catch_up()
    rows = await db.execute_fetchall("SELECT id, arxiv_id FROM papers ORDER BY arxiv_id")
    papers = [(pid, paper) for (pid, _), paper in zip(rows, PAPERS, strict=True)]
    (topic,) = parse_topics("역할극")
    matched = TopicMatcher(semantic).match(papers, [topic])
    assert translations("역할극")[0] == "role"
    assert matched[topic] == {"2609.00002"}


async def test_the_bot_answers_a_korean_word_only_the_encoder_knows(tmp_path):
    """End to end, with the encoder on: `/search 뇌` over English-only papers."""
    user = FakeBotApi.user(4101, "ko", "서연")
    chat = FakeBotApi.private_chat(user)
    api = ROOT / "tests" / "fixtures" / "hf_api" / "2026-06-29.json"
    env = {"PAPERBOY_SEMANTIC": "on"}
    async with bot_running(tmp_path / "b.sqlite3", str(api), env=env) as bot:
        await bot.pipeline.tasks.get(SEMANTIC_TASK)
        await store_digest(bot.pipeline.db, Digest(dt.date(2026, 9, 1), PAPERS), "test")
        (reply,) = await bot.say(chat, user, "/search 뇌")
        assert_valid(reply)
        assert "Decoding Brain Activity into Images" in reply.text
        # Everyday words gain glosses too (오늘 → today, 점심 → lunch), and still no paper
        # holds them all: off-topic Korean is answered with nothing, as before.
        (reply,) = await bot.say(chat, user, "/search 오늘 점심 뭐 먹지")
        assert (
            reply.text
            == "“오늘 점심 뭐 먹지”에 맞는 논문이 없어요. 검색어를 줄이거나 짧게 바꿔 보세요."
        )
        assert translations("점심") == ("lunch",)
