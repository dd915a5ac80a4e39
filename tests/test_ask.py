"""Asking a paper, without Telegram: retrieval within the budget, checked quotes (the hostile
model's good, varied, invented and borrowed quotes), the reader's language, the endpoint's
faults and the chat's allowance."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import httpx
import pytest

from bot.asking import Asker
from bot.core.fulltext import FullText, Section, estimate_tokens, passages
from bot.core.models import Paper
from bot.core.settings import Settings
from bot.parse.fulltext_html import parse_paper_html
from bot.source.fulltext import FullTextSource
from bot.summarize.ask import judge, split_answer, streamed_prose
from bot.summarize.client import ChatClient
from bot.understand.passage_search import relevant
from storage import fulltext
from tests.bot_harness import ManualClock
from tests.conftest import no_sleep
from tests.fakefulltext import LONG, ROBOTS, SPEECH, STUB, fixture
from tests.fakellm import Stall, Status

DAY = dt.date(2024, 10, 18)
SPEECH_PAPER = Paper(
    arxiv_id=SPEECH,
    title="Back-Translation for Low-Resource Speech Translation: A Data Augmentation Study",
    url=f"https://arxiv.org/abs/{SPEECH}",
    abstract="Speech translation for low-resource languages suffers from scarce paired audio.",
)
GOOD_QUOTE = "We use the FLEURS benchmark for evaluation"
KOREAN_GOOD = f"평가에는 FLEURS 벤치마크를 사용합니다.\n> {GOOD_QUOTE}"


def speech() -> FullText:
    text = parse_paper_html(fixture("speech"))
    assert isinstance(text, FullText)
    return text


def make_asker(db, fetch_client, llm, arxiv_html, per_day: int = 20, context: int = 6000) -> Asker:
    client = ChatClient(fetch_client, llm.url, "fake-model", sleep=no_sleep)
    settings = Settings(ask_per_day=per_day, ask_context=context)
    source = FullTextSource(fetch_client, arxiv_html.template, rate=1000)
    return Asker(settings, db, ManualClock(), client, source)


class Stream:
    """What the reader would have seen streamed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def __call__(self, text: str) -> None:
        self.seen.append(text)


# -- checking an answer ------------------------------------------------------------------


def test_quote_lines_are_split_from_the_prose_and_never_streamed():
    content = 'The answer.\n> "first quote here"\n> [2] second quote here\n'
    assert split_answer(content) == ("The answer.", ["first quote here", "second quote here"])
    assert streamed_prose("The answer.\n> half a quo") == "The answer."
    assert streamed_prose("The answer.\n>") == "The answer."
    assert streamed_prose("The answer so") == "The answer so"


@pytest.mark.parametrize(
    ("content", "lang", "problem"),
    [
        (f"They evaluate on FLEURS.\n> {GOOD_QUOTE}", "en", ""),
        # whitespace, a line-break hyphen and typographic quotes: still the paper's words
        ("BLEU rises.\n> “Back-trans- lation improves  BLEU\non all four pairs.”", "en", ""),
        (KOREAN_GOOD, "ko", ""),  # a Korean answer quoting the English paper
        ("They use FLEURS.\n> We use the FLEURS benchmark for training", "en", "not in the paper"),
        # a true sentence of another paper (robots.html) is not this paper's
        ("It succeeds.\n> the robot succeeds in 87 percent of trials", "en", "not in the paper"),
        ("They use FLEURS.", "en", "quoted nothing"),
        (f"They evaluate on FLEURS.\n> {GOOD_QUOTE}", "ko", "not written in Korean"),
        (f"> {GOOD_QUOTE}", "en", "no text before"),
    ],
)
def test_judging_an_answer(content: str, lang: str, problem: str):
    _, checked, found = judge(content, lang, speech().sections)
    assert (problem in found) if problem else found == ""
    if not problem:
        assert all(c.section for c in checked)


def test_a_verified_quote_names_its_section():
    _, checked, _ = judge(f"FLEURS.\n> {GOOD_QUOTE}", "en", speech().sections)
    assert checked[0].section == "4 Experiments › 4.1 Datasets"


# -- retrieval ---------------------------------------------------------------------------


def test_retrieval_keeps_the_budget_and_puts_the_abstract_first():
    found = passages(speech())
    chosen = relevant(found, "Which datasets are used for evaluation?", budget=300)
    assert chosen[0].heading == "Abstract"
    assert sum(estimate_tokens(p.text) + 12 for p in chosen) <= 300
    assert any(p.heading == "4 Experiments › 4.1 Datasets" for p in chosen)
    assert [p.index for p in chosen] == sorted(p.index for p in chosen)


def test_a_korean_question_reaches_english_passages_through_the_lexicon():
    found = passages(speech())
    chosen = relevant(found, "평가에 어떤 데이터셋을 썼나요?", budget=260)
    assert "4 Experiments › 4.1 Datasets" in [p.heading for p in chosen]


def test_a_long_paper_is_cut_to_the_budget():
    long_text = FullText("t", tuple(Section(f"S{i}", "word " * 200) for i in range(200)))
    chosen = relevant(passages(long_text), "word", budget=6000)
    assert sum(estimate_tokens(p.text) for p in chosen) <= 6000
    assert len(chosen) < 200


# -- the whole question, against the fakes ------------------------------------------------


async def test_a_good_answer_streams_and_is_grounded_in_the_full_text(
    db, fetch_client, llm, arxiv_html
):
    stream = Stream()
    ask = make_asker(db, fetch_client, llm, arxiv_html)
    outcome = await ask.answer(1, DAY, SPEECH_PAPER, "Which datasets are used?", "en", stream)
    assert outcome.kind == "answered" and outcome.without_text == ""
    answer = outcome.answer
    assert answer.grounded and answer.attempts == 1 and answer.quotes
    assert all(q.section for q in answer.quotes)
    assert stream.seen and all(">" not in s for s in stream.seen)
    prompt = llm.requests[-1]["messages"][1]["content"]
    assert "[4 Experiments › 4.1 Datasets]" in prompt and "Question: Which datasets" in prompt
    assert await fulltext.usage(db, DAY) == (1, answer.tokens) and answer.tokens > 0


async def test_an_invented_quote_is_asked_again_once_naming_it(db, fetch_client, llm, arxiv_html):
    invented = "We collect 900 hours of Swahili speech from podcasts"
    llm.asks.extend([f"They collect podcasts.\n> {invented}", f"FLEURS.\n> {GOOD_QUOTE}"])
    outcome = await make_asker(db, fetch_client, llm, arxiv_html).answer(
        1, DAY, SPEECH_PAPER, "Where does the data come from?", "en", Stream()
    )
    assert outcome.answer.grounded and outcome.answer.attempts == 2
    complaint = llm.requests[-1]["messages"][-1]["content"]
    assert invented in complaint and "not in the paper" in complaint


async def test_two_bad_answers_end_in_no_grounded_answer_with_the_closest_passages(
    db, fetch_client, llm, arxiv_html
):
    llm.asks.extend(
        [
            "Podcasts.\n> We collect 900 hours of Swahili speech from podcasts",
            "Robots.\n> the robot succeeds in 87 percent of trials",
        ]
    )
    outcome = await make_asker(db, fetch_client, llm, arxiv_html).answer(
        1, DAY, SPEECH_PAPER, "Which datasets are used?", "en", Stream()
    )
    answer = outcome.answer
    assert not answer.grounded and answer.quotes == () and answer.text == ""
    assert "not in the paper" in answer.problem
    assert answer.closest and "4 Experiments › 4.1 Datasets" in [p.heading for p in answer.closest]


async def test_an_english_answer_to_a_korean_reader_is_asked_again(
    db, fetch_client, llm, arxiv_html
):
    llm.asks.extend([f"They use FLEURS.\n> {GOOD_QUOTE}", KOREAN_GOOD])
    outcome = await make_asker(db, fetch_client, llm, arxiv_html).answer(
        1, DAY, SPEECH_PAPER, "어떤 데이터셋을 썼나요?", "ko", Stream()
    )
    assert outcome.answer.grounded and outcome.answer.attempts == 2
    assert "Korean" in llm.requests[0]["messages"][0]["content"]
    assert "not written in Korean" in llm.requests[-1]["messages"][-1]["content"]


async def test_without_full_text_the_abstract_answers_and_says_why(
    db, fetch_client, llm, arxiv_html
):
    paper = Paper(
        arxiv_id=STUB, title="A stub", url="u", abstract="We train on 2,000 hours of speech."
    )
    llm.asks.append("2,000 hours.\n> We train on 2,000 hours of speech.")
    outcome = await make_asker(db, fetch_client, llm, arxiv_html).answer(
        1, DAY, paper, "How much data?", "en", Stream()
    )
    assert outcome.answer.grounded and "never converted" in outcome.without_text
    assert "Only the abstract is available." in llm.requests[-1]["messages"][1]["content"]


async def test_a_429_is_waited_out_and_5xx_retried(db, fetch_client, llm, arxiv_html):
    llm.asks.extend([Status(429, {"Retry-After": "1"}), Status(502)])
    outcome = await make_asker(db, fetch_client, llm, arxiv_html).answer(
        1, DAY, SPEECH_PAPER, "Which datasets are used?", "en", Stream()
    )
    assert outcome.kind == "answered" and outcome.answer.grounded


async def test_a_failing_endpoint_gives_the_closest_passages_and_refunds(
    db, fetch_client, llm, arxiv_html
):
    llm.asks.extend([Status(500)] * 4)
    outcome = await make_asker(db, fetch_client, llm, arxiv_html, per_day=1).answer(
        1, DAY, SPEECH_PAPER, "Which datasets are used?", "en", Stream()
    )
    assert outcome.kind == "endpoint" and outcome.answer.closest
    assert await fulltext.questions_today(db, 1, DAY) == 0  # the failure was not the reader's


async def test_the_first_words_never_wait_past_the_limit(db, fetch_client, llm, arxiv_html):
    from bot.summarize import ask as asking

    llm.asks.append(Stall(2))
    client = ChatClient(fetch_client, llm.url, "fake-model", sleep=no_sleep)
    started = time.monotonic()
    with pytest.raises(asking.EndpointError, match="no words within"):
        await asking.ask(
            client, "t", "q", "en", passages(speech()), speech().sections, Stream(),
            first_words=0.5,
        )  # fmt: skip
    assert time.monotonic() - started < 3


async def test_the_days_questions_run_out_with_a_clear_outcome(db, fetch_client, llm, arxiv_html):
    ask = make_asker(db, fetch_client, llm, arxiv_html, per_day=2)
    kinds = [
        (await ask.answer(7, DAY, SPEECH_PAPER, "Which datasets?", "en", Stream())).kind
        for _ in range(3)
    ]
    assert kinds == ["answered", "answered", "spent"]
    tomorrow = await ask.answer(
        7, DAY + dt.timedelta(days=1), SPEECH_PAPER, "Datasets?", "en", Stream()
    )
    assert tomorrow.kind == "answered"
    assert (await ask.answer(8, DAY, SPEECH_PAPER, "x" * 501, "en", Stream())).kind == "too_long"


async def test_without_a_model_nothing_is_fetched(db, fetch_client, arxiv_html):
    ask = Asker(
        Settings(), db, ManualClock(), None, FullTextSource(fetch_client, arxiv_html.template)
    )
    outcome = await ask.answer(1, DAY, SPEECH_PAPER, "Which datasets?", "en", Stream())
    assert outcome.kind == "no_model" and arxiv_html.requests == []


async def test_an_endpoint_that_does_not_stream_is_read_whole(db, fetch_client, arxiv_html):
    """Some OpenAI-compatible servers ignore "stream": the answer comes as one JSON."""

    async def plain(request: httpx.Request) -> httpx.Response:
        body = {"choices": [{"message": {"content": f"FLEURS.\n> {GOOD_QUOTE}"}}]}
        return httpx.Response(200, json=body)

    async with httpx.AsyncClient(transport=httpx.MockTransport(plain)) as mock:
        client = ChatClient(mock, "http://127.0.0.1:9/v1", "m", sleep=no_sleep)
        source = FullTextSource(fetch_client, arxiv_html.template, rate=1000)
        ask = Asker(Settings(), db, ManualClock(), client, source)
        stream = Stream()
        outcome = await ask.answer(1, DAY, SPEECH_PAPER, "Which datasets?", "en", stream)
    assert outcome.answer.grounded and stream.seen == ["FLEURS."]


async def test_robots_quotes_are_checked_against_their_own_paper(db, fetch_client, llm, arxiv_html):
    robots = Paper(arxiv_id=ROBOTS, title="Grasp Planning", url="u", abstract="Grasping.")
    llm.asks.append(f"FLEURS.\n> {GOOD_QUOTE}")  # the speech paper's words
    llm.asks.append(f"FLEURS.\n> {GOOD_QUOTE}")
    outcome = await make_asker(db, fetch_client, llm, arxiv_html).answer(
        1, DAY, robots, "What does it evaluate on?", "en", Stream()
    )
    assert not outcome.answer.grounded


async def test_every_prompt_keeps_within_the_context_budget_a_retry_included(
    db, fetch_client, llm, arxiv_html
):
    long_paper = dataclasses.replace(SPEECH_PAPER, arxiv_id=LONG, title="A long paper " * 20)
    llm.asks.extend([f"Podcasts.\n> {'We collect podcasts ' * 300}", f"FLEURS.\n> {GOOD_QUOTE}"])
    question = "어떤 데이터셋을 어떻게 모았고 규모는 얼마나 되는지 자세히 알려 주세요. " * 9
    ask = make_asker(db, fetch_client, llm, arxiv_html, context=2000)
    outcome = await ask.answer(1, DAY, long_paper, question[:500], "ko", Stream())
    assert outcome.answer.attempts == 2
    for request in llm.requests:
        used = sum(estimate_tokens(m["content"]) for m in request["messages"])
        assert used <= 2000, used
    assert "[4 Experiments" in llm.requests[0]["messages"][1]["content"]  # passages still sent
