"""Short excerpts around the matched terms of a search, as plain text plus match spans.

FTS5's own ``snippet()`` would show the bigram index text, so the excerpt is cut from the
original text here, matching terms the way the index does: case- and accent-insensitive,
Korean as substrings, English at word starts (with the plural/-ing forms porter folds).
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from bot.core.models import Snippet
from bot.core.query import CJK_CLASS

ELLIPSIS = "…"
_BULLET_MARK = re.compile(r"^\s*[-*]\s+", re.MULTILINE)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s")


# Characters whose lowercase is one character and which carry no accents to strip: runs of
# these (most of a summary: Korean and ASCII) fold with str.lower(), and only the rest goes
# character by character.
_PLAIN_CLASS = r"\x00-\x7f\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u2000-\u206f\u3000-\u303f"
_PLAIN = re.compile(f"[{_PLAIN_CLASS}]*")
_NOT_PLAIN = re.compile(f"[^{_PLAIN_CLASS}]")


def fold(text: str) -> tuple[str, list[int]]:
    """Case- and accent-folded text, with each folded char's index in the original."""
    if _PLAIN.fullmatch(text):
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    done = 0
    for match in _NOT_PLAIN.finditer(text):
        i = match.start()
        out.append(text[done:i].lower())
        where.extend(range(done, i))
        # Other letters lose their accents; Hangul is plain, so it stays composed as the
        # query term does.
        for c in unicodedata.normalize("NFKD", text[i]).casefold():
            if not unicodedata.combining(c):
                out.append(c)
                where.append(i)
        done = i + 1
    out.append(text[done:].lower())
    where.extend(range(done, len(text)))
    return "".join(out), where


# A term splits into the pieces the index sees as separate words: "LLM의" → "llm", "의".
_PIECE = re.compile(f"[{CJK_CLASS}]+|[^\\W_{CJK_CLASS}]+")


def _variants(term: str) -> list[str]:
    folded, _ = fold(term)
    forms = []
    for piece in _PIECE.findall(folded):
        forms.append(piece)
        if piece.isascii():
            for suffix in _SUFFIXES:
                if piece.endswith(suffix) and len(piece) - len(suffix) >= 3:
                    forms.append(piece[: -len(suffix)])
                    break
    return forms


def find_spans(text: str, terms: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans in ``text`` where any of ``terms`` occurs."""
    folded, where = fold(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for form in _variants(term):
            if not form.strip():
                continue
            ascii_word = form[:1].isascii() and form[:1].isalnum()
            pattern = (r"(?<![0-9a-z])" if ascii_word else "") + re.escape(form)
            for m in re.finditer(pattern, folded):
                end = m.end()
                if ascii_word:  # highlight the whole word a stem matched: "model" in "models"
                    while end < len(folded) and folded[end].isalnum() and folded[end].isascii():
                        end += 1
                spans.append((where[m.start()], where[end - 1] + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def densest_start(spans: list[tuple[int, int]], width: int) -> int:
    """The start of the first span whose ``width`` characters hold the most whole spans.

    Spans are sorted and disjoint, so their ends rise too: the spans fitting after span i
    are a run found by bisection: n log n where counting every window was quadratic in the
    matches (a common term in a long abstract has dozens).
    """
    ends = [end for _, end in spans]
    best_start, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = bisect.bisect_right(ends, start + width, lo=i) - i
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def make_snippet(text: str, terms: list[str] | tuple[str, ...], width: int = 160) -> Snippet:
    """An excerpt of about ``width`` characters around the densest cluster of matches."""
    text = " ".join(_BULLET_MARK.sub("", text).split())
    spans = find_spans(text, terms) if terms else []
    if len(text) <= width:
        return Snippet(text, tuple(spans))
    if not spans:
        return Snippet(_cut_end(text, width) + ELLIPSIS, ())

    best_start = densest_start(spans, width)
    # Give the first match some leading context, starting at a word boundary.
    start = max(0, best_start - width // 5)
    if start > 0:
        space = text.find(" ", start, best_start)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return Snippet(prefix + text[start:end] + suffix, inside)


def _cut_end(text: str, width: int) -> str:
    cut = text[:width]
    space = cut.rfind(" ", width // 2)
    return cut[:space] if space != -1 else cut
