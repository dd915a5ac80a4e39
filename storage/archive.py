"""The paper archive: store digests idempotently, read papers back, rank, search and count."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.core.arxiv import abs_url, parse_arxiv_ref
from bot.core.models import Digest, Paper
from bot.core.query import index_text
from storage import digest_markdown
from storage.db import Database

PAPER_COLUMNS = (
    "p.id, p.arxiv_id, p.title, p.thumbnail, p.votes, p.votes_date, p.authors, p.sections,"
    " p.summary, p.first_date, p.last_date, p.abstract, p.ai_summary, p.ai_keywords,"
    " p.github_repo, p.github_stars, p.project_page, p.num_comments, p.digest_check,"
    " p.organization, p.organization_name,"
    # Generated summaries' sections (JSON), one per language/model/prompt, split by U+001F:
    # JSON escapes control characters, so the separator never occurs inside one.
    " (SELECT group_concat(s.sections, char(31)) FROM summaries s WHERE s.paper_id = p.id)"
    " AS generated"
)
PAPER_SELECT = f"SELECT {PAPER_COLUMNS} FROM papers p"  # every paper column, for any query
# Text columns an API listing fills in when a markdown digest had none, and the reverse.
_FILLABLE = (
    "abstract",
    "ai_summary",
    "github_repo",
    "project_page",
    "organization",
    "organization_name",
)
# papers.digest_check of a digest summary that passed the summary check (migration 12).
CHECK_OK = "ok"
# Counts that follow the newest observation.
_LIVE = ("github_stars", "num_comments")


@dataclass(frozen=True)
class DigestStats:
    """What storing one digest changed."""

    date: dt.date
    new_digest: bool
    papers_new: int
    papers_updated: int
    entries_new: int


@dataclass(frozen=True)
class ArchiveStats:
    papers: int
    digests: int
    entries: int
    first_date: dt.date | None
    last_date: dt.date | None


async def store_digest(
    db: Database,
    digest: Digest,
    source: str,
    observed_at: dt.datetime | None = None,
    backfill: bool = False,
) -> DigestStats:
    """Store a digest in one transaction; storing the same digest again changes nothing.
    A ``backfill`` listing is archived only: it is stored as already fanned out, so it is
    never delivered as new.

    A paper already archived keeps its text (missing parts are filled in); its votes follow
    the newest observation: a markdown digest's counts were observed on its date, a live API
    listing's (``observed_at`` given) when it was fetched, and those are kept as vote history.
    A digest re-run that lists more papers for the same date appends them after the others.
    """
    bad = [p.arxiv_id for p in digest.papers if parse_arxiv_ref(p.arxiv_id) != p.arxiv_id]
    if bad:  # the parsers only make new-style ids; the full-text key is built from one
        raise ValueError(f"not a new-style arXiv id: {bad[0]!r}")
    day = digest.date.isoformat()
    votes_day = observed_at.astimezone(dt.UTC).date().isoformat() if observed_at else day
    if votes_day < day:
        votes_day = day
    async with db.transaction():
        cursor = await db.execute(
            "INSERT INTO digests (date, source) VALUES (?, ?) ON CONFLICT (date) DO NOTHING",
            (day, source),
        )
        new_digest = cursor.rowcount == 1
        existing = await _papers_by_arxiv_id(db, [p.arxiv_id for p in digest.papers])
        async with db.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM digest_entries WHERE digest_date = ?",
            (day,),
        ) as cur:
            next_position = (await cur.fetchone())[0]

        papers_new = papers_updated = entries_new = 0
        for paper in digest.papers:
            row = existing.get(paper.arxiv_id)
            if row is None:
                paper_id = await _insert_paper(db, paper, day, votes_day)
                papers_new += 1
            else:
                paper_id = row["id"]
                papers_updated += await _merge_paper(db, row, paper, day, votes_day)
            if observed_at is not None and paper.votes is not None:
                await db.execute(
                    "INSERT OR REPLACE INTO vote_history (paper_id, observed_at, votes)"
                    " VALUES (?, ?, ?)",
                    (
                        paper_id,
                        observed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                        paper.votes,
                    ),
                )
            cursor = await db.execute(
                "INSERT INTO digest_entries (digest_date, paper_id, position, votes, fanned_out)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (day, paper_id, next_position, paper.votes, int(backfill)),
            )
            if cursor.rowcount == 1:
                entries_new += 1
                next_position += 1
        await digest_markdown.keep(db, digest, entries_new)
    if new_digest or papers_new or papers_updated or entries_new:
        db.search_cache.generation += 1
    return DigestStats(digest.date, new_digest, papers_new, papers_updated, entries_new)


async def _papers_by_arxiv_id(db: Database, arxiv_ids: Sequence[str]) -> dict[str, aiosqlite.Row]:
    if not arxiv_ids:
        return {}
    marks = ",".join("?" * len(arxiv_ids))
    async with db.execute(
        f"{PAPER_SELECT} WHERE p.arxiv_id IN ({marks})", tuple(arxiv_ids)
    ) as cursor:
        return {row["arxiv_id"]: row for row in await cursor.fetchall()}


async def _insert_paper(db: Database, paper: Paper, day: str, votes_day: str) -> int:
    cursor = await db.execute(
        "INSERT INTO papers (arxiv_id, title, thumbnail, votes, votes_date, authors, sections,"
        " summary, first_date, last_date, abstract, ai_summary, ai_keywords, github_repo,"
        " github_stars, project_page, num_comments, organization, organization_name)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            paper.arxiv_id,
            paper.title,
            paper.thumbnail,
            paper.votes,
            votes_day if paper.votes is not None else None,
            json.dumps(list(paper.authors), ensure_ascii=False),
            json.dumps(list(paper.sections.items()), ensure_ascii=False),
            paper.summary,
            day,
            day,
            paper.abstract,
            paper.ai_summary,
            json.dumps(list(paper.ai_keywords), ensure_ascii=False),
            paper.github_repo,
            paper.github_stars,
            paper.project_page,
            paper.num_comments,
            paper.organization,
            paper.organization_name,
        ),
    )
    paper_id = int(cursor.lastrowid or 0)
    await _index(db, paper_id, paper)
    return paper_id


async def _merge_paper(
    db: Database, row: aiosqlite.Row, paper: Paper, day: str, votes_day: str
) -> int:
    """Fold a new listing into a stored paper; returns 1 when anything changed.

    Text already stored is kept and missing parts are filled in (a Korean digest's summary
    and an API listing's abstract complete each other); votes follow the newest observation.
    """
    changes: dict[str, object] = {}
    if paper.votes is not None and (row["votes_date"] is None or votes_day >= row["votes_date"]):
        if paper.votes != row["votes"]:
            changes["votes"] = paper.votes
        if votes_day != row["votes_date"]:
            changes["votes_date"] = votes_day
    if day > row["last_date"]:
        changes["last_date"] = day
    if day < row["first_date"]:
        changes["first_date"] = day
    if row["thumbnail"] is None and paper.thumbnail:
        changes["thumbnail"] = paper.thumbnail
    reindex = False
    if row["authors"] == "[]" and paper.authors:
        changes["authors"] = json.dumps(list(paper.authors), ensure_ascii=False)
        reindex = True
    if row["sections"] == "[]" and not row["summary"] and paper.summary_text:
        changes["sections"] = json.dumps(list(paper.sections.items()), ensure_ascii=False)
        changes["summary"] = paper.summary
        reindex = True
    for column in _FILLABLE:
        value = getattr(paper, column)
        if value and not row[column]:
            changes[column] = value
            reindex = reindex or column in ("abstract", "ai_summary")
    if paper.ai_keywords and row["ai_keywords"] == "[]":
        changes["ai_keywords"] = json.dumps(list(paper.ai_keywords), ensure_ascii=False)
        reindex = True
    if reindex and row["digest_check"] is not None:
        changes["digest_check"] = None  # the summary or what it is judged against changed
    for column in _LIVE:
        value = getattr(paper, column)
        if value is not None and value != row[column]:
            changes[column] = value
    if not changes:
        return 0
    assignments = ", ".join(f"{column} = ?" for column in changes)
    await db.execute(
        f"UPDATE papers SET {assignments},"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        (*changes.values(), row["id"]),
    )
    if reindex:
        async with db.execute(f"{PAPER_SELECT} WHERE p.id = ?", (row["id"],)) as cursor:
            merged = paper_from_row(await cursor.fetchone())
        await _unindex(db, row["id"])
        await _index(db, row["id"], merged)
    # Moving only the recorded date of an unchanged vote count is bookkeeping, not an update.
    return int(bool(set(changes) - {"votes_date", "last_date", "first_date"}))


async def reindex(db: Database, arxiv_id: str) -> None:
    """Index a paper again, as it now reads (a summary was written for it)."""
    async with db.execute(f"{PAPER_SELECT} WHERE p.arxiv_id = ?", (arxiv_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return
    await _unindex(db, row["id"])
    await _index(db, row["id"], paper_from_row(row))
    db.search_cache.generation += 1  # what a search finds has changed


async def _unindex(db: Database, paper_id: int) -> None:
    await db.execute(
        "DELETE FROM papers_fts WHERE rowid = (SELECT arxiv_key FROM papers WHERE id = ?)",
        (paper_id,),
    )


async def _index(db: Database, paper_id: int, paper: Paper) -> None:
    """The paper's full-text row, keyed by ``papers.arxiv_key`` (migration 8)."""
    await db.execute(
        "INSERT INTO papers_fts (rowid, title, authors, summary)"
        " VALUES ((SELECT arxiv_key FROM papers WHERE id = ?), ?, ?, ?)",
        (
            paper_id,
            index_text(paper.title),
            index_text(", ".join(paper.authors)),
            index_text(paper.searchable_text),
        ),
    )


def paper_from_row(row: aiosqlite.Row, date: str | None = None) -> Paper:
    return Paper(
        arxiv_id=row["arxiv_id"],
        title=row["title"],
        url=abs_url(row["arxiv_id"]),
        thumbnail=row["thumbnail"],
        votes=row["votes"],
        authors=tuple(json.loads(row["authors"])),
        sections={name: text for name, text in json.loads(row["sections"])},
        summary=row["summary"],
        date=dt.date.fromisoformat(date or row["last_date"]),
        abstract=row["abstract"],
        ai_summary=row["ai_summary"],
        ai_keywords=tuple(json.loads(row["ai_keywords"])),
        github_repo=row["github_repo"],
        github_stars=row["github_stars"],
        project_page=row["project_page"],
        num_comments=row["num_comments"],
        organization=row["organization"],
        organization_name=row["organization_name"],
        generated_text=_generated_text(row["generated"]),
        digest_withheld=row["digest_check"] not in (None, CHECK_OK),
    )


def _generated_text(joined: str | None) -> str:
    """The plain text of the generated summaries ``PAPER_COLUMNS`` gathers."""
    if not joined:
        return ""
    return "\n".join(text for one in joined.split("\x1f") for _, text in json.loads(one))


async def get_paper(db: Database, arxiv_id: str) -> Paper | None:
    async with db.execute(f"{PAPER_SELECT} WHERE p.arxiv_id = ?", (arxiv_id,)) as cursor:
        row = await cursor.fetchone()
    return paper_from_row(row) if row else None


async def get_paper_with_id(db: Database, arxiv_id: str) -> tuple[int, Paper] | None:
    """A paper and its row id (what vectors are keyed by)."""
    rows = await db.execute_fetchall(f"{PAPER_SELECT} WHERE p.arxiv_id = ?", (arxiv_id,))
    return (rows[0]["id"], paper_from_row(rows[0])) if rows else None


async def papers_by_id(db: Database, ids: Sequence[int]) -> list[Paper]:
    """Papers by row id, in the order asked (ids not found are left out)."""
    found = await papers_keyed(db, ids)
    return [found[pid] for pid in ids if pid in found]


async def papers_keyed(db: Database, ids: Sequence[int]) -> dict[int, Paper]:
    """Papers by row id, as a map (ids not found are left out)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.execute_fetchall(f"{PAPER_SELECT} WHERE p.id IN ({marks})", tuple(ids))
    return {row["id"]: paper_from_row(row) for row in rows}


async def papers_listed_since(
    db: Database, since: dt.date, limit: int = 5000
) -> list[tuple[int, Paper]]:
    """Papers whose latest listing is on or after ``since``, newest first, with row ids."""
    rows = await db.execute_fetchall(
        f"{PAPER_SELECT} WHERE p.last_date >= ? ORDER BY p.last_date DESC, p.id DESC LIMIT ?",
        (since.isoformat(), limit),
    )
    return [(row["id"], paper_from_row(row)) for row in rows]


async def paper_dates(db: Database, arxiv_id: str) -> list[dt.date]:
    """Every digest date that listed the paper, oldest first."""
    async with db.execute(
        "SELECT e.digest_date FROM digest_entries e JOIN papers p ON p.id = e.paper_id"
        " WHERE p.arxiv_id = ? ORDER BY e.digest_date",
        (arxiv_id,),
    ) as cursor:
        return [dt.date.fromisoformat(row[0]) for row in await cursor.fetchall()]


async def latest_digest_date(db: Database) -> dt.date | None:
    async with db.execute("SELECT MAX(date) FROM digests") as cursor:
        row = await cursor.fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


async def digest_dates(db: Database, since: dt.date) -> list[dt.date]:
    """Dates of the digests from ``since`` on, oldest first."""
    rows = await db.execute_fetchall(
        "SELECT date FROM digests WHERE date >= ? ORDER BY date", (since.isoformat(),)
    )
    return [dt.date.fromisoformat(row[0]) for row in rows]


async def digest_papers(db: Database, date: dt.date) -> list[Paper]:
    """The papers of one day's digest, in the order it listed them."""
    return [paper for paper, _ in await digest_listing(db, date)]


async def digest_listing(db: Database, date: dt.date) -> list[tuple[Paper, int | None]]:
    """The papers of one day's digest in listed order, each with the votes printed that day."""
    rows = await db.execute_fetchall(
        f"SELECT {PAPER_COLUMNS}, e.digest_date AS listed, e.votes AS listed_votes"
        " FROM digest_entries e JOIN papers p ON p.id = e.paper_id WHERE e.digest_date = ?"
        " ORDER BY e.position",
        (date.isoformat(),),
    )
    return [(paper_from_row(row, row["listed"]), row["listed_votes"]) for row in rows]


async def top_papers(
    db: Database,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int = 10,
    by: str = "votes",
) -> list[Paper]:
    """Most-voted papers listed in digests dated ``start``..``end`` (inclusive; None = open),
    or with ``by="stars"`` the papers whose code has the most GitHub stars (only papers with
    code).

    Each paper appears once, dated by its latest listing in the period; ties go to the newer.
    """
    rank = "p.github_stars" if by == "stars" else "p.votes"
    only = " AND p.github_stars IS NOT NULL" if by == "stars" else ""
    if start is None and end is None:
        # All time: every paper qualifies, so walk the (votes, last_date) index (or the stars
        # one) instead of grouping every listing. NULL sorts last in DESC order.
        where = " WHERE p.github_stars IS NOT NULL" if by == "stars" else ""
        async with db.execute(
            f"{PAPER_SELECT}{where} ORDER BY {rank} DESC, p.last_date DESC LIMIT ?", (limit,)
        ) as cursor:
            return [paper_from_row(row) for row in await cursor.fetchall()]
    async with db.execute(
        f"SELECT {PAPER_COLUMNS}, MAX(e.digest_date) AS listed FROM digest_entries e"
        " JOIN papers p ON p.id = e.paper_id"
        f" WHERE e.digest_date >= ? AND e.digest_date <= ?{only}"
        f" GROUP BY p.id ORDER BY COALESCE({rank}, -1) DESC, listed DESC, MIN(e.position)"
        " LIMIT ?",
        (
            start.isoformat() if start else "0000-00-00",
            end.isoformat() if end else "9999-99-99",
            limit,
        ),
    ) as cursor:
        return [paper_from_row(row, row["listed"]) for row in await cursor.fetchall()]


async def rising_papers(
    db: Database, since: dt.datetime, limit: int = 10
) -> list[tuple[Paper, int]]:
    """Papers whose live votes grew most since ``since``, with the growth.

    Growth is the current count minus the last count seen at or before ``since`` (or the
    first seen after it, for a paper first seen within the window).
    """
    cutoff = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    async with db.execute(
        f"SELECT * FROM (SELECT {PAPER_COLUMNS}, p.votes - COALESCE("
        "  (SELECT h.votes FROM vote_history h WHERE h.paper_id = p.id AND h.observed_at <= ?1"
        "   ORDER BY h.observed_at DESC LIMIT 1),"
        "  (SELECT h.votes FROM vote_history h WHERE h.paper_id = p.id AND h.observed_at > ?1"
        "   ORDER BY h.observed_at LIMIT 1)) AS growth"
        " FROM papers p WHERE p.id IN (SELECT paper_id FROM vote_history WHERE observed_at > ?1))"
        " WHERE growth > 0 ORDER BY growth DESC, votes DESC LIMIT ?2",
        (cutoff, limit),
    ) as cursor:
        return [(paper_from_row(row), row["growth"]) for row in await cursor.fetchall()]


async def archive_stats(db: Database) -> ArchiveStats:
    async with db.execute(
        "SELECT (SELECT COUNT(*) FROM papers), (SELECT COUNT(*) FROM digests),"
        " (SELECT COUNT(*) FROM digest_entries), (SELECT MIN(date) FROM digests),"
        " (SELECT MAX(date) FROM digests)"
    ) as cursor:
        papers, digests, entries, first, last = await cursor.fetchone()
    return ArchiveStats(
        papers=papers,
        digests=digests,
        entries=entries,
        first_date=dt.date.fromisoformat(first) if first else None,
        last_date=dt.date.fromisoformat(last) if last else None,
    )
