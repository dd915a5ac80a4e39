"""An answer to a question about a paper, as the reader sees it: the answer, each checked
quote with the section it is from, and where the answer came from; or, without a grounded
answer, the passages closest to the question, shown as the paper's words (which they are).
The draft streamed before it is plain text, cut to Telegram's limit."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.fulltext import QUESTION_KEYS, Passage
from bot.core.i18n import Lang, t
from bot.core.limits import TEXT_LIMIT
from bot.render import callbacks as cb
from bot.render.html import Markup, blockquote, escape, join, link, shorten
from bot.render.reply import Button, Reply

QUESTION_SHOWN = 200  # characters of the question repeated over the answer
PASSAGE_SHOWN = 450  # characters of one closest passage
ANSWER_ROOM = 2_400  # characters of the answer's prose; the quotes get the rest


def render_answer(
    arxiv_id: str,
    question: str,
    prose: str,
    quotes: Sequence[tuple[str, str]],
    lang: Lang,
    without_text: str = "",
) -> Reply:
    """A grounded answer: ``quotes`` are (the paper's words, their section)."""
    parts = [
        _asked(question),
        escape(shorten(prose, ANSWER_ROOM)),
    ]
    room = TEXT_LIMIT - ANSWER_ROOM - QUESTION_SHOWN - 400
    for quote, section in quotes:
        shown = shorten(quote, 400)
        room -= len(shown) + len(section) + 8
        if room < 0:
            break
        parts.append(join([blockquote(shown), Markup("§ "), escape(section)]))
    parts.append(_source(arxiv_id, lang, without_text))
    return Reply(join(parts, "\n\n"), preview_url=None)


def render_no_answer(
    arxiv_id: str,
    question: str,
    closest: Sequence[Passage],
    lang: Lang,
    reason_key: str,
    without_text: str = "",
) -> Reply:
    """No grounded answer (``reason_key`` says why): the closest passages instead."""
    parts = [
        _asked(question),
        escape(t(lang, reason_key)),
    ]
    if closest:
        parts.append(escape(t(lang, "ask.closest")))
    for passage in closest[:3]:
        parts.append(
            join(
                [
                    blockquote(shorten(passage.text, PASSAGE_SHOWN)),
                    Markup("§ "),
                    escape(passage.heading),
                ]
            )
        )
    parts.append(_source(arxiv_id, lang, without_text))
    return Reply(join(parts, "\n\n"))


def render_suggestions(arxiv_id: str, title: str, keys: Sequence[str], lang: Lang) -> Reply:
    """/ask with a paper and no question: three questions as buttons."""
    rows = tuple(
        (Button(t(lang, key), callback_data=cb.encode(cb.AskSuggested(arxiv_id, index))),)
        for index, key in _indexed(keys)
    )
    text = t(lang, "ask.pick", title=shorten(title, 200))
    return Reply(escape(text), rows)


def draft_text(question: str, prose: str) -> Markup:
    """The streamed draft: the question and the answer so far, escaped, within the limit
    (counted before escaping, as Telegram counts after parsing)."""
    head = f"❓ {shorten(question, QUESTION_SHOWN)}\n\n"
    return escape(head + shorten(prose, TEXT_LIMIT - len(head) - 1))


def _asked(question: str) -> Markup:
    return Markup(f"❓ <i>{escape(shorten(question, QUESTION_SHOWN))}</i>")


def _indexed(keys: Sequence[str]) -> list[tuple[int, str]]:
    return [(QUESTION_KEYS.index(key), key) for key in keys if key in QUESTION_KEYS]


def _source(arxiv_id: str, lang: Lang, without_text: str) -> Markup:
    paper = link(f"arXiv {arxiv_id}", f"https://arxiv.org/abs/{arxiv_id}")
    if without_text:
        return join(
            [
                Markup("📄 "),
                paper,
                Markup(" · "),
                escape(t(lang, "ask.from_abstract", reason=shorten(without_text, 200))),
            ]
        )
    return join([Markup("📄 "), paper, Markup(" · "), escape(t(lang, "ask.from_fulltext"))])
