"""Korean reaches English-only papers: the shipped lexicon, search and topic subscriptions."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.core.lexicon import (
    compound,
    english_of,
    join_phrases,
    korean_words,
    stem,
    translations,
)
from bot.core.query import build_query
from bot.core.topics import parse_topics
from bot.parse.hf_api import parse_hf_api
from bot.source.ingest import IngestReport, store_text
from bot.understand.crosslingual import english_groups, holds_any
from bot.understand.search import search
from storage.keywords import keyword_matches
from tests.conftest import ROOT


def fixed_meaning(hits: list[tuple[int, float]]):
    """A stand-in for ``Semantic.rank``: the same nearest papers for any text, then each of
    ``also`` it was not already giving, at cosine 0."""

    async def rank(text: str, k: int, also: Sequence[int] = ()) -> list[tuple[int, float]]:
        found = hits[:k]
        listed = {pid for pid, _ in found}
        return found + [(pid, 0.0) for pid in also if pid not in listed]

    return rank


API_DAYS = sorted((ROOT / "tests" / "fixtures" / "hf_api").glob("*.json"))
PAPERS = [
    paper
    for path in API_DAYS
    for digest in parse_hf_api(path.read_text(encoding="utf-8"), path.name).digests
    for paper in digest.papers
]
# Korean terms a reader types, and their English forms as an English reader would.
TERM_PAIRS = [
    ("강화학습", "reinforcement learning"),
    ("벤치마크", "benchmark"),
    ("에이전트", "agent"),
    ("로봇", "robot"),
    ("비디오 생성", "video generation"),
    ("동영상 생성", "video generation"),  # the native word, hand-written beside the mined ones
    ("확산 모델", "diffusion model"),
    ("추론", "reasoning"),
    ("멀티모달", "multimodal"),
    ("사고의 사슬", "chain-of-thought"),  # a glossary phrase
    ("대형 언어 모델", "large language model"),
]


def test_particles_are_stripped_and_words_found():
    assert stem("모델을") == "모델" and stem("효율적인") == "효율" and stem("이") == "이"
    assert korean_words("대형 언어 모델의 환각을 줄입니다") >= {"대형", "언어", "모델", "환각"}


def test_the_lexicon_knows_the_basic_terms_and_nothing_else():
    assert "reinforcement" in translations("강화학습")
    assert translations("양자화를") == ("quantization",)  # the particle stripped
    assert "robot" in translations("로봇")
    assert translations("동영상을") == ("video",) and translations("비주얼") == ("visual",)
    assert translations("diffusion") == () and translations("") == ()
    assert translations("가" * 50) == ()  # no lookups for runs no word is


def test_a_korean_term_becomes_its_phrase_or_its_translations():
    expression = build_query("양자화").expression
    assert expression == '("양자 자화" OR "quantization")'
    assert build_query("-양자화 llm").expression == '("llm") NOT ("양자 자화")'  # as typed


def test_a_glossary_phrase_is_one_term_with_english_of_several_words():
    """맥락 내 학습 is "in-context learning": word by word (context, 내, learning) it matched
    nothing, since no English paper holds 내."""
    assert join_phrases(["맥락", "내", "학습", "벤치마크"]) == ["맥락 내 학습", "벤치마크"]
    assert join_phrases(["사고의", "사슬을"]) == ["사고의 사슬을"]  # the last particle aside
    assert join_phrases(["내", "학습"]) == ["내", "학습"]  # no phrase: the words as typed
    assert "in-context learning" in translations("맥락 내 학습")
    assert translations("점군") == ("point cloud",)
    query = build_query("맥락 내 학습")
    assert query.terms == ("맥락 내 학습",)
    assert '("in-context" AND "learning")' in query.expression


def test_korean_terms_are_said_in_english_only_when_every_one_has_a_translation():
    assert english_of(["맥락 내 학습", "벤치마크"]) == "in-context learning benchmark"
    assert english_of(["음성번역"]) == "speech translation"  # a compound, by its halves
    assert english_of(["llm", "양자화"]) == "llm quantization"
    assert english_of(["llm"]) is None  # nothing to say in English
    assert english_of(["양자화", "가나다"]) is None  # half a translation says something else


def test_a_built_in_topic_s_korean_keyword_matches_its_english_as_a_phrase():
    """Typed free text matches a translation's words anywhere, as the English typed would; a
    built-in topic's keyword (대형 언어 모델) stays as specific as its English keywords."""
    from bot.core.topics import Topic

    words = '("large" AND "language" AND "model")'
    built_in = Topic("llm").expression()
    assert '"large language model"' in built_in and words not in built_in
    (free,) = parse_topics("대형 언어 모델")
    assert words in free.expression()
    from bot.understand.topic_model import _plan

    assert _plan(Topic("llm")).positive == built_in  # what the topic model reads, the same


def test_a_compound_the_lexicon_knows_in_halves_needs_both():
    """Korean writes compounds without spaces (음성번역, 데이터증강): a compound the lexicon
    lacks is split where both halves are known, and a paper must say both."""
    assert compound("음성번역") == ("음성", "번역")
    assert {"speech", "translation"} <= set(translations("음성번역"))
    assert compound("음성") is None and compound("강화학습") is None  # known whole
    assert compound("가나다라") is None  # no known halves
    expression = build_query("음성번역").expression
    assert '("음성" OR "speech")' in expression and '("번역" OR "translation")' in expression
    assert " AND " in expression


@pytest.fixture
async def english_day(db):
    for path in API_DAYS:
        await store_text(db, path.read_text(encoding="utf-8"), path.name, IngestReport())
    return db


@pytest.mark.parametrize(("korean", "english"), TERM_PAIRS)
async def test_a_korean_search_finds_what_its_english_finds(english_day, korean, english):
    """The fixtures are English-only API days: before the lexicon, every Korean term here
    found nothing."""
    found = {h.paper.arxiv_id for h in (await search(english_day, korean, limit=50)).hits}
    wanted = {h.paper.arxiv_id for h in (await search(english_day, english, limit=50)).hits}
    assert wanted, english
    assert len(found & wanted) >= 0.8 * len(wanted)


def test_a_korean_subscription_brings_what_its_english_one_brings():
    ratios, extra = [], []
    for korean, english in TERM_PAIRS:
        (ko,), (en,) = parse_topics(korean), parse_topics(english)
        matches = keyword_matches(PAPERS, [ko, en])
        if matches[en]:
            ratios.append(len(matches[ko] & matches[en]) / len(matches[en]))
        if matches[ko]:
            extra.append(len(matches[ko] - matches[en]) / len(matches[ko]))
    assert len(ratios) >= 6
    assert sum(ratios) / len(ratios) >= 0.8  # issue 26: at least 0.8 of the English cards
    assert sum(extra) / len(extra) <= 0.3  # and at most 0.3 of its cards beyond them


SHARED_API = ROOT.parent / "shared" / "corpus" / "hf_api"


@pytest.mark.skipif(not SHARED_API.is_dir(), reason="needs ../shared/corpus")
async def test_the_issue_s_searches_find_the_english_papers(db):
    """Over the shared 2026-08-20/21 days: `/search 확산 모델` found nothing while
    `diffusion` found 4DAnyone; `/search 강화학습 추론` missed Co-RL."""
    for day in ("2026-08-20", "2026-08-21"):
        path = SHARED_API / f"{day}.json"
        await store_text(db, path.read_text(encoding="utf-8"), path.name, IngestReport())
    diffusion = [h.paper.title for h in (await search(db, "확산 모델", limit=10)).hits]
    assert any("4DAnyone" in title for title in diffusion)
    reasoning = [h.paper.title for h in (await search(db, "강화학습 추론", limit=5)).hits]
    assert any(title.startswith("Co-RL") for title in reasoning)


async def test_without_meaning_a_query_no_paper_fully_matches_still_finds_papers(english_day):
    """No paper says both words: the words side answers with the papers that say the rarer
    one, never nothing. With meaning on, they follow what meaning found and are never fused
    with it (they would bury it); when meaning finds nothing either, they are the answer
    (`버그 수정` over the 2026 API days: nothing before, 29 papers with bugs now)."""
    both = await search(english_day, "robot zebra", mode="fts")
    alone = await search(english_day, "robot", mode="fts")
    assert both.hits and {h.paper.arxiv_id for h in both.hits} == {
        h.paper.arxiv_id for h in alone.hits
    }

    nothing_nearby = fixed_meaning([])

    fused = await search(english_day, "robot zebra", meaning=nothing_nearby)
    assert [h.paper.arxiv_id for h in fused.hits] == [h.paper.arxiv_id for h in both.hits]
    # A query none of whose words a paper says still finds nothing.
    assert (await search(english_day, "zebra giraffe", meaning=nothing_nearby)).hits == []


async def test_when_meaning_finds_few_and_no_paper_has_every_word_the_rarer_words_follow(
    english_day,
):
    """`긴 문맥` found 4 papers by meaning and nothing by all its words; the papers with the
    rarer word now follow the meaning hits, which keep the top."""
    alone = {h.paper.arxiv_id for h in (await search(english_day, "robot", mode="fts")).hits}
    ((first_id,),) = await english_day.execute_fetchall(
        "SELECT id FROM papers WHERE title NOT LIKE '%robot%' ORDER BY id LIMIT 1"
    )

    one_nearby = fixed_meaning([(first_id, 0.4)])

    results = await search(english_day, "robot zebra", meaning=one_nearby)
    ids = [h.paper.arxiv_id for h in results.hits]
    ((first_arxiv,),) = await english_day.execute_fetchall(
        "SELECT arxiv_id FROM papers WHERE id = ?", (first_id,)
    )
    assert ids[0] == first_arxiv
    assert set(ids[1:]) and set(ids[1:]) <= alone
    assert results.matches >= len(results.hits)


async def _ids(db, *title_parts: str) -> list[int]:
    found = []
    for part in title_parts:
        ((pid,),) = await db.execute_fetchall(
            "SELECT id FROM papers WHERE title LIKE ? ORDER BY id LIMIT 1", (f"%{part}%",)
        )
        found.append(pid)
    return found


async def test_match_counts_are_remembered_until_the_archive_grows(english_day):
    from storage.search import indexed_texts, paper_count_and_matches

    ((papers,),) = await english_day.execute_fetchall("SELECT max(id) FROM papers")
    ((diffusing,),) = await english_day.execute_fetchall(
        "SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH '\"diffusion\"'"
    )
    total, counts = await paper_count_and_matches(english_day, ['"diffusion"', '"zebra"'])
    assert total == papers and counts == [diffusing, 0] and diffusing > 1
    # A count is not read again while the archive is about the same size.
    english_day.search_cache.spread['"diffusion"'] = 999
    assert (await paper_count_and_matches(english_day, ['"diffusion"']))[1] == [999]
    moved = API_DAYS[0].read_text(encoding="utf-8").replace("2606.", "2612.")
    await store_text(english_day, moved, "moved.json", IngestReport())
    total_after, counts_after = await paper_count_and_matches(english_day, ['"diffusion"'])
    assert total_after > total * 1.05 and diffusing <= counts_after[0] < 999
    (abra,) = await _ids(english_day, "Abra:")
    texts = await indexed_texts(english_day, [abra, 10**9])
    assert list(texts) == [abra] and "diffusion" in texts[abra].lower()


async def test_a_korean_query_lifts_the_candidates_that_hold_its_english_words(english_day):
    """The encoder ranks an English abstract poorly for a Korean description of it; the
    lexicon's English words for the query decide among its candidates."""
    from bot.understand.crosslingual import english_words

    assert {"diffusion", "image"} <= set(english_words("확산 기반 이미지 생성"))
    assert english_words("diffusion image") == []  # English queries are left to the encoder
    robot, flow, abra = await _ids(english_day, "PhysisForcing", "Energy-Guided", "Abra:")

    encoder_prefers_the_robot = fixed_meaning([(robot, 0.42), (flow, 0.41), (abra, 0.40)])

    arxiv = dict(await english_day.execute_fetchall("SELECT id, arxiv_id FROM papers"))
    # 정말 ("really") has no English: no paper holds every word, so the order is the re-rank's.
    korean = await search(english_day, "확산 이미지 학습 정말", meaning=encoder_prefers_the_robot)
    assert korean.hits[0].paper.arxiv_id == arxiv[abra]
    english = await search(english_day, "zzzz qqqq", meaning=encoder_prefers_the_robot)
    assert [h.paper.arxiv_id for h in english.hits] == [arxiv[robot], arxiv[flow], arxiv[abra]]


async def test_a_common_words_count_is_estimated_from_its_newest_matches(english_day, monkeypatch):
    """Counting a word in most papers reads its whole posting list; past a cap the count is
    estimated from how recent its cap-th newest match is, and stays near the truth."""
    import storage.search

    ((agents,),) = await english_day.execute_fetchall(
        "SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH '\"agent\"'"
    )
    assert agents > 12
    monkeypatch.setattr(storage.search, "_COUNTED", 6)
    _, (estimated,) = await storage.search.paper_count_and_matches(english_day, ['"agent"'])
    assert estimated != agents and agents / 2 <= estimated <= agents * 2
    _, (counted,) = await storage.search.paper_count_and_matches(english_day, ['"physics"'])
    assert 0 < counted < 6  # under the cap: counted exactly


def test_a_word_is_held_at_the_start_of_a_word_hyphenated_or_spaced():
    assert holds_any("scaling long context models", "long-context")
    assert holds_any("a long-context benchmark", "long-context")
    assert holds_any("(models) are", "model") and holds_any("models", "model")
    assert not holds_any("remodel the house", "model")
    assert not holds_any("training", "rain")


def test_a_word_only_the_encoder_glossed_is_matched_in_english_but_never_re_ranks():
    """한국어 is in too few parallel papers to be mined and in no glossary: the encoder's
    nearest English word ("korean") translates it for a typed term, while the re-rank of a
    sentence's candidates leaves such guesses out."""
    from bot.understand.crosslingual import english_words

    assert translations("한국어") == ("korean",)
    assert translations("한국어", guessed=False) == ()
    assert '"korean"' in build_query("한국어").expression
    assert "korean" not in english_words("한국어 대형 언어 모델")
    assert "language" in english_words("한국어 대형 언어 모델")


def test_the_summaries_frequent_words_translate_in_the_field_s_sense():
    """Nouns of 40+ real summaries that no file translated (인공지능, 분산, 밀집) or that the
    encoder glossed in another sense (능가: capabilities, 짧은: young) are in the glossary, so
    a subscription in them brings what its English brings (none of these did)."""
    assert translations("인공지능", guessed=False)[0] == "AI"
    assert {"distributed", "variance"} <= set(translations("분산을", guessed=False))
    assert "outperform" in translations("능가") and "capabilities" not in translations("능가")
    assert translations("짧은") == ("short",)
    for korean, english in [
        ("밀집 검색", "dense retrieval"),
        ("분산 학습", "distributed training"),
        ("인공지능 에이전트", "AI agent"),
        ("견고성", "robustness"),
    ]:
        (ko,), (en,) = parse_topics(korean), parse_topics(english)
        matches = keyword_matches(PAPERS, [ko, en])
        assert matches[en] and matches[ko] == matches[en], korean


def test_what_was_mined_or_written_wins_over_a_gloss(monkeypatch):
    import bot.core.lexicon as lexicon

    monkeypatch.setattr(lexicon, "_glosses", lambda: {"로봇": ("bot",), "가나다": ("abc",)})
    assert "robot" in translations("로봇") and "bot" not in translations("로봇")
    assert translations("가나다") == ("abc",)


def test_a_word_mined_and_written_by_hand_takes_both_mined_first():
    """Mining picks one form of a word (얼굴: facial); the hand-written entry names the
    rest (face), and a subscription in the Korean word brings papers saying either."""
    from bot.core.models import Paper

    assert translations("얼굴", guessed=False)[:2] == ("facial", "face")
    assert english_of(["얼굴"]) == "facial"  # the first translation is still the mined one
    assert {"reinforcement learning", "rl"} <= set(translations("강화학습", guessed=False))
    papers = [
        Paper("2601.00001", "Talking Face Animation", "https://arxiv.org/abs/2601.00001"),
        Paper("2601.00002", "Facial Expression Editing", "https://arxiv.org/abs/2601.00002"),
        Paper("2601.00003", "Robot Grasping", "https://arxiv.org/abs/2601.00003"),
    ]
    (topic,) = parse_topics("얼굴")
    assert keyword_matches(papers, [topic])[topic] == {"2601.00001", "2601.00002"}


def test_the_corpus_words_no_korean_word_reached_now_have_their_korean():
    """The glossary's corpus-word block: words of three or more papers that no Korean word
    reached (fairness, pathology, threshold), in the Korean a reader types, and the summary
    nouns a reader types; a word the summaries use in another sense (기술, the summaries'
    "Technical Details") is not there."""
    for korean, english in [
        ("공정성", "fairness"),
        ("병리", "pathology"),
        ("임계값", "threshold"),
        ("손", "hand"),
        ("긴", "long"),
        ("만화", "comics"),
        ("현실", "real-world"),  # a summary noun of 120 summaries, the second pass
        ("물체", "object"),
    ]:
        assert english in translations(korean, guessed=False), korean
    assert translations("기술", guessed=False) == ()
    assert build_query("공정성").terms == ("공정성",)


class _Encoder:
    """Vectors by hand: each text's vector is looked up."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def texts(self, texts):
        import numpy as np

        rows = np.array([self.vectors[t] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_gloss_is_a_near_english_word_never_a_hub_nor_for_a_verb_form():
    from bench.lexicon import glosses

    def words(stem: str, count: int) -> list[str]:
        return [f"{stem}{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(count)]

    vectors = {
        "법률": [1.0, 0.0, 0.0, 0.1],
        "축구": [0.0, 1.0, 0.0, 0.1],
        "제안합니다": [0.0, 0.0, 1.0, 0.1],  # a verb form: never glossed
        "강아지": [0.45, 0.45, 0.45, 0.65],  # near the hubs; else a crowd below 0.65
        "고래": [0.55, 0.5, 0.5, 0.45],
        "legal": [0.95, 0.05, 0.0, 0.1],
        "lawful": [0.93, 0.07, 0.0, 0.1],  # close to the best: kept too
        "soccer": [0.0, 0.9, 0.4, 0.1],
        "propose": [0.0, 0.0, 1.0, 0.1],
    }
    vectors |= {w: [0.6, 0.6, 0.6, 0.6] for w in words("hub", 8)}  # near every word
    vectors |= {w: [0.0, 0.0, 0.0, 1.0] for w in words("zz", 300)}  # the bulk
    korean = ["법률 축구 제안합니다 강아지 고래"] * 2
    english = [" ".join(w for w in vectors if w.isascii())] * 3
    found, vocabulary = glosses(korean, english, lambda word: False, _Encoder(vectors))
    assert found == {"법률": ["legal", "lawful"], "축구": ["soccer"]}
    assert "legal" in vocabulary and not any(w.startswith("hub") for w in vocabulary)
    known, _ = glosses(korean, english, lambda word: word == "축구", _Encoder(vectors))
    assert known == {"법률": ["legal", "lawful"]}


def test_a_phrase_is_found_however_it_is_spaced(monkeypatch):
    """Korean spacing varies (해석 가능성, 해석가능성): a phrase typed with spaces takes the
    entry of its unspaced form, from the files or, as a guess, from the glosses."""
    import bot.core.lexicon as lexicon

    monkeypatch.setattr(lexicon, "_lexicon", lambda: {"가나다라": ("abcd",)})
    monkeypatch.setattr(lexicon, "_glosses", lambda: {"마바사아": ("efgh",)})
    assert join_phrases(["가나", "다라", "자차"]) == ["가나 다라", "자차"]
    assert translations("가나 다라") == ("abcd",)
    assert translations("가나 다라를") == ("abcd",)  # the particle comes off the last word
    assert join_phrases(["마바", "사아"]) == ["마바 사아"]
    assert translations("마바 사아") == ("efgh",)
    assert translations("마바 사아", guessed=False) == ()
    assert '"efgh"' in build_query("마바 사아").expression


def test_the_shipped_files_join_a_spaced_phrase_and_the_re_rank_keeps_its_words():
    from bot.understand.crosslingual import english_words

    assert translations("해석 가능성") == ("interpretability",)  # the gloss of 해석가능성
    assert join_phrases(["해석", "가능성", "연구"])[0] == "해석 가능성"
    # A phrase only a gloss knows counts by its words in the re-rank, as before it was joined.
    each = list(dict.fromkeys(english_words("해석") + english_words("가능성")))
    assert english_words("해석 가능성") == each
    assert "interpretability" not in english_words("해석 가능성 강화 학습")
    assert "reinforcement" in english_words("해석 가능성 강화 학습")


async def test_a_term_s_papers_lead_and_meaning_s_others_follow(english_day):
    """A term looked up (up to three words) puts the papers that say every word of it
    first, so meaning's near-misses no longer take places in the top five; a longer query is
    a description, and there meaning's best stays fused among the word hits."""
    ((other_id, other_arxiv),) = await english_day.execute_fetchall(
        "SELECT id, arxiv_id FROM papers WHERE title || abstract NOT LIKE '%robot%'"
        " ORDER BY id LIMIT 1"
    )

    other_first = fixed_meaning([(other_id, 0.9)])

    for term in ("robot", "robot policy"):
        said = (await search(english_day, term, mode="fts", limit=50)).hits
        assert len(said) >= 2, term
        ids = [
            h.paper.arxiv_id
            for h in (await search(english_day, term, limit=50, meaning=other_first)).hits
        ]
        assert other_arxiv in ids, term
        assert set(ids[: ids.index(other_arxiv)]) == {h.paper.arxiv_id for h in said}, term

    description = "robot policy learning tasks"
    said = (await search(english_day, description, mode="fts", limit=50)).hits
    assert len(said) >= 2 and other_arxiv not in {h.paper.arxiv_id for h in said}
    fused = await search(english_day, description, limit=50, meaning=other_first)
    assert [h.paper.arxiv_id for h in fused.hits][1] == other_arxiv


async def test_a_korean_topic_naming_a_built_in_matches_what_the_built_in_matches(english_day):
    """`/subscribe multimodal` is the built-in topic, tuned to miss few papers; `/subscribe
    멀티모달` was free text and brought 114 of its 191 papers over the 2026 days. A Korean
    topic the lexicon says is exactly a built-in's name now matches what the built-in does,
    with its own exclusions; a translation that only resembles a name (에이전트: agent, not
    agents) is not widened to the built-in."""
    from bot.core.topics import Topic
    from bot.understand.topics import TopicMatcher
    from storage.archive import papers_keyed

    rows = await english_day.execute_fetchall("SELECT id FROM papers ORDER BY id")
    papers = list((await papers_keyed(english_day, [pid for (pid,) in rows])).items())
    korean, english = Topic("멀티모달"), Topic("multimodal")
    narrower, agent, agents = Topic("멀티모달 -video"), Topic("에이전트"), Topic("agents")
    found = TopicMatcher().match(papers, [korean, english, narrower, agent, agents])
    assert found[english] and found[english] <= found[korean]
    videos = {p.arxiv_id for _, p in papers if "video" in p.searchable_text.lower()}
    assert found[korean] & videos and found[narrower] and not found[narrower] & videos
    assert not found[agents] <= found[agent]


async def test_a_term_said_as_one_phrase_leads_the_papers_with_its_words_apart(db):
    """`consistency model` (or 일관성 모델) asks for consistency models: a popular paper
    that says "consistency" in one sentence and "model" in another followed them before,
    and took the top five; now the papers that say the phrase lead, then the other word hits,
    then meaning's others."""
    import datetime as dt

    from bot.core.models import Digest, Paper
    from storage.archive import store_digest

    def paper(arxiv_id: str, title: str, abstract: str, votes: int) -> Paper:
        return Paper(
            arxiv_id=arxiv_id,
            title=title,
            url=f"https://arxiv.org/abs/{arxiv_id}",
            votes=votes,
            abstract=abstract,
        )

    apart = [
        paper(f"2607.0000{i}", f"Consistency of a reward model {i}", "We test consistency.", 900)
        for i in range(1, 7)
    ]
    said = paper("2607.00009", "Few-step image generation", "We distil consistency models fast.", 1)
    other = paper("2607.00010", "Sampling in one step", "A one-step image sampler.", 1)
    await store_digest(db, Digest(dt.date(2026, 7, 1), (*apart, said, other)), "test")
    ((other_id,),) = await db.execute_fetchall(
        "SELECT id FROM papers WHERE arxiv_id = ?", (other.arxiv_id,)
    )

    other_first = fixed_meaning([(other_id, 0.9)])

    for query in ("consistency model", "일관성 모델"):
        hits = (await search(db, query, limit=10, meaning=other_first)).hits
        ids = [h.paper.arxiv_id for h in hits]
        assert ids[0] == said.arxiv_id, query
        assert set(ids[1:7]) == {p.arxiv_id for p in apart} and ids[7] == other.arxiv_id


def test_a_term_s_phrasings_are_its_words_as_typed_or_translated_in_order():
    from bot.core.query import phrasings

    assert phrasings(["sparse", "attention"]) == ["sparse attention"]
    assert "consistency model" in phrasings(["일관성 모델"])
    assert "sparse attention" in phrasings(["sparse", "어텐션"])
    # One word with one-word translations has nothing a phrase would add.
    assert phrasings(["diffusion"]) == [] and phrasings(["양자화"]) == []
    assert "autonomous driving" in phrasings(["자율주행"])
    assert len(phrasings(["추론", "모델", "평가"], limit=5)) == 5


async def test_papers_holding_the_rarer_english_words_join_meanings_candidates(english_day):
    """The encoder may rank a paper that says what the Korean query names past its
    candidates; the papers holding the query's rarer English words join them, scored by
    their cosine and the words they hold. Words in more than 5% of the archive do not
    bring papers (they would bring hundreds)."""
    from bot.understand.crosslingual import reranked

    (voxel,) = await _ids(english_day, "GS-Voxel")
    robot, flow = await _ids(english_day, "PhysisForcing", "Energy-Guided")
    asked: list[tuple[int, list[int]]] = []
    far = fixed_meaning([(robot, 0.30), (flow, 0.29)])

    async def meaning(text: str, k: int, also: Sequence[int] = ()) -> list[tuple[int, float]]:
        asked.append((k, list(also)))
        return await far(text, k, also)

    ranked = await reranked(english_day, "가우시안 스플래팅 정말", meaning, 200)
    assert asked == [(200, []), (0, [voxel])]
    assert ranked[0] == (voxel, pytest.approx(0.4))  # cosine 0, every English word held
    assert [pid for pid, _ in ranked[1:]] == [robot, flow]
    # 로봇 (robot) is in far more than 5% of these papers: meaning's candidates alone.
    asked.clear()
    await reranked(english_day, "로봇 정말", meaning, 200)
    assert asked == [(200, [])]


async def test_papers_holding_reads_each_expressions_newest_papers(english_day):
    from storage.search import papers_holding

    (voxel,) = await _ids(english_day, "GS-Voxel")
    splatting, robots, nothing = await papers_holding(
        english_day, ['"splatting"', '"robot"', '"zzzqqq"'], 3
    )
    assert splatting == [voxel] and nothing == []
    arxiv = dict(await english_day.execute_fetchall("SELECT id, arxiv_id FROM papers"))
    newest = await english_day.execute_fetchall(
        "SELECT p.id FROM papers_fts f JOIN papers p ON p.arxiv_key = f.rowid"
        " WHERE papers_fts MATCH '\"robot\"' ORDER BY f.rowid DESC LIMIT 3"
    )
    assert robots == [pid for (pid,) in newest] and len({arxiv[p] for p in robots}) == 3
    assert await papers_holding(english_day, [], 3) == []


def test_a_typed_word_reaches_its_entry_through_its_particles_and_endings():
    """A reader types 에이전트들을 or 진화시키는, not the lexicon's 에이전트 and 진화: each
    further particle or verb ending is peeled until a form has an entry. A one-syllable noun
    is reached (층을 → 층) but not out of a word of its own (별도의 is not 별, star)."""
    from bot.core.lexicon import forms

    assert forms("에이전트들을") == ["에이전트들을", "에이전트들", "에이전트"]
    assert translations("에이전트들을", guessed=False) == translations("에이전트", guessed=False)
    assert "evolution" in translations("진화시키는", guessed=False)
    assert "requirement" in translations("요구사항만으로", guessed=False)
    assert "agent" in translations("에이전트든", guessed=False)
    assert translations("층을", guessed=False) == translations("층", guessed=False) != ()
    assert translations("별", guessed=False) == ("star",)
    for word in ("별도의", "불과한", "별로"):
        assert "star" not in translations(word, guessed=False), word
        assert "fire" not in translations(word, guessed=False), word
    assert forms("모델") == ["모델"]


async def test_a_korean_word_counts_once_whichever_of_its_translations_a_paper_says(english_day):
    """충실도 is fidelity or faithfulness: a paper that says its rarer translation says the
    word in full, one that says only a commoner one says it in part. Counted as separate
    words, a paper had to say them all (휴대폰, three senses: "mobile" alone held a third)."""
    import math

    from bot.understand.crosslingual import LEXICAL_WEIGHT, reranked
    from storage.search import indexed_texts, paper_count_and_matches

    assert english_groups("휴대폰 이미지 생성") == [
        (("mobile",), ("phone",), ("smartphone",)),
        (("image", "generation"), ("text-to-image",)),
    ]
    # A word as typed: stemmed first, 충실도 and 정확도 lost their 도 and found nothing.
    assert english_groups("정확도와 해상도") == [(("accuracy",),), (("resolution",),)]
    (senses,) = english_groups("충실도")
    words = [w for (w,) in senses]
    assert {"fidelity", "faithfulness"} <= set(words)
    total, counts = await paper_count_and_matches(english_day, [f'"{w}"' for w in words])
    weight = {w: math.log(total / n) for w, n in zip(words, counts, strict=True) if n}
    rarest = max(weight, key=weight.get)
    ids = [pid for (pid,) in await english_day.execute_fetchall("SELECT id FROM papers")]
    texts = {pid: text.lower() for pid, text in (await indexed_texts(english_day, ids)).items()}
    said = {pid: {w for w in weight if holds_any(texts[pid], w)} for pid in ids}
    full = next(pid for pid in ids if rarest in said[pid])
    part = next(pid for pid in ids if said[pid] and rarest not in said[pid])
    meaning = fixed_meaning([(full, 0.0), (part, 0.0)])
    ranked = dict(await reranked(english_day, "충실도", meaning, 9))
    assert ranked[full] == pytest.approx(LEXICAL_WEIGHT)
    partial = max(weight[w] for w in said[part]) / weight[rarest]
    assert 0 < partial < 1 and ranked[part] == pytest.approx(LEXICAL_WEIGHT * partial)


def test_a_field_or_everyday_word_reaches_its_english_and_not_the_prose_it_begins():
    """The glossary's fields block: a reader's 특허 or 교통 had no entry (or the mined
    'vehicle'), so the search answered nothing or the wrong papers. A translation is held
    where a paper's word starts with it, so one that begins the prose of papers in another
    sense (gene: generation, novel, art: artificial) would lift papers on anything."""
    for korean, english in [
        ("특허", "patent"),
        ("교통", "traffic"),
        ("병원", "hospital"),
        ("유전자", "genes"),
        ("반도체", "semiconductor"),
        ("날씨", "weather"),
    ]:
        assert english in translations(korean, guessed=False), korean
    for korean in ("유전자", "소설", "미술", "수업"):
        for english in translations(korean, guessed=False):
            assert not holds_any("a novel generation of artificial classification", english)


def test_a_name_typed_in_hangul_re_ranks_by_its_english_in_any_case():
    """구글 and 지피유 are read as google and GPU; the re-rank reads papers lower-cased, so an
    entry written GPU is held as gpu (it was never held before)."""
    assert english_groups("구글의 지피유") == [(("google",),), (("gpu",),)]
    assert holds_any("a gpu kernel", english_groups("지피유")[0][0][0])


def test_no_korean_key_is_written_twice_in_a_hand_written_file():
    """A key written twice keeps only its later line: 불일치 had lost inconsistency and
    mismatch that way."""
    from bot.core import lexicon

    for path in (lexicon.GLOSSARY_FILE, lexicon.LOANWORDS_FILE, lexicon.CORRECTIONS_FILE):
        rows = path.read_text(encoding="utf-8").splitlines()
        keys = [" ".join(r.split("\t")[0].split()) for r in rows if r and not r.startswith("#")]
        assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    assert "mismatch" in translations("불일치", guessed=False)


def test_a_corrected_mined_entry_says_what_the_word_means_and_keeps_what_was_written():
    """Co-occurrence paired 정량 with qualitative and 보호 with federated: the correction takes
    their place. A hand-written sense of the same word stays beside it, and a word whose
    correction is empty is dropped unless something wrote it."""
    from bot.core.lexicon import merged

    table = merged(
        {"정량": ("qualitative",), "보호": ("federated", "server"), "피하고": ("criterion",),
         "얼굴": ("facial",)},
        {"보호": ("privacy",)},
        {"정량": ("quantitative",), "보호": ("protection",), "피하고": ()},
    )  # fmt: skip
    assert table == {
        "정량": ("quantitative",),
        "보호": ("protection", "privacy"),
        "얼굴": ("facial",),
    }
    assert translations("정량", guessed=False) == ("quantitative",)
    assert "federated" not in translations("보호", guessed=False)
    assert english_of(["얼굴", "표정"]) == "facial expression"  # not facial avatar
    # The encoder glossed 합성곱 as synthesis (its first syllables'); the glossary says it.
    assert translations("합성곱")[0] == "convolution"
    assert translations("그라운디드") == ("grounded",)  # glossed as gradients before


def test_every_correction_names_a_word_mining_paired():
    """A correction replaces a mined entry; one for a word the mined file lacks would be a
    glossary line in the wrong file, and would silently stop meaning anything."""
    from bot.core import lexicon

    mined = lexicon._read(lexicon.LEXICON_FILE)
    corrections = lexicon._read(lexicon.CORRECTIONS_FILE)
    assert len(corrections) >= 50
    assert sorted(set(corrections) - set(mined)) == []
