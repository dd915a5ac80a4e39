"""A paper's full text as Paperboy keeps it (issue 29): its sections, in reading order, each
with its heading path, and the titles of its references; or why there is none.

Parsing (bot/parse/fulltext_html.py) makes it, storage keeps it, asking reads it. Nothing
here knows HTML, SQL or Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING_JOIN = " › "  # "3 Method › 3.1 Data": a section's heading path, as shown to readers


@dataclass(frozen=True)
class Section:
    """A part of a paper's text: its heading path and its text, paragraphs separated by a
    blank line (captions and table rows are paragraphs too)."""

    heading: str
    text: str

    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class FullText:
    """What Paperboy read of a paper. ``cut`` says what a paper over the size cap lost."""

    title: str
    sections: tuple[Section, ...]
    references: tuple[str, ...] = ()
    version: int = 0  # the arXiv version read (2 for 2409.12345v2); 0 when the page hid it
    cut: str = ""

    @property
    def chars(self) -> int:
        return sum(len(s.text) for s in self.sections) + sum(len(r) for r in self.references)

    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sections)


@dataclass(frozen=True)
class NoFullText:
    """A page that gave no usable text, and why, in words a reader may see."""

    reason: str


@dataclass(frozen=True)
class Stored:
    """A stored full text or a stored refusal, with when it was read and its validators."""

    arxiv_id: str
    text: FullText | None
    reason: str = ""
    fetched_at: str = ""
    etag: str | None = None
    last_modified: str | None = None
    stored_bytes: int = 0
    meta: dict[str, str] = field(default_factory=dict)


PASSAGE_WORDS = 120  # a passage: a paragraph, or short ones joined, or a long one cut
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")


@dataclass(frozen=True)
class Passage:
    """A piece of a paper small enough to retrieve and quote: a section's paragraph(s)."""

    index: int
    heading: str
    text: str


def passages(text: FullText, words: int = PASSAGE_WORDS) -> list[Passage]:
    """The text in passages of about ``words`` words, never across a section: short
    paragraphs joined, long ones cut between sentences."""
    found: list[Passage] = []
    for section in text.sections:
        pending: list[str] = []
        size = 0
        for paragraph in section.paragraphs():
            for piece in _pieces(paragraph, 2 * words):
                count = len(piece.split())
                if pending and size + count > words:
                    found.append(Passage(len(found), section.heading, "\n".join(pending)))
                    pending, size = [], 0
                pending.append(piece)
                size += count
        if pending:
            found.append(Passage(len(found), section.heading, "\n".join(pending)))
    return found


def _pieces(paragraph: str, most: int) -> list[str]:
    """A paragraph cut between sentences into pieces of at most ``most`` words (a sentence
    longer than that is one piece)."""
    if len(paragraph.split()) <= most:
        return [paragraph]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in _SENTENCE.split(paragraph):
        count = len(sentence.split())
        if current and size + count > most:
            pieces.append(" ".join(current))
            current, size = [], 0
        current.append(sentence)
        size += count
    if current:
        pieces.append(" ".join(current))
    return pieces


def estimate_tokens(text: str) -> int:
    """A cautious token count without a tokenizer: about 4 characters a token in Latin
    script, one a character in Hangul and other scripts (real tokenizers give fewer)."""
    other = sum(1 for char in text if ord(char) > 0x24F)
    return (len(text) - other) // 4 + other + 1


# Suggested questions (message catalogue keys), offered as buttons by /ask without a question.
QUESTION_KEYS = ("ask.q_data", "ask.q_baseline", "ask.q_limits", "ask.q_code", "ask.q_compute")


def suggested_questions(text: FullText | NoFullText) -> tuple[str, ...]:
    """Three questions that fit the paper: data and baselines always; its limitations when
    it has a section on them, else its code when it mentions any, else its compute."""
    chosen = ["ask.q_data", "ask.q_baseline"]
    if isinstance(text, FullText):
        headings = " ".join(s.heading.lower() for s in text.sections)
        tail = " ".join(s.text for s in text.sections[-4:]).lower()
        if "limitation" in headings:
            chosen.append("ask.q_limits")
        elif "github.com" in tail or " code " in tail:
            chosen.append("ask.q_code")
    if len(chosen) < 3:
        chosen.append("ask.q_compute")
    return tuple(chosen)
