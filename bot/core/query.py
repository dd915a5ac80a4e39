"""Index text and safe FTS5 queries for Korean and English, as people type them.

FTS5's ``unicode61`` tokenizer splits on spaces, which fails Korean: ``확산 모델을`` is one
token ``모델을`` and a search for ``모델`` misses it. Like Lucene's CJK analyzer, every run of
Hangul (and Han/Kana) is indexed as overlapping character bigrams (``모델을`` → ``모델 델을``),
while Latin text goes through ``porter unicode61 remove_diacritics 2`` untouched. A query term
gets the same transform and becomes a quoted phrase, so no user input is FTS syntax.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.lexicon import compound, join_phrases, translations

TOKENIZER = "porter unicode61 remove_diacritics 2"

# Hangul syllables and jamo, CJK ideographs, Hiragana/Katakana.
CJK_CLASS = (
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def is_cjk(char: str) -> bool:
    return bool(_CJK_RUN.fullmatch(char))


def bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of a CJK run; a single character stays itself."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """Text as it goes into the FTS index: CJK runs as bigrams, everything else as is."""
    text = unicodedata.normalize("NFC", text)
    return _CJK_RUN.sub(lambda m: " " + " ".join(bigrams(m.group(0))) + " ", text)


def _has_token_chars(text: str) -> bool:
    # unicode61's default token characters: letters, numbers and private-use code points.
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" for c in text)


@dataclass(frozen=True)
class Query:
    """A parsed user query: what to match, what to exclude, and the FTS5 expression."""

    terms: tuple[str, ...]
    excluded: tuple[str, ...]
    expression: str

    @property
    def is_empty(self) -> bool:
        return not self.expression


_TERM = re.compile(r'"([^"]*)"|(\S+)')


def split_terms(text: str) -> tuple[list[str], list[str]]:
    """User text → (terms, excluded terms). ``"a b"`` keeps a phrase; ``-x`` excludes x."""
    terms: list[str] = []
    excluded: list[str] = []
    # Control characters (NUL above all) would end the FTS5 string early: make them spaces.
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    for match in _TERM.finditer(unicodedata.normalize("NFC", text)):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            term, negative = phrase, False
        elif word.startswith("-") and len(word) > 1:
            term, negative = word[1:], True
        else:
            term, negative = word, False
        if _has_token_chars(term):
            (excluded if negative else terms).append(term)
    # A phrase the glossary knows (맥락 내 학습) is one term, matched with its English.
    return join_phrases(terms), excluded


def phrase(term: str) -> str:
    """One term as an FTS5 phrase: quoted, so nothing in it is syntax.

    A term ending in a single CJK character (``LLM의``, ``확``) matches as a prefix, so it also
    finds the bigrams that start with that character.
    """
    indexed = " ".join(index_text(term).split())
    quoted = '"' + indexed.replace('"', '""') + '"'
    last = indexed.rsplit(" ", 1)[-1]
    if len(last) == 1 and is_cjk(last):
        quoted += "*"
    return quoted


def term_expression(term: str, exact: bool = False) -> str:
    """One term as FTS5: its phrase, or with its English translations when it is a Korean
    word the lexicon knows (``강화학습`` also finds "reinforcement"), since most papers arrive
    in English. A compound it knows only in halves needs both (``자율주행``: "autonomous" and
    "driving"). A translation of several words matches as those words typed would, or,
    ``exact``, as the phrase (a built-in topic's keyword: "language" and "model" anywhere is
    not "language model")."""
    halves = compound(term)
    if halves is not None:
        both = " AND ".join(term_expression(half, exact) for half in halves)
        return f"({phrase(term)} OR ({both}))"
    english = translations(term)
    if not english:
        return phrase(term)
    translated = (phrase(e) if exact else _all_words(e) for e in english)
    return "(" + " OR ".join([phrase(term), *translated]) + ")"


def _all_words(english: str) -> str:
    """A translation as its English reader's words would match: every word, anywhere ("in
    context learning": "in-context" and "learning")."""
    words = english.split()
    if len(words) == 1:
        return phrase(english)
    return "(" + " AND ".join(phrase(word) for word in words) + ")"


def phrasings(terms: Sequence[str], limit: int = 16) -> list[str]:
    """The ways a text says ``terms`` as one phrase, lower case: each term as typed (as the
    index holds it) or one of its English translations, in the order typed ("consistency
    model"; 일관성 모델 → "consistency model"). At most ``limit``; none for a single word
    whose translations are single words too (양자화: quantization), which no phrase says
    better than its words do."""
    alone = len(terms) == 1 and " " not in terms[0]
    if alone and not any(" " in english for english in translations(terms[0])):
        return []
    choices = []
    for term in terms:
        typed = " ".join(index_text(term).split()).lower()
        choices.append(list(dict.fromkeys([typed, *(e.lower() for e in translations(term))]))[:4])
    return [" ".join(words) for words in itertools.islice(itertools.product(*choices), limit)]


def match_expression(
    terms: list[str], excluded: list[str], any_of: bool = False, exact: bool = False
) -> str:
    """The FTS5 expression: all ``terms`` (or any, for a topic's keywords), minus exclusions.
    Exclusions are taken as typed: a translation would exclude more than was asked."""
    positive = (" OR " if any_of else " AND ").join(term_expression(t, exact) for t in terms)
    if excluded:
        return f"({positive}) NOT ({' OR '.join(phrase(t) for t in excluded)})"
    return positive


def build_query(text: str) -> Query:
    """Build an FTS5 MATCH expression from anything a user may type.

    Terms are ANDed. Exclusions apply only when something positive remains: a query of only
    ``-x`` matches nothing rather than everything.
    """
    terms, excluded = split_terms(text)
    if not terms:
        return Query((), tuple(excluded), "")
    return Query(tuple(terms), tuple(excluded), match_expression(terms, excluded))
