"""Topics that match meaning: the scoring rules on made-up vectors, the shipped model's score
on the hand-labelled held-out half (a regression floor), and a Korean free-text subscription
delivered end to end for English-only papers."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np

from bot.core.models import Paper
from bot.core.topics import BUILTIN, Topic, parse_topics
from bot.parse.hf_api import parse_hf_api
from bot.pipeline import SEMANTIC_TASK
from bot.understand.embedder import load_embedder
from bot.understand.topic_model import (
    TopicModel,
    TopicRule,
    load_topic_model,
    match_by_meaning,
    topic_profile,
)
from tests.bot_harness import ManualClock, bot_running
from tests.conftest import ROOT, needs_corpus
from tests.fakebot.server import FakeBotApi

ROBOT = np.array([1.0, 0.0, 0.0], np.float32)
MUSIC = np.array([0.0, 1.0, 0.0], np.float32)
MODEL = TopicModel(
    "test",
    # robotics: a title keyword alone is not enough (sigmoid(1 - 2) < 0.5); meaning alone is
    # (sigmoid(3 × 0.9 - 2) > 0.5).
    {"robotics": TopicRule((1.0, 0.0, 0.0), 3 * ROBOT, -2.0, 0.5)},
    free_text_threshold=0.8,
)
PAPERS = [
    Paper("2401.00001", "A robot that folds laundry", "u"),  # keyword and meaning
    Paper("2401.00002", "Learning to fold cloth", "u", abstract="A survey of policies."),
    Paper("2401.00003", "Robot music generation", "u"),  # the word, not the meaning
    Paper("2401.00004", "Symphonies from noise", "u"),
]
VECTORS = [ROBOT, 0.9 * ROBOT + 0.1 * MUSIC, MUSIC, MUSIC]


def matched(topic: str, vectors: list[np.ndarray | None] | None = None) -> set[str]:
    texts = {"음악 생성": MUSIC, "music generation": MUSIC, "laundry": ROBOT}
    given = VECTORS if vectors is None else vectors
    result = match_by_meaning(PAPERS, given, [Topic(topic)], MODEL, texts.__getitem__)
    return {arxiv_id[-1] for arxiv_id in result[Topic(topic)]}


def test_a_built_in_topic_weighs_where_its_words_are_and_what_the_paper_means():
    assert matched("robotics") == {"1", "2"}  # not "3": a title word without the meaning


def test_free_text_matches_its_words_or_its_meaning_across_languages():
    assert matched("음악 생성") == {"3", "4"}  # Korean words, English papers
    assert matched("laundry") == {"1", "2"}  # "1" has the word; "2" only the meaning


def test_korean_free_text_is_also_near_by_its_english():
    """A Korean text is farther from every English paper than its English is (here: nowhere
    near); the lexicon's English of it is embedded too, and the nearer of the two decides."""
    elsewhere = np.array([0.0, 0.0, 1.0], np.float32)
    texts = {"로봇 조작": elsewhere, "robotic manipulation": ROBOT, "조작 로봇 가나다": elsewhere}
    topics = [Topic("로봇 조작"), Topic("조작 로봇 가나다")]
    result = match_by_meaning(PAPERS, VECTORS, topics, MODEL, texts.__getitem__)
    assert result[topics[0]] == {"2401.00001", "2401.00002"}
    assert result[topics[1]] == set()  # 가나다 has no English: its own vector alone


def test_a_korean_text_s_own_vector_needs_a_margin_its_english_does_not():
    """Near a paper by its English at the threshold, by its own Korean vector only at the
    threshold plus KOREAN_MARGIN: the Korean vector alone brought cards its English never
    would."""
    from bot.understand.topic_model import KOREAN_MARGIN

    def unit(cosine: float) -> np.ndarray:  # a vector at ``cosine`` to ROBOT
        return np.array([cosine, np.sqrt(1 - cosine**2), 0.0], np.float32)

    just_above = unit(MODEL.free_text_threshold + KOREAN_MARGIN / 2)
    clear = unit(MODEL.free_text_threshold + KOREAN_MARGIN * 1.5)
    english = np.array([0.0, 0.0, 1.0], np.float32)  # the English is near no paper
    papers = [Paper("2401.00011", "u", "u"), Paper("2401.00012", "u", "u")]
    vectors = [ROBOT, ROBOT]
    for korean, ids in ((just_above, set()), (clear, {"2401.00011", "2401.00012"})):
        texts = {"로봇 조작": korean, "robotic manipulation": english}
        result = match_by_meaning(papers, vectors, [Topic("로봇 조작")], MODEL, texts.__getitem__)
        assert result[Topic("로봇 조작")] == ids
    # Text the lexicon cannot say in English is judged by its own vector at the threshold.
    texts = {"조작 로봇 가나다": just_above}
    topic = Topic("조작 로봇 가나다")
    result = match_by_meaning(papers, vectors, [topic], MODEL, texts.__getitem__)
    assert result[topic] == {"2401.00011", "2401.00012"}


def test_a_topic_profile_is_each_topics_probability():
    profile = topic_profile(PAPERS, np.stack(VECTORS), MODEL)
    assert profile.shape == (4, len(BUILTIN))
    robotics = list(BUILTIN).index("robotics")
    assert profile[0, robotics] > 0.5 > profile[2, robotics]  # meaning beats the word alone
    assert np.delete(profile, robotics, axis=1).max() == 0  # topics without a rule: zero


def test_exclusions_win_and_papers_without_vectors_match_by_words():
    assert matched("robotics -survey") == {"1"}
    assert matched("robotics", [None] * 4) == {"1", "3"}  # keywords alone
    assert matched("*") == {"1", "2", "3", "4"}


@needs_corpus
def test_the_shipped_model_holds_its_score_on_the_held_out_half():
    from bench.topics import read_labelled, scores

    embedder = load_embedder()
    model = load_topic_model()
    assert embedder is not None and model is not None
    assert model.embedding_model == embedder.model
    items = [item for item in read_labelled() if not item.tune]
    vectors = list(embedder.papers([item.paper for item in items]))
    topics = [Topic(slug) for slug in model.rules]
    papers = [item.paper for item in items]
    by_meaning = match_by_meaning(papers, vectors, topics, model, embedder.query)
    by_words = match_by_meaning(papers, [None] * len(items), topics, model, embedder.query)

    def per_topic(matches: dict[Topic, set[str]]) -> list[tuple[float, float, float]]:
        return [
            scores(
                [p.arxiv_id in matches[topic] for p in papers],
                [topic.key in item.topics for item in items],
            )
            for topic in topics
        ]

    def macro(matches: dict[Topic, set[str]]) -> tuple[float, float, float]:
        precision, recall, f1 = np.mean(per_topic(matches), axis=0)
        return float(precision), float(recall), float(f1)

    # Measured when the model was fitted (docs/architecture.md): macro precision 0.760, recall
    # 0.859, F1 0.799 against 0.668 by keywords; lowest recall 0.77 (vision). Issue 26's
    # targets: recall 0.85, precision 0.75, no topic under 0.70. Thresholds lean to recall.
    precision, recall, f1 = macro(by_meaning)
    assert recall >= 0.85
    assert precision >= 0.75
    assert f1 >= 0.79
    assert f1 > macro(by_words)[2] + 0.08
    assert min(recall for _, recall, _ in per_topic(by_meaning)) >= 0.70


API_DAY = ROOT / "tests" / "fixtures" / "hf_api" / "2026-06-29.json"


async def test_a_korean_free_text_subscription_brings_english_papers_by_meaning(tmp_path):
    user = FakeBotApi.user(4101, "ko", "지훈")
    chat = FakeBotApi.private_chat(user)
    sources = tmp_path / "digests"
    sources.mkdir()
    clock = ManualClock(dt.datetime(2026, 6, 29, 23, 0, tzinfo=dt.UTC))
    env = {"PAPERBOY_SEMANTIC": "on"}
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock, env=env) as bot:
        await bot.pipeline.tasks.get(SEMANTIC_TASK)
        (reply,) = await bot.say(chat, user, "/subscribe 로봇 조작")
        assert "로봇 조작" in reply.text
        mark = bot.api.mark()
        shutil.copy(API_DAY, sources / API_DAY.name)
        await bot.pipeline.poll_now()
        await bot.deliver()
        await bot.api.wait_sent(user["id"], count=1, after=mark)
        cards = [s for s in bot.api.sent[mark:] if s.chat_id == user["id"]]
    # No Korean word of the subscription is in the papers; their meaning (and the English
    # the lexicon gives 로봇 조작: robotic manipulation) is. The chat gets what the same words
    # in English bring, no more and no fewer (issue 26: a quarter of it).
    (card,) = [c for c in cards if "Transferring Manipulation Skills" in c.text]
    assert "로봇" not in card.text.split("\n")[0]
    papers = [
        p for d in parse_hf_api(API_DAY.read_text(encoding="utf-8"), "d").digests for p in d.papers
    ]
    embedder = load_embedder()
    assert embedder is not None
    (english,) = parse_topics("robotic manipulation")
    vectors = list(embedder.papers(papers))
    model = load_topic_model()
    assert model is not None
    wanted = match_by_meaning(papers, vectors, [english], model, embedder.query)[english]
    titles = {p.title.split(":")[0] for p in papers if p.arxiv_id in wanted}
    assert len(cards) == len(wanted) >= 3
    assert all(any(title in c.text for c in cards) for title in titles)


SEED_DAY = ROOT / "tests" / "fixtures" / "daily_papers_ko" / "2024" / "09" / "20.md"


async def test_subscribing_to_video_brings_the_video_understanding_model_of_the_seed_day(
    tmp_path,
):
    """Issue 26's case: "Oryx MLLM" understands video without the word in a keyword column
    that weighs much; the recall-leaning threshold brings it, LVCD (video colourisation) too,
    and not MURI (instruction data for low-resource languages)."""
    user = FakeBotApi.user(4102, "en", "Ada")
    narrower = FakeBotApi.user(4103, "en", "Grace")
    sources = tmp_path / "digests"
    sources.mkdir()
    clock = ManualClock(dt.datetime(2024, 9, 20, 23, 0, tzinfo=dt.UTC))
    env = {"PAPERBOY_SEMANTIC": "on"}
    async with bot_running(tmp_path / "b.sqlite3", str(sources), clock=clock, env=env) as bot:
        await bot.pipeline.tasks.get(SEMANTIC_TASK)
        await bot.say(FakeBotApi.private_chat(user), user, "/subscribe video")
        chat = FakeBotApi.private_chat(narrower)
        await bot.say(chat, narrower, "/subscribe video -colorization")
        (listing,) = await bot.say(chat, narrower, "/topics")
        mark = bot.api.mark()
        shutil.copy(SEED_DAY, sources / "2024-09-20.md")
        await bot.pipeline.poll_now()
        await bot.deliver()
        for reader in (user, narrower):
            await bot.api.wait_sent(reader["id"], count=1, after=mark)

        def received(reader: dict) -> str:
            return "\n".join(s.text for s in bot.api.sent[mark:] if s.chat_id == reader["id"])

        broad, narrow = received(user), received(narrower)
    assert "Oryx MLLM" in broad
    assert "LVCD" in broad
    assert "MURI" not in broad
    # The exclusion /topics suggests works on a built-in topic's model too.
    assert "lean towards not missing" in listing.text
    assert "Oryx MLLM" in narrow
    assert "LVCD" not in narrow
