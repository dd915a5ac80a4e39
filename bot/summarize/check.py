"""Whether a language model's summary may reach a reader: all three parts, within bounds, in
the language asked for, and about this paper rather than another.

"About this paper" is measured on the English terms a summary keeps (model names, methods,
datasets, acronyms; Korean summaries keep them in parentheses) against this paper's title,
each term weighted by how rare it is among papers' titles (IDF). A summary must
cover at least ``MIN_COVERAGE`` of the paper's weight, and more of it than of any other paper
of the same day: a fluent summary of a neighbour is refused. The thresholds come from the
real digests (``python -m bench.summary_check`` prints the measurement).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# The answer's keys, and the section each becomes (the digest's own names).
SECTIONS = {
    "whats_new": "What's New",
    "technical_details": "Technical Details",
    "performance_highlights": "Performance Highlights",
}
MIN_CHARS = 30  # real Korean sections: shortest 57 characters
MAX_CHARS = 1200  # real Korean sections: longest 648
MIN_COVERAGE = 0.15

_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9\-]{2,}|\d+(?:\.\d+)?%?")
_LETTER = re.compile(r"[^\W\d_]")
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


def parse_answer(content: str) -> dict[str, object] | None:
    """The answer's one JSON object, bare or inside a ```json fence; None for anything else."""
    fenced = _FENCE.match(content)
    try:
        value = json.loads(fenced.group(1) if fenced else content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def terms(text: str) -> set[str]:
    """The English terms and numbers of a text, folded: lower case, a plural's s dropped."""
    return {word.lower().removesuffix("s") for word in _TERM.findall(text)}


class TermWeights:
    """How rare each term is among a background of titles: rare terms say which paper it is."""

    def __init__(self, titles: Iterable[str]) -> None:
        self.counts: Counter[str] = Counter()
        self.total = 0
        for title in titles:
            self.counts.update(terms(title))
            self.total += 1

    def weight(self, term: str) -> float:
        return math.log((self.total + 1) / (self.counts[term] + 1)) + 0.1

    def coverage(self, summary: set[str], reference: str) -> float:
        """The share of the reference's weight that the summary's terms cover."""
        wanted = terms(reference)
        total = sum(self.weight(t) for t in wanted)
        return sum(self.weight(t) for t in wanted & summary) / total if total else 0.0


def check(
    answer: Mapping[str, object] | None,
    lang: str,
    reference: str,
    neighbours: Sequence[str],
    weights: TermWeights,
) -> Verdict:
    """Judge one answer for the paper described by ``reference`` (its title);
    ``neighbours`` are the same day's other papers' references."""
    if answer is None:
        return Verdict({}, "format", "Answer with one JSON object and nothing else.")
    sections: dict[str, str] = {}
    for key, name in SECTIONS.items():
        value = answer.get(key)
        if not isinstance(value, str) or not value.strip():
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
    found = terms(whole)
    own = weights.coverage(found, reference)
    if own < MIN_COVERAGE or any(weights.coverage(found, n) >= own for n in neighbours):
        detail = "Summarise this paper only, naming its method, models and results."
        return Verdict({}, "off-topic", detail)
    return Verdict(sections)


def script_share(text: str, lang: str) -> float:
    """The share of the text's letters that are in the language's own script."""
    script = SCRIPTS[lang][0]
    letters = _LETTER.findall(text)
    return sum(1 for c in letters if script.match(c)) / len(letters) if letters else 0.0
