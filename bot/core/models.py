"""Domain objects shared by parsing, storage and rendering: plain frozen data, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _frozen_mapping(items: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True, eq=True)
class Paper:
    """One paper as a digest lists it.

    ``sections`` maps a section name (What's New, Technical Details, ...) to its text in the
    order the digest gives them; ``summary`` holds the raw bullet text of entries written
    before sections existed. ``date`` is the digest date the paper was listed on (for a paper
    read back from the archive: the latest such date).
    """

    arxiv_id: str
    title: str
    url: str
    thumbnail: str | None = None
    votes: int | None = None
    authors: tuple[str, ...] = ()
    sections: Mapping[str, str] = field(default_factory=_frozen_mapping)
    summary: str = ""
    date: dt.date | None = None
    # From the Hugging Face daily papers API (issue 5); empty for markdown-only papers.
    abstract: str = ""
    ai_summary: str = ""
    ai_keywords: tuple[str, ...] = ()
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    num_comments: int | None = None
    # The organization the listing names (issue 28): its short name and its full name.
    organization: str | None = None
    organization_name: str | None = None
    # The model that wrote ``sections`` (issue 11); None when they came from a digest.
    summary_model: str | None = None
    # Every summary Paperboy wrote for the paper, in any language, as plain text: search and
    # topics match it, so a Korean query finds a paper that arrived in English.
    generated_text: str = ""
    # The digest's own summary failed the summary check (issue 24): readers get the next
    # choice (bot/core/summary_choice.py) and a quiet note instead.
    digest_withheld: bool = False

    def __post_init__(self) -> None:
        # Callers may pass a plain dict; freeze it so a Paper can never change after creation.
        if not isinstance(self.sections, MappingProxyType):
            object.__setattr__(self, "sections", _frozen_mapping(self.sections))
        if not isinstance(self.authors, tuple):
            object.__setattr__(self, "authors", tuple(self.authors))
        if not isinstance(self.ai_keywords, tuple):
            object.__setattr__(self, "ai_keywords", tuple(self.ai_keywords))

    __hash__ = None  # type: ignore[assignment]  # sections is a mapping: not hashable

    @property
    def summary_text(self) -> str:
        """Everything the summary says, sections joined, for search and snippets."""
        parts = [*self.sections.values()]
        if self.summary:
            parts.append(self.summary)
        return "\n".join(parts)

    @property
    def searchable_text(self) -> str:
        """What search and topics match besides title and authors: the Korean summary, the
        AI summary, the abstract, the AI keywords and the summaries Paperboy wrote. A
        withheld digest summary is about another paper: it finds nothing and quotes nothing."""
        parts = [
            "" if self.digest_withheld else self.summary_text,
            self.ai_summary,
            self.abstract,
            ", ".join(self.ai_keywords),
            self.generated_text,
        ]
        return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class Digest:
    """One ``## Daily Papers (YYYY-MM-DD)`` block: its date and its papers in listed order."""

    date: dt.date
    papers: tuple[Paper, ...]
    line: int = 1
    # The block exactly as the file wrote it (heading to the next digest or section), so a
    # digest day can be exported again byte for byte; empty for API listings.
    markdown: str = ""


@dataclass(frozen=True)
class ParseIssue:
    """A problem found while reading a digest file, located so a person can fix or report it."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:  # a problem with the whole input (unreadable, unreachable)
            return f"{self.source}: {self.message}"
        return f"{self.source}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ParseResult:
    """What one file yielded: the digests that could be read and every problem met."""

    source: str
    digests: tuple[Digest, ...]
    issues: tuple[ParseIssue, ...] = ()
    entries: int = 0  # a JSON listing's entries as sent, duplicates and bad ones included


@dataclass(frozen=True)
class Snippet:
    """A short plain-text excerpt and the (start, end) spans of matched terms within it.

    Kept as plain text so the renderer escapes it and decides how to highlight.
    """

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def pieces(self) -> list[tuple[str, bool]]:
        """The text cut at the spans, in order: (piece, matched); bad spans are skipped."""
        parts, last = [], 0
        for start, end in self.spans:
            if start >= last and end > start:
                parts += [(self.text[last:start], False), (self.text[start:end], True)]
                last = end
        return [*parts, (self.text[last:], False)]


@dataclass(frozen=True)
class Tally:
    """A chat's 👍 and 👎 for one paper, and the tapping user's own (1, -1 or 0)."""

    likes: int = 0
    dislikes: int = 0
    mine: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One search result: the paper, its combined score and a snippet to show."""

    paper: Paper
    score: float
    snippet: Snippet


@dataclass(frozen=True)
class Delivery:
    """One outbox row: a paper owed to a chat, due at a UTC time."""

    id: int
    chat_id: int
    paper_id: int
    arxiv_id: str
    digest_date: dt.date
    position: int
    due_at: dt.datetime
    attempts: int = 0
    reason: str | None = None  # "👤 Kaiming He" when a followed name brought it
