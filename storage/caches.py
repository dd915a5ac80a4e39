"""What one connection remembers between queries: search rankings and chat languages."""

from __future__ import annotations

from collections import OrderedDict

from bot.core.i18n import Lang

Ranked = list[tuple[float, str, int]]  # (score, arxiv_id, paper id), best first
# A ranking, how many papers match (capped), and the papers whose title is the query.
Ranking = tuple[Ranked, int, tuple[int, ...]]


class SearchCache:
    """Recent rankings per FTS expression and exact title, for paging, inline typing and
    popular queries.

    Valid while the archive is unchanged: ``generation`` moves when this connection stores
    something, ``PRAGMA data_version`` when another connection (a CLI ingest) commits.
    """

    SIZE = 256

    def __init__(self) -> None:
        self.generation = 0
        self.entries: OrderedDict[str, tuple[tuple[int, int], Ranking]] = OrderedDict()
        # How many papers each FTS expression matches (storage.search.paper_count_and_matches).
        self.spread: dict[str, int] = {}
        self.spread_counted_at = -1  # how many papers there were when they were counted

    def clear(self) -> None:
        self.entries.clear()

    def put(self, key: str, version: tuple[int, int], value: Ranking) -> None:
        self.entries[key] = (version, value)
        if len(self.entries) > self.SIZE:
            self.entries.popitem(last=False)


class LanguageMemory:
    """Chat languages already read, valid while the connection has written nothing since.

    Every update needs its chat's language, and a lookup is a hop to aiosqlite's thread. Any
    write on the connection (``total_changes`` moves) may have changed one, so the memory is
    dropped then; only this process writes chats, so no other connection can stale it.
    """

    SIZE = 50_000

    def __init__(self) -> None:
        self.changes = -1
        self.languages: dict[int, Lang | None] = {}

    def valid_at(self, changes: int) -> dict[int, Lang | None]:
        """The remembered languages, emptied first when the connection wrote since."""
        if self.changes != changes or len(self.languages) >= self.SIZE:
            self.changes = changes
            self.languages.clear()
        return self.languages
