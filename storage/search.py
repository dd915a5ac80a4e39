"""Search by words: FTS5 candidates for a query, re-ranked by votes and recency, the papers
titled exactly as the query, and how many match; remembered per connection
(``storage.caches.SearchCache``) for paging, inline typing and popular queries. Fusing
this with meaning, and paging, is ``bot.understand.search``'s."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence

from bot.core.limits import MAX_QUERY, SEARCH_COUNT_CAP
from storage.caches import Ranked, Ranking
from storage.db import Database

# Relevance weights of the FTS columns: title, authors, summary.
_BM25 = "bm25(papers_fts, 8.0, 4.0, 1.0)"
# Candidates taken by relevance before votes and recency re-rank them.
SEARCH_CANDIDATES = 200
# A search with more matches than this scores only the newest this many (_RANK_SQL), and
# counts up to SEARCH_COUNT_CAP: bm25 over every match made a common word cost 120 ms at 200k.
# 1,000 left hybrid p95 at 30-50 ms at 200k papers (target 50); 500 gave 31-35 ms.
SEARCH_SCORED = 500
_SPREAD_MEMORY = 4_096  # FTS expressions whose match counts are remembered
_SPREAD_GROWTH = 0.05  # counts are counted again once the archive grew by this share
# How many papers match an FTS expression (?N), read in at most ?1 rows: up to ?1 matches,
# counted; more, estimated from how many papers are as new as the ?1-th newest match. A
# common word's whole posting list is never read (counting "model" took 80 ms at 200k).
_COUNTED = 2_000
_ESTIMATE = """(WITH m AS (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?{0}
                  ORDER BY rowid DESC LIMIT ?1)
    SELECT iif(COUNT(*) < ?1, COUNT(*), ?1 * 1.0 * (SELECT max(id) FROM papers)
               / max(1, (SELECT COUNT(*) FROM papers
                         WHERE arxiv_key >= (SELECT min(rowid) FROM m))))
    FROM m)"""


# One statement, so one hop to aiosqlite's thread: the archive's version, how many papers
# match (counting stops at ?4), the papers titled exactly ?5, and the candidates with the few
# columns scoring needs. Its cost is bounded however common the words:
# - up to ?3 matches: bm25 over all of them, the best ?2. (bm25 reads the whole posting list
#   of each word for its IDF, which is what made a common word slow.)
# - more: the newest ?3 (FTS rows are keyed by arXiv order: FTS5 reads them newest first and
#   stops), each scored by where the words are: title 8, authors 4, anywhere 1.
# The branch not taken has LIMIT 0 and reads nothing.
_RANK_SQL = f"""
WITH counts AS MATERIALIZED (
    SELECT (SELECT data_version FROM pragma_data_version) AS version,
           (SELECT COUNT(*) FROM (
               SELECT 1 FROM papers_fts WHERE papers_fts MATCH ?1 LIMIT ?4)) AS matches,
           (SELECT group_concat(id) FROM papers WHERE title = ?5 COLLATE NOCASE) AS exact),
few AS (
    SELECT rowid, -{_BM25} AS relevance FROM papers_fts
    WHERE papers_fts MATCH ?1
    ORDER BY relevance DESC LIMIT (SELECT iif(matches <= ?3, ?2, 0) FROM counts)),
newest AS MATERIALIZED (
    SELECT rowid FROM papers_fts
    WHERE papers_fts MATCH ?1
    ORDER BY rowid DESC LIMIT (SELECT iif(matches > ?3, ?3, 0) FROM counts)),
many AS (
    SELECT rowid, 1.0
        + 8 * (rowid IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?6
                         AND rowid >= (SELECT min(rowid) FROM newest)))
        + 4 * (rowid IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?7
                         AND rowid >= (SELECT min(rowid) FROM newest))) AS relevance
    FROM newest)
SELECT c.version, c.matches, c.exact, r.* FROM counts c LEFT JOIN (
    SELECT p.id, p.arxiv_id, p.votes, p.last_date, s.relevance
    FROM (SELECT * FROM few UNION ALL SELECT * FROM many) s
    JOIN papers p ON p.arxiv_key = s.rowid
) r
"""


async def rank_words(db: Database, expression: str, title: str | None) -> Ranking:
    """The best candidates for an FTS expression, ranked; how many papers match in all (at
    most ``SEARCH_COUNT_CAP``); and the ids of papers titled ``title``.

    Statements go through ``execute_fetchall``, one hop to aiosqlite's thread each rather than
    three (execute, fetch, close). Hops matter more than SQL here: while the bot handles an
    update, the event loop is busy fetching the next, and every hop waits for it.
    """
    cache = db.search_cache
    key = f"{expression}\x1f{title or ''}"
    cached = cache.entries.get(key)
    if cached is not None:
        ((data_version,),) = await db.execute_fetchall("PRAGMA data_version")
        if cached[0] == (cache.generation, data_version):
            cache.entries.move_to_end(key)
            return cached[1]
    generation = cache.generation
    result = await db.execute_fetchall(
        _RANK_SQL,
        (
            expression,
            SEARCH_CANDIDATES,
            SEARCH_SCORED,
            SEARCH_COUNT_CAP,
            title,
            f"title : ({expression})",
            f"authors : ({expression})",
        ),
    )
    data_version, matches, exact_ids = result[0][:3]
    rows = [row[3:] for row in result if row[3] is not None]
    exact = tuple(int(pid) for pid in exact_ids.split(",")) if exact_ids else ()
    ranked = _rank(rows)
    cache.put(key, (generation, data_version), (ranked, matches, exact))
    return ranked, matches, exact


def _rank(rows: Sequence[Sequence]) -> Ranked:
    """(id, arxiv id, votes, last date, relevance) rows, best ``SEARCH_CANDIDATES`` first:
    relevance boosted up to ~2x by votes and eased down to 0.6x by age. Up to
    ``SEARCH_SCORED`` rows, so each distinct date and vote count is worked out once."""
    if not rows:
        return []
    newest = dt.date.fromisoformat(max(row[3] for row in rows))
    recency: dict[str, float] = {}
    popularity: dict[int | None, float] = {}
    scored = []
    for pid, aid, votes, last, relevance in rows:
        if last not in recency:
            age_days = (newest - dt.date.fromisoformat(last)).days
            recency[last] = 0.6 + 0.4 * 0.5 ** (age_days / 180)
        if votes not in popularity:
            popularity[votes] = 1.0 + 0.2 * math.log1p(max(votes or 0, 0))
        # Floored: a clamped IDF makes every match ~1e-6, and votes and recency rank.
        scored.append((max(relevance, 1e-3) * popularity[votes] * recency[last], aid, pid))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:SEARCH_CANDIDATES]


# A search's pages are turned by buttons that carry a session id, not the query (64 bytes).
_SESSION_MEMORY = 10_000


async def search_session(db: Database, query: str) -> int:
    """The id page buttons use for ``query`` (the same query reuses its id).

    Ids already handed out in this process are remembered, so a repeated search costs no
    write; sessions are only pruned at start, when this memory is empty.
    """
    query = query[:MAX_QUERY]
    known = db.session_ids
    if query in known:
        return known[query]
    async with (
        db.transaction(),
        db.execute(
            "INSERT INTO search_sessions (query) VALUES (?) ON CONFLICT (query) DO UPDATE"
            " SET used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') RETURNING id",
            (query,),
        ) as cur,
    ):
        row = await cur.fetchone()
    if len(known) >= _SESSION_MEMORY:
        known.clear()
    known[query] = int(row[0])
    return known[query]


async def search_session_query(db: Database, session_id: int) -> str | None:
    async with db.execute("SELECT query FROM search_sessions WHERE id = ?", (session_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def prune_search_sessions(db: Database, days: int = 30) -> int:
    """Forget sessions unused for ``days``; their buttons then say they expired."""
    db.session_ids.clear()
    async with db.transaction():
        cursor = await db.execute(
            "DELETE FROM search_sessions WHERE used_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
            (f"-{days} days",),
        )
    return cursor.rowcount


async def match_counts(db: Database, expressions: Sequence[str], cap: int) -> list[int]:
    """How many papers each FTS expression matches, counting each up to ``cap``, in one
    statement (a cheap read of at most ``cap`` rows a term: no bm25)."""
    if not expressions:
        return []
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ?{i + 2}"
        " LIMIT ?1))"
        for i in range(len(expressions))
    )
    ((*found,),) = await db.execute_fetchall(f"SELECT {counts}", (cap, *expressions))
    return [int(n) for n in found]


async def paper_count_and_matches(
    db: Database, expressions: Sequence[str]
) -> tuple[int, list[int]]:
    """About how many papers there are (the highest id: O(1)), and how many match each FTS
    expression. Counts are remembered until the archive grows by ``_SPREAD_GROWTH``: they
    weigh words by rarity, which a day's papers hardly move. A common word's count is an
    estimate (``_ESTIMATE``)."""
    cache = db.search_cache
    ((total,),) = await db.execute_fetchall("SELECT coalesce(max(id), 0) FROM papers")
    counted_at = cache.spread_counted_at
    stale = not counted_at <= total <= counted_at * (1 + _SPREAD_GROWTH)
    if stale or len(cache.spread) > _SPREAD_MEMORY:
        cache.spread.clear()
        cache.spread_counted_at = total
    unknown = [e for e in dict.fromkeys(expressions) if e not in cache.spread]
    if unknown:
        counts = ", ".join(_ESTIMATE.format(i + 2) for i in range(len(unknown)))
        ((*found,),) = await db.execute_fetchall(f"SELECT {counts}", (_COUNTED, *unknown))
        cache.spread.update(zip(unknown, (round(n) for n in found), strict=True))
    return total, [cache.spread[e] for e in expressions]


async def indexed_texts(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """The indexed text (title and summary columns) of each paper in ``ids``, by id."""
    rows = await db.execute_fetchall(
        "SELECT p.id, f.title || ' ' || f.summary FROM papers p"
        " JOIN papers_fts f ON f.rowid = p.arxiv_key"
        " WHERE p.id IN (SELECT value FROM json_each(?))",
        (json.dumps([int(pid) for pid in ids]),),
    )
    return {int(pid): text for pid, text in rows}


async def papers_holding(db: Database, expressions: Sequence[str], each: int) -> list[list[int]]:
    """The ids of the papers matching each FTS expression, newest first, at most ``each``
    per expression: one statement, so one hop. The caller picks expressions that match few
    papers; ``each`` bounds what a common one costs."""
    if not expressions:
        return []
    parts = " UNION ALL ".join(
        f"SELECT {i} AS k, p.id FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?"
        " ORDER BY rowid DESC LIMIT ?) f JOIN papers p ON p.arxiv_key = f.rowid"
        for i in range(len(expressions))
    )
    params = [value for expression in expressions for value in (expression, each)]
    found: list[list[int]] = [[] for _ in expressions]
    for k, pid in await db.execute_fetchall(parts, params):
        found[int(k)].append(int(pid))
    return found
