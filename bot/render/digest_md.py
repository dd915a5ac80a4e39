"""A day's papers as a digest in the seed's markdown format, the one ``parse.markdown`` reads.

``## Daily Papers (D)``, then per paper ``### [title](arXiv URL)``, the thumbnail, ``Vote:``,
``Authors:`` and the ``- **What's New**: …`` bullets, each part followed by a blank line: the
layout of the daily_papers_ko feed from 2024-06-12 on. What is written parses back to the
same papers and sections.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.models import Paper

# A continuation line "- name: text" of a value is an item of a list that value opened; the
# feed wrote those items as keyed bullets, and the parser reads them back into the value.
_LIST_ITEM = re.compile(r"^- (?P<name>[^:*\n]{1,80}): (?P<text>.*)$")


@dataclass(frozen=True)
class Entry:
    """One paper as the day listed it: its text as a reader of the digest's language reads
    it, and the votes printed that day."""

    paper: Paper
    votes: int | None


def render_digest(date: dt.date, entries: Iterable[Entry]) -> str:
    """The whole day: the heading, then every entry."""
    return f"## Daily Papers ({date.isoformat()})\n\n" + render_entries(entries)


def render_entries(entries: Iterable[Entry]) -> str:
    return "".join(_entry(entry) for entry in entries)


def _entry(entry: Entry) -> str:
    paper = entry.paper
    parts = [f"### [{paper.title}]({paper.url})"]
    if paper.thumbnail:
        parts.append(f"![]({paper.thumbnail})")
    parts.append(f"Vote: {'-' if entry.votes is None else entry.votes}")
    if paper.authors:
        parts.append(f"Authors: {', '.join(paper.authors)}")
    parts.append(_summary(paper))
    return "".join(f"{part}\n\n" for part in parts)


def _summary(paper: Paper) -> str:
    if paper.sections:
        return "\n".join(
            f"- **{name}**: {_value(text, generated=paper.summary_model is not None)}"
            for name, text in paper.sections.items()
        )
    if paper.summary:
        return paper.summary
    # No summary in any language: the English fallback, as one plain bullet.
    fallback = paper.ai_summary or paper.abstract or paper.title
    return f"- {_one_line(fallback)}"


def _value(text: str, generated: bool) -> str:
    """A section's text after its key. A model's answer is written on one line (it is prose,
    and a line of it that began with ``-`` or ``#`` would read back as markup); a digest's own
    text keeps its lines, list items as the keyed bullets the feed wrote."""
    if generated:
        return _one_line(text)
    first, *rest = text.split("\n")
    lines = [first]
    for line in rest:
        item = _LIST_ITEM.match(line)
        lines.append(f"- **{item['name']}**: {item['text']}" if item else line)
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
