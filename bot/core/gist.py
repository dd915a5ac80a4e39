"""What a paper's embedding is made of: its title, and the gist of what it says.

Measured on the hand-written Korean→English query set (tests/data): the title alone and the
title averaged with a short summary rank the asked-for paper far better than the title with
the whole abstract, which dilutes a sentence encoder. So the gist is short: the HF AI
summary, else the first section of a summary (the digest's or a generated one), else the
abstract's first sentences.
"""

from __future__ import annotations

import re

from bot.core.models import Paper

GIST_CHARS = 400  # about two sentences; USE reads short texts best
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


def gist(paper: Paper) -> str:
    """A short text saying what the paper is about; the title when nothing else exists."""
    for text in (paper.ai_summary, _first_section(paper), paper.summary, paper.abstract):
        if text and text.strip():
            return _shorten(text)
    return paper.title


def _first_section(paper: Paper) -> str:
    if paper.sections:
        return next(iter(paper.sections.values()))
    first = paper.generated_text.split("\n", 1)[0]
    return first


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= GIST_CHARS:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if out and len(out) + len(sentence) + 1 > GIST_CHARS:
            break
        out = f"{out} {sentence}".strip()
    return out[:GIST_CHARS]
