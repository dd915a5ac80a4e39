"""A parsed paper's fields within their limits (``bot/core/limits.py``), cut visibly.

Both parsers pass every paper through ``bounded``: one 53 MB summary line once made a search
take 15 s and 2.3 GB, and ``show`` print all of it. What is cut ends in an ellipsis, and the
cut is reported with the entry's line, so the paper is kept and the operator knows.
"""

from __future__ import annotations

import dataclasses

from bot.core.limits import (
    AUTHOR_CHARS,
    AUTHORS_PER_PAPER,
    KEYWORDS_PER_PAPER,
    SECTION_CHARS,
    TITLE_CHARS,
)
from bot.core.models import Paper, ParseIssue

ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, ending in an ellipsis when cut (at a space
    near the end when there is one, so a word is not halved)."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ", max(0, limit - 40))
    return (head[:space] if space > 0 else head).rstrip() + ELLIPSIS


def bounded(paper: Paper, source: str, line: int, issues: list[ParseIssue]) -> Paper:
    """``paper`` with each field within its limit; one issue names what was cut."""
    cuts: list[str] = []
    changes: dict[str, object] = {}
    if len(paper.title) > TITLE_CHARS:
        changes["title"] = cut(paper.title, TITLE_CHARS)
        cuts.append(f"title ({len(paper.title):,} characters)")
    authors = paper.authors
    if len(authors) > AUTHORS_PER_PAPER:
        cuts.append(f"authors ({len(authors):,})")
        authors = (*authors[: AUTHORS_PER_PAPER - 1], ELLIPSIS)
    if any(len(a) > AUTHOR_CHARS for a in authors):
        cuts.append("an author's name")
        authors = tuple(cut(a, AUTHOR_CHARS) for a in authors)
    if authors is not paper.authors:
        changes["authors"] = authors
    sections = dict(paper.sections)
    for name, text in paper.sections.items():
        if len(text) > SECTION_CHARS:
            sections[name] = cut(text, SECTION_CHARS)
            cuts.append(f"{name} ({len(text):,} characters)")
    if sections != dict(paper.sections):
        changes["sections"] = sections
    if len(paper.ai_keywords) > KEYWORDS_PER_PAPER:
        changes["ai_keywords"] = paper.ai_keywords[:KEYWORDS_PER_PAPER]
        cuts.append(f"keywords ({len(paper.ai_keywords):,})")
    for name in ("summary", "abstract", "ai_summary"):
        text = getattr(paper, name)
        if len(text) > SECTION_CHARS:
            changes[name] = cut(text, SECTION_CHARS)
            cuts.append(f"{name.replace('_', ' ')} ({len(text):,} characters)")
    if not cuts:
        return paper
    issues.append(
        ParseIssue(source, line, f"{paper.arxiv_id}: cut to the limits: {', '.join(cuts)}")
    )
    return dataclasses.replace(paper, **changes)  # type: ignore[arg-type]
