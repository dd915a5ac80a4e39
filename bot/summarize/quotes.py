"""Checked quotes (issue 29): a quote a model gives as the paper's must be in the paper.

The paper's text and the quote are compared after folding what a copy legitimately changes:
whitespace and line breaks, words hyphenated across a line ("repre- sentation"), typographic
quotes and dashes, ligatures, case. Nothing else: a quote with one word changed is not the
paper's, and is never shown as if it were.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.fulltext import Section

MIN_QUOTE_CHARS = 12  # shorter "quotes" ("the model") prove nothing
MAX_QUOTE_CHARS = 400  # a quote is a sentence or two, not a page
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad\u2010]\s+(\w)")  # "repre- sentation", soft hyphens
_SPACE = re.compile(r"\s+")
_CITATION = re.compile(r"\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\]")  # "[3]", "[2, 5]", "[4-7]"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")  # a model's "…" for words it left out
_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)\]])")  # "text y , a" as "text y, a"
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)


def fold(text: str) -> str:
    """``text`` as quotes are compared: NFKC (ligatures), typographic marks plain, words
    hyphenated across a break joined, citation marks ("[3]") out, whitespace one space,
    lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _CITATION.sub("", text)
    text = _BEFORE_PUNCTUATION.sub(r"\1", _SPACE.sub(" ", text))
    return text.strip().casefold()


@dataclass(frozen=True)
class Checked:
    quote: str
    section: str | None  # where the paper says it; None: the paper does not say it
    reason: str = ""  # why it was refused


class FoldedText:
    """A paper's sections folded once, for checking every quote of an answer (and of its
    retry) without folding a 400,000-character text again for each."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self.sections = tuple(sections)
        self.folded = [fold(section.text) for section in self.sections]
        self._pairs: list[str] | None = None

    def pairs(self) -> list[str]:
        """Each section joined to the next, folded: asked for only when a quote was found in
        no single section."""
        if self._pairs is None:
            self._pairs = [fold(f"{a.text} {b.text}") for a, b in itertools.pairwise(self.sections)]
        return self._pairs


def check_quote(quote: str, sections: Sequence[Section] | FoldedText) -> Checked:
    """Whether ``quote`` is in one of ``sections``, and in which. A quote the model shortened
    with "…" is the paper's when each of its pieces is, in that order, in one section (and
    each piece is long enough to mean something); a full stop the model added at its end
    does not count against it."""
    text = sections if isinstance(sections, FoldedText) else FoldedText(sections)
    pieces = [fold(piece) for piece in _ELLIPSIS.split(quote)]
    pieces = [piece for piece in pieces if piece]
    if pieces:
        pieces[-1] = pieces[-1].rstrip(".;:,!? ")
    length = sum(len(piece) for piece in pieces)
    if length < MIN_QUOTE_CHARS:
        return Checked(quote, None, "too short to show anything")
    if length > MAX_QUOTE_CHARS:
        return Checked(quote, None, "too long to be a quote")
    if len(pieces) > 1 and min(len(piece) for piece in pieces) < MIN_QUOTE_CHARS:
        return Checked(quote, None, "a piece between its … is too short to show anything")
    for section, folded in zip(text.sections, text.folded, strict=True):
        if _in_order(pieces, folded):
            return Checked(quote, section.heading)
    # A quote may join a heading's last sentence and the next section's first: try pairs.
    for first, folded in zip(text.sections, text.pairs(), strict=False):
        if _in_order(pieces, folded):
            return Checked(quote, first.heading)
    return Checked(quote, None, "not in the paper")


def _in_order(pieces: Sequence[str], text: str) -> bool:
    at = 0
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True
