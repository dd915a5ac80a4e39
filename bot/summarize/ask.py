"""A question to one paper, answered by the language model from the paper's passages, in the
reader's language, every claim backed by a quote that is checked against the paper.

The model writes the answer, then its quotes, one a line, each starting with ``>``. The
answer streams to the reader as it is written (``on_text`` gets the answer so far, quotes
left out). Then every quote is looked up in the paper's text (bot/summarize/quotes.py):
an answer with a quote the paper does not hold, with no quote, or in the wrong language is
asked for once more, saying what was wrong. A second failure ends in ``grounded=False``:
the reader is told no grounded answer was found and shown the passages closest to the
question instead. A quote that is not the paper's is never shown as the paper's.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.fulltext import Passage, Section, estimate_tokens
from bot.core.limits import ANSWER_CHARS, QUOTES_PER_ANSWER
from bot.summarize.check import SCRIPTS, script_share
from bot.summarize.client import ChatClient, EndpointError
from bot.summarize.quotes import Checked, FoldedText, check_quote

FIRST_WORDS = 60.0  # seconds a question may wait for the first words of its answer
WHOLE_ANSWER = 120.0  # seconds an answer may take once its first words came
ATTEMPTS = 2  # the answer, and one more naming what was wrong with it
RETRY_CHARS = 1_200  # of the first answer, repeated to the model with what was wrong
_QUOTE_LINE = re.compile(r"^\s*>\s*(?:\[\d+\]\s*)?(.*?)\s*$")
_QUOTE_MARKS = "\"'“”‘’«»「」『』"
_LANGUAGE = {
    "ko": "Korean (한국어); keep technical terms in English where researchers do",
    "en": "English",
}
SYSTEM = (
    "You answer a reader's question about one AI research paper, using only the passages"
    " of the paper given below. Write the answer in {language}: at most 120 words, plain"
    " text, no markdown. Then support each claim with a short quote copied word for word"
    " from the passages, in the paper's own language: one quote a line, each line starting"
    " with '> '. Quote at most {quotes} times, each quote one sentence or less. If the"
    " passages do not answer the question, say so in one sentence, then quote the passage"
    " that comes closest."
)


@dataclass(frozen=True)
class Answer:
    """What the reader is shown: the answer and its checked quotes, or (``grounded`` False)
    why there is none and the passages closest to the question."""

    text: str
    quotes: tuple[Checked, ...]
    grounded: bool
    closest: tuple[Passage, ...] = ()
    problem: str = ""  # why the answer is not grounded, for the log and the reader
    tokens: int = 0
    attempts: int = 1


def prompt(
    title: str, question: str, lang: str, chosen: Sequence[Passage], note: str = ""
) -> list[dict[str, str]]:
    """The chat messages: instructions, then the paper's passages with their headings, then
    the question."""
    system = SYSTEM.format(language=_LANGUAGE[lang], quotes=QUOTES_PER_ANSWER)
    body = [f"Title: {title}"]
    if note:
        body.append(note)
    body += [f"[{p.heading}]\n{p.text}" for p in chosen]
    body.append(f"Question: {question}")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(body)}]


def prompt_tokens(title: str, question: str, lang: str) -> int:
    """Tokens of the prompt without passages: instructions, title, question, framing."""
    return sum(estimate_tokens(m["content"]) for m in prompt(title, question, lang, ())) + 16


def split_answer(content: str) -> tuple[str, list[str]]:
    """(the answer's prose, its quotes): lines starting with '>' are quotes."""
    prose: list[str] = []
    quotes: list[str] = []
    for line in content.splitlines():
        match = _QUOTE_LINE.match(line)
        if line.lstrip().startswith(">") and match:
            quote = match.group(1).strip().strip(_QUOTE_MARKS).strip()
            if quote:
                quotes.append(quote)
        else:
            prose.append(line)
    return "\n".join(prose).strip(), quotes


def streamed_prose(content: str) -> str:
    """The part of a growing answer the reader may see while it streams: the prose, and not
    a quote line (nor a line that may become one) before it is checked."""
    lines = content.split("\n")
    if (lines and lines[-1].strip() in ("", ">")) or lines[-1].lstrip().startswith(">"):
        lines = lines[:-1]
    return split_answer("\n".join(lines))[0]


def judge(
    content: str, lang: str, sections: Sequence[Section] | FoldedText
) -> tuple[str, tuple[Checked, ...], str]:
    """(prose, the checked quotes, what is wrong or ''): a quote not in the paper, no quote
    at all, or prose in another language than the reader's."""
    prose, quotes = split_answer(content)
    text = sections if isinstance(sections, FoldedText) else FoldedText(sections)
    checked = tuple(check_quote(q, text) for q in quotes[:QUOTES_PER_ANSWER])
    if not prose:
        return prose, checked, "the answer had no text before its quotes"
    if script_share(prose, lang) < SCRIPTS[lang][1]:
        return prose, checked, f"the answer was not written in {_LANGUAGE[lang].split(' (')[0]}"
    bad = [c for c in checked if c.section is None]
    if bad:
        return prose, checked, f'this quote is not in the paper: "{bad[0].quote[:200]}"'
    if not checked:
        return prose, checked, "the answer quoted nothing from the paper"
    return prose, checked, ""


async def ask(
    client: ChatClient,
    title: str,
    question: str,
    lang: str,
    chosen: Sequence[Passage],
    sections: Sequence[Section],
    on_text: Callable[[str], Awaitable[None]],
    note: str = "",
    first_words: float = FIRST_WORDS,
) -> Answer:
    """Ask, check, and ask once more if needed. ``sections`` is the text quotes are checked
    against (the whole paper, not only the passages sent). Raises ``EndpointError`` when
    the endpoint gave nothing in time; the caller says so."""
    messages = prompt(title, question, lang, chosen, note)
    paper = FoldedText(sections)  # folded once for both attempts
    tokens = 0
    problem = ""
    for attempt in range(1, ATTEMPTS + 1):

        async def show(text: str) -> None:
            await on_text(streamed_prose(text))

        completion = await client.stream(messages, show, first_words, WHOLE_ANSWER, ANSWER_CHARS)
        tokens += completion.tokens or (
            sum(estimate_tokens(m["content"]) for m in messages)
            + estimate_tokens(completion.content)
        )
        prose, checked, problem = judge(completion.content, lang, paper)
        if not problem:
            return Answer(prose, checked, True, tokens=tokens, attempts=attempt)
        messages = [
            *messages,
            {"role": "assistant", "content": completion.content[:RETRY_CHARS]},
            {
                "role": "user",
                "content": f"That answer cannot be shown: {problem}. Answer again, quoting"
                " only words that are in the passages, exactly as written there.",
            },
        ]
    return Answer("", (), False, tuple(chosen[:3]), problem, tokens, ATTEMPTS)


__all__ = ["Answer", "EndpointError", "ask", "judge", "prompt", "split_answer"]
