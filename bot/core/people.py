"""People and labs a chat follows: how a typed name matches the names papers list.

Pure rules, no storage: a name becomes a key (case, accents and punctuation folded away;
Hangul kept as written), and a key with initials ("K. He") matches the full names whose
last name is the same and whose first names start with those letters. ``org:google`` names
an organization by its Hugging Face short name or its full name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.models import Paper

AUTHOR, ORG = "author", "org"
FOLLOW_CHARS = 100  # a followed name, as typed
FOLLOWS_PER_CHAT = 50
_SEPARATORS = re.compile(r"[^\w가-힣]+")


def name_key(name: str) -> str:
    """ "José Álvarez-Núñez" → "jose alvarez nunez"; "K. He" → "k he"; Hangul as written."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFC", bare).casefold()
    return " ".join(_SEPARATORS.sub(" ", folded).split())


@dataclass(frozen=True)
class Followed:
    """One follow: an author or an organization, by its key, as the reader wrote it."""

    kind: str
    key: str
    name: str

    @property
    def label(self) -> str:
        return ("🏢 " if self.kind == ORG else "👤 ") + self.name


def parse_follow(text: str) -> Followed | None:
    """``/follow`` text → a follow; None when nothing is left to follow."""
    text = " ".join(text.split())[:FOLLOW_CHARS]
    kind = AUTHOR
    if text.lower().startswith("org:"):
        kind, text = ORG, text[4:].strip()
    key = name_key(text)
    return Followed(kind, key, text) if key else None


def is_initials(key: str) -> bool:
    """Whether a key abbreviates its first names ("k he", "k m he")."""
    parts = key.split()
    return len(parts) >= 2 and all(len(p) == 1 for p in parts[:-1])


def author_matches(followed_key: str, author_key: str) -> bool:
    """``author_key`` is the followed person: the same key, or the same last name with first
    names that start with the followed initials."""
    if followed_key == author_key:
        return True
    if not is_initials(followed_key):
        return False
    wanted, parts = followed_key.split(), author_key.split()
    if len(parts) < 2 or parts[-1] != wanted[-1]:
        return False
    firsts = parts[:-1]
    return len(firsts) >= len(wanted) - 1 and all(
        first.startswith(initial) for first, initial in zip(firsts, wanted[:-1], strict=False)
    )


def org_matches(followed_key: str, short: str | None, full: str | None) -> bool:
    return followed_key in {name_key(short or ""), name_key(full or "")} - {""}


class PeopleIndex:
    """The authors and organizations of a batch of papers, read once: each chat's follows
    are then dictionary lookups (2,000 chats following 20 names each over 50 papers would
    otherwise fold a million names)."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.authors: dict[str, set[str]] = {}
        self.by_last: dict[str, list[str]] = {}  # last name → the author keys that end in it
        self.orgs: dict[str, set[str]] = {}
        for paper in papers:
            for author in paper.authors:
                key = name_key(author)
                if key not in self.authors:
                    self.by_last.setdefault(key.rsplit(" ", 1)[-1], []).append(key)
                self.authors.setdefault(key, set()).add(paper.arxiv_id)
            for org in (paper.organization, paper.organization_name):
                if org:
                    self.orgs.setdefault(name_key(org), set()).add(paper.arxiv_id)

    def reasons(self, follows: Sequence[Followed]) -> dict[str, str]:
        """arXiv id → the followed names it is by ("👤 Kaiming He · 🏢 Google")."""
        by: dict[str, list[str]] = {}
        for followed in follows:
            if followed.kind == ORG:
                ids = self.orgs.get(followed.key, set())
            elif is_initials(followed.key):
                same_last = self.by_last.get(followed.key.rsplit(" ", 1)[-1], ())
                ids = set().union(
                    *(self.authors[k] for k in same_last if author_matches(followed.key, k))
                )
            else:
                ids = self.authors.get(followed.key, set())
            for arxiv_id in ids:
                labels = by.setdefault(arxiv_id, [])
                if followed.label not in labels:
                    labels.append(followed.label)
        return {arxiv_id: " · ".join(labels) for arxiv_id, labels in by.items()}
