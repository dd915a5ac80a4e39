"""Rendering: cards, lists and pages are valid Telegram HTML within every limit, always."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.limits import TEXT_LIMIT
from bot.core.models import Paper, SearchHit, Snippet, Tally
from bot.parse.markdown import parse_digest
from bot.render import callbacks as cb
from bot.render.cards import render_card
from bot.render.html import escape, highlight, shorten, visible_length
from bot.render.lists import render_paper_list, render_search_page
from bot.render.menus import render_help
from bot.render.reply import Reply
from tests.conftest import fixture_text
from tests.fakebot.telegram_html import parse_html


def check(reply: Reply) -> str:
    """Everything Telegram would check, as the strict fake checks it."""
    parsed = parse_html(reply.text)
    assert len(parsed.text) <= TEXT_LIMIT
    assert visible_length(reply.text) == len(parsed.text)
    for row in reply.buttons:
        assert 1 <= len(row) <= 8
        for button in row:
            assert button.text.strip()
            assert (button.url is None) != (button.callback_data is None)
            if button.callback_data is not None:
                assert 1 <= len(button.callback_data.encode()) <= 64
                assert cb.decode(button.callback_data) is not None
            else:
                assert button.url.startswith("https://")
    assert sum(len(row) for row in reply.buttons) <= 100
    return parsed.text


def a_paper(**changes) -> Paper:
    base = dict(
        arxiv_id="2406.11230",
        title="Multimodal Needle in a Haystack",
        url="https://arxiv.org/abs/2406.11230",
        votes=29,
        authors=("Haizhou Shi", "Tunyu Zhang", "Hengyi Wang", "Wenyuan Wang"),
        sections={
            "What's New": "새 벤치마크",
            "Technical Details": "세부",
            "Performance Highlights": "성능",
        },
        date=dt.date(2024, 6, 20),
    )
    base.update(changes)
    return Paper(**base)


def test_escaping_turns_markup_characters_into_text():
    assert escape('<think> & "x"') == "&lt;think&gt; &amp; &quot;x&quot;"
    assert escape(escape("<b>")) == "&lt;b&gt;"  # never twice
    assert highlight("a<b>c", [(1, 4)]) == "a<b>&lt;b&gt;</b>c"


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("one two three", 9) == "one two…"
    assert shorten("short", 10) == "short"
    assert len(shorten("x" * 50, 10)) == 10


def test_card_shape():
    text = check(render_card(a_paper(), "en", saved=False))
    assert text.splitlines()[:3] == [
        "Multimodal Needle in a Haystack",
        "📅 2024-06-20 · ▲ 29",
        "👥 Haizhou Shi, Tunyu Zhang, Hengyi Wang et al. (1)",
    ]
    reply = render_card(a_paper(), "ko", saved=True)
    assert "외 1명" in check(reply)
    assert [b.text for b in reply.buttons[1]] == ["👍", "👎", "★ 저장됨", "🔗 비슷한 논문", "👤"]
    rated = render_card(a_paper(), "en", saved=False, tally=Tally(likes=3, dislikes=1, mine=1))
    assert [b.text for b in rated.buttons[1]][:2] == ["👍 3", "👎 1"]
    assert [b.callback_data for b in rated.buttons[1]][:2] == ["r+:2406.11230", "r-:2406.11230"]
    assert (
        reply.preview_url
        == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2406.11230.png"
    )
    assert len(render_card(a_paper(), "en", saved=None).buttons) == 1


def test_title_latex_and_tags_show_as_text():
    paper = a_paper(title="M$^{2}$UGen <think> & [x](y) \\textsc{A}")
    text = check(render_card(paper, "en"))
    assert text.startswith("M$^{2}$UGen <think> & [x](y) \\textsc{A}")


def test_real_cards_fit_and_keep_their_sections():
    for relative in ("2024/08/07", "2023/11/20", "2024/06/12", "2024/10/18"):
        for digest in parse_digest(fixture_text(relative)).digests:
            for paper in digest.papers:
                text = check(render_card(paper, "ko"))
                for body in paper.sections.values():
                    assert body.splitlines()[0][:30] in text


def test_an_overlong_card_is_trimmed_at_the_limit_with_an_ellipsis():
    long = "확산 모델 & <tag> " * 600
    paper = a_paper(
        sections={"What's New": long, "Technical Details": long, "Performance Highlights": "짧다"}
    )
    reply = render_card(paper, "en")
    text = check(reply)
    assert TEXT_LIMIT - 200 < len(text) <= TEXT_LIMIT
    assert "…" in text and "짧다" in text


def test_lists_split_into_messages_under_the_limit():
    papers = [a_paper(arxiv_id=f"2406.{10000 + i}", title="T" * 300) for i in range(50)]
    replies = render_paper_list("🏆 Top 50", papers, "en")
    assert len(replies) > 1
    ranks = []
    for reply in replies:
        check(reply)
        ranks += [int(b.text) for row in reply.buttons for b in row]
    assert ranks == list(range(1, 51))


def test_search_page_buttons_and_bold_matches():
    hits = [
        SearchHit(a_paper(arxiv_id=f"2406.{10000 + i}"), 1.0, Snippet("a 확산 b", ((2, 4),)))
        for i in range(5)
    ]
    reply = render_search_page("확산", hits, total=12, page=1, per_page=5, session_id=7, lang="en")
    text = check(reply)
    assert "page 2 of 3" in text and "<b>확산</b>" in reply.text
    nav = [b.callback_data for b in reply.buttons[-1]]
    assert nav == ["s:7:0", "noop", "s:7:2"]


def test_help_is_valid_in_both_languages():
    assert "/digest" in check(render_help("ko", "paperboy_bot"))
    assert "/digest" in check(render_help("en", "paperboy_bot"))


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=600),
    authors=st.lists(st.text(max_size=100), max_size=30),
    sections=st.dictionaries(st.text(min_size=1, max_size=40), TEXT, max_size=5),
    summary=TEXT,
    votes=st.none() | st.integers(min_value=-5, max_value=10**9),
    lang=st.sampled_from(["ko", "en"]),
)
def test_any_paper_renders_to_valid_html_within_limits(
    title, authors, sections, summary, votes, lang
):
    paper = a_paper(
        title=title or "x", authors=tuple(authors), sections=sections, summary=summary, votes=votes
    )
    assert check(render_card(paper, lang, saved=False)).strip()
    assert check(render_card(paper, lang, saved=None)).strip()
    assert check(render_paper_list(title or "x", [paper] * 3, lang)[0]).strip()


def test_topics_show_the_english_a_korean_topic_is_matched_by_and_fit_one_message():
    from bot.core.limits import TOPIC_CHARS, TOPICS_PER_CHAT
    from bot.render.menus import render_topics

    shown = render_topics(
        ["로봇 조작", "llm", "gaussian splatting"], "ko", {"로봇 조작": "robotic manipulation"}
    )
    assert "• 로봇 조작 → robotic manipulation" in shown.text
    assert (
        "• gaussian splatting\n" in shown.text + "\n" and "→" not in shown.text.split("gaussian")[1]
    )
    # Thirty topics at their longest, each with a model's longest English: one message.
    topics = [f"{n:02d}" + "가" * (TOPIC_CHARS - 2) for n in range(TOPICS_PER_CHAT)]
    longest = render_topics(topics, "ko", {topic: "word " * 60 for topic in topics})
    assert len(longest.text) <= 4096
    assert all(len(line) <= TOPIC_CHARS + 30 for line in longest.text.split("\n") if "→" in line)
