"""Whether a summary may reach a reader: all three parts, within bounds, in the language asked
for, and about this paper rather than another.

"About this paper" is judged against the paper itself, not its title: the English terms a
summary keeps (model names, methods, datasets, numbers; Korean summaries keep them in
parentheses) must be ones the paper's title, abstract, keywords and AI summary state, each
term weighted by how rare it is in the archive (IDF). With a sentence encoder, the cosine of
the summary with the paper's vector is added. A summary must fit its paper at least
``MIN_FIT``, better than every paper of the same day, and no archived paper may fit it
``RIVAL_MARGIN`` better: a fluent summary of a neighbour, or of the most similar paper in
the archive, is refused. A paper with no abstract has a thin reference: its title alone, as
the check was before (``MIN_COVERAGE``). The thresholds come from 1,943 real Korean summaries
paired with their papers' abstracts (``python -m bench.summary_check``).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.models import Paper

# The answer's keys, and the section each becomes (the digest's own names).
SECTIONS = {
    "whats_new": "What's New",
    "technical_details": "Technical Details",
    "performance_highlights": "Performance Highlights",
}
MIN_CHARS = 30  # real Korean sections: shortest 57 characters
MAX_CHARS = 1200  # real Korean sections: longest 648
# Fitted on the tune half of the real pairs (bench.summary_check): the share of a summary's
# term weight its paper states, plus the cosine when there is one.
MIN_FIT = 0.3  # with meaning (terms + cosine)
MIN_FIT_WORDS = 0.1  # terms alone
RIVAL_MARGIN = 0.1  # an archived paper fitting this much better takes the summary
# Words alone settle a summary whose paper's support is this high and this far ahead of every
# rival: on the tune half the encoder then changed no verdict, and runs for 1 summary in 4.
CLEAR_FIT = 0.2
CLEAR_MARGIN = 0.1
MIN_COVERAGE = 0.15  # thin references: the share of the title's weight a summary covers
OFF_TOPIC = "off-topic"

_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:\.\d+)?%?")
_LETTER = re.compile(r"[^\W\d_]")
# Claims a reader checks: a percentage or a multiplier (3.2x, 3.2배, 3.2×).
_CLAIM = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(%|배|×|x\b|times\b)")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_FILLER = frozenset(
    ["of", "and", "the", "for", "with", "to", "in", "on", "by", "via", "from", "as", "at"]
)
# Each language's own script and the share of letters it must have. Korean keeps technical
# terms in English: real summaries' 1st percentile is 0.51 Hangul.
SCRIPTS = {
    "ko": (re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"), 0.4),
    "en": (re.compile("[A-Za-z\u00c0-\u024f]"), 0.9),
}


@dataclass(frozen=True)
class Verdict:
    """``reason`` is None when the summary may be stored; else a short word for /stats and
    a ``detail`` the next request tells the model."""

    sections: Mapping[str, str]
    reason: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Reference:
    """What a paper says of itself, which a summary of it must agree with."""

    arxiv_id: str
    title: str
    text: str = ""  # abstract, AI summary and keywords; empty: a thin reference

    @classmethod
    def of(cls, paper: Paper) -> Reference:
        parts = (paper.abstract, paper.ai_summary, ", ".join(paper.ai_keywords))
        return cls(paper.arxiv_id, paper.title, "\n".join(p for p in parts if p))

    @property
    def thin(self) -> bool:
        return not self.text.strip()

    @functools.cached_property
    def terms(self) -> frozenset[str]:
        """The reference's terms, with the acronyms of its runs of words ("large language
        models" → llm), since summaries name a method by its acronym."""
        found = set(terms(f"{self.title}\n{self.text}"))
        words = [w for w in _WORD.findall(f"{self.title}\n{self.text}") if w[0].isalpha()]
        words = [w for w in words if w.lower() not in _FILLER]
        for size in (2, 3, 4):
            for start in range(len(words) - size + 1):
                found.add("".join(w[0] for w in words[start : start + size]).lower())
        return frozenset(found)


def parse_answer(content: str) -> dict[str, object] | None:
    """The answer's JSON object: bare, inside a ```json fence, or the first complete object
    in the text with chatter around it. None when there is none, or when a second object
    follows (which one was meant is not for us to guess)."""
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    start = text.find("{")
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    try:
        value, end = decoder.raw_decode(text, start)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return None if _holds_object(decoder, text[end:]) else value


def _holds_object(decoder: json.JSONDecoder, text: str) -> bool:
    """Whether a complete JSON object starts at the first brace of ``text``."""
    start = text.find("{")
    try:
        return start >= 0 and isinstance(decoder.raw_decode(text, start)[0], dict)
    except ValueError:
        return False


def section_text(value: object) -> str | None:
    """One part of an answer as text: a string, or a list of sentence strings joined (as
    small models often answer); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return " ".join(v.strip() for v in value)
    return None


@functools.lru_cache(maxsize=1024)
def terms(text: str) -> frozenset[str]:
    """The English terms and numbers of a text, folded: lower case, a plural's s dropped, a
    hyphenated term also as its parts. Remembered: one check reads a summary's terms to find
    its rivals, to settle it by words and again to judge it with meaning."""
    found: set[str] = set()
    for word in _WORD.findall(text):
        folded = word.lower().removesuffix("s")
        if len(folded) >= 3 or (folded and folded[0].isdigit()):
            found.add(folded)
        if "-" in folded:
            found.update(p.removesuffix("s") for p in folded.split("-") if len(p) >= 3)
    return frozenset(found)


class TermWeights:
    """How rare each term is among a background of texts: rare terms say which paper it is."""

    def __init__(self, texts: Iterable[str | frozenset[str]]) -> None:
        self.counts: Counter[str] = Counter()
        self.total = 0
        for text in texts:
            self.counts.update(terms(text) if isinstance(text, str) else text)
            self.total += 1

    def weight(self, term: str) -> float:
        return math.log((self.total + 1) / (self.counts[term] + 1)) + 0.1

    def support(self, summary: frozenset[str], reference: frozenset[str]) -> float:
        """The share of the summary's term weight that the reference states."""
        total = sum(self.weight(t) for t in summary)
        return sum(self.weight(t) for t in summary & reference) / total if total else 0.0

    def coverage(self, summary: frozenset[str], reference: str) -> float:
        """The share of the reference's weight that the summary's terms cover."""
        wanted = terms(reference)
        total = sum(self.weight(t) for t in wanted)
        return sum(self.weight(t) for t in wanted & summary) / total if total else 0.0


@dataclass(frozen=True)
class Rivals:
    """The papers a summary is held against: its day's other papers, and the archived papers
    that could fit it best (found by its rare terms and, with an encoder, by meaning)."""

    day: Sequence[Reference] = ()
    archive: Sequence[Reference] = ()


def read_answer(answer: Mapping[str, object] | None, lang: str) -> Verdict:
    """The answer's form: three parts of the right length in the right script."""
    if answer is None:
        return Verdict({}, "format", "Answer with one JSON object and nothing else.")
    sections: dict[str, str] = {}
    for key, name in SECTIONS.items():
        value = section_text(answer.get(key))
        if value is None or not value.strip():
            return Verdict({}, "missing", f'The key "{key}" must be a non-empty string.')
        text = " ".join(value.split())
        if not MIN_CHARS <= len(text) <= MAX_CHARS:
            detail = f'"{key}" must be {MIN_CHARS} to {MAX_CHARS} characters, not {len(text)}.'
            return Verdict({}, "length", detail)
        sections[name] = text
    whole = "\n".join(sections.values())
    if script_share(whole, lang) < SCRIPTS[lang][1]:
        detail = f"Write in {lang}: keep only technical terms in English, in parentheses."
        return Verdict({}, "language", detail)
    return Verdict(sections)


def on_topic(
    summary: str,
    paper: Reference,
    rivals: Rivals,
    weights: TermWeights,
    cosines: Mapping[str, float] | None = None,
) -> bool:
    """Whether ``summary`` is about ``paper`` rather than a rival. ``cosines`` (by arXiv id,
    the paper's and its rivals') come from a sentence encoder when there is one."""
    found = terms(summary)
    if paper.thin:  # the title rule, as the check was measured before abstracts
        own = weights.coverage(found, paper.title)
        return own >= MIN_COVERAGE and all(
            weights.coverage(found, r.title) < own for r in rivals.day
        )

    def fit(reference: Reference) -> float:
        score = weights.support(found, reference.terms)
        if cosines is not None:
            score += cosines.get(reference.arxiv_id, 0.0)
        return score

    own = fit(paper)
    if own < (MIN_FIT if cosines is not None else MIN_FIT_WORDS):
        return False
    if any(fit(r) >= own for r in rivals.day if r.arxiv_id != paper.arxiv_id):
        return False
    return all(fit(r) < own + RIVAL_MARGIN for r in rivals.archive if r.arxiv_id != paper.arxiv_id)


def clearly_on_topic(summary: str, paper: Reference, rivals: Rivals, weights: TermWeights) -> bool:
    """Whether the words alone pick ``paper`` out so clearly that meaning cannot change it."""
    if paper.thin:
        return False
    found = terms(summary)
    own = weights.support(found, paper.terms)
    others = (*rivals.day, *rivals.archive)
    return own >= CLEAR_FIT and all(
        weights.support(found, r.terms) < own - CLEAR_MARGIN
        for r in others
        if r.arxiv_id != paper.arxiv_id
    )


def unsupported_claims(summary: str, paper: Reference) -> list[str]:
    """Percentages and multipliers the summary states that the paper's text does not.

    Counted, not refused: 21% of real Korean summaries state one (bench.summary_check),
    because their writer read more of the paper than its abstract."""
    stated = {n.replace(",", "") for n in _NUMBER.findall(f"{paper.title}\n{paper.text}")}
    return [
        match.group(0)
        for match in _CLAIM.finditer(summary)
        if match.group(1).replace(",", "") not in stated
    ]


def script_share(text: str, lang: str) -> float:
    """The share of the text's letters that are in the language's own script."""
    script = SCRIPTS[lang][0]
    letters = _LETTER.findall(text)
    return sum(1 for c in letters if script.match(c)) / len(letters) if letters else 0.0
