"""Summaries Paperboy wrote, keyed by paper, language, model and prompt version, and the
answers it refused: what is stored is never asked for again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.models import Paper
from bot.core.summary_choice import Generated, for_reader
from storage.archive import CHECK_OK, PAPER_COLUMNS, PAPER_SELECT, paper_from_row, reindex
from storage.db import Database
from storage.timestamps import utc_text


@dataclass(frozen=True)
class SummaryKey:
    """What one summary is cached by, besides its paper."""

    lang: str
    model: str
    prompt_version: str


async def pending(
    db: Database,
    key: SummaryKey,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
    force: bool = False,
) -> list[Paper]:
    """Papers listed from ``start`` to ``end`` (None: open) that have no summary for ``key``,
    newest digest first, in listed order; refused ones too with ``force``. A paper whose
    digest gave it Korean sections needs no Korean summary: the digest's own always wins."""
    refused = (
        " AND NOT EXISTS (SELECT 1 FROM summary_refusals r WHERE r.paper_id = p.id"
        " AND r.lang = ?3 AND r.model = ?4 AND r.prompt_version = ?5)"
    )
    if force:
        refused = ""
    own = " AND p.sections = '[]' AND p.summary = ''" if key.lang == "ko" else ""
    rows = await db.execute_fetchall(
        f"SELECT {PAPER_COLUMNS}, MAX(e.digest_date) AS listed FROM digest_entries e"
        " JOIN papers p ON p.id = e.paper_id WHERE e.digest_date BETWEEN ?1 AND ?2"
        " AND NOT EXISTS (SELECT 1 FROM summaries s WHERE s.paper_id = p.id AND s.lang = ?3"
        f" AND s.model = ?4 AND s.prompt_version = ?5){refused}{own}"
        " GROUP BY p.id ORDER BY listed DESC, MIN(e.position) LIMIT ?6",
        (
            start.isoformat() if start else "0000-00-00",
            end.isoformat() if end else "9999-99-99",
            key.lang,
            key.model,
            key.prompt_version,
            -1 if limit is None else limit,
        ),
    )
    return [paper_from_row(row, row["listed"]) for row in rows]


async def store(
    db: Database,
    arxiv_id: str,
    key: SummaryKey,
    sections: Mapping[str, str],
    tokens: int,
    now: dt.datetime,
) -> None:
    """Keep a checked summary (a refusal recorded earlier for the same key is dropped)."""
    values = (arxiv_id, key.lang, key.model, key.prompt_version)
    async with db.transaction():
        await db.execute(
            "INSERT OR REPLACE INTO summaries (paper_id, lang, model, prompt_version, sections,"
            " tokens, created_at) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM papers"
            " WHERE arxiv_id = ?1",
            (
                *values,
                json.dumps(list(sections.items()), ensure_ascii=False),
                tokens,
                utc_text(now),
            ),
        )
        await db.execute(
            "DELETE FROM summary_refusals WHERE paper_id = (SELECT id FROM papers WHERE"
            " arxiv_id = ?1) AND lang = ?2 AND model = ?3 AND prompt_version = ?4",
            values,
        )
        await reindex(db, arxiv_id)  # search and topics read what was written


async def refuse(
    db: Database, arxiv_id: str, key: SummaryKey, reason: str, tokens: int, now: dt.datetime
) -> None:
    """Remember that every answer for this paper was unusable: it keeps its fallback."""
    async with db.transaction():
        await db.execute(
            "INSERT OR REPLACE INTO summary_refusals (paper_id, lang, model, prompt_version,"
            " reason, tokens, created_at) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM papers"
            " WHERE arxiv_id = ?1",
            (arxiv_id, key.lang, key.model, key.prompt_version, reason, tokens, utc_text(now)),
        )


async def generated(db: Database, arxiv_id: str) -> dict[str, Generated]:
    """A paper's newest stored summary in each language."""
    rows = await db.execute_fetchall(
        "SELECT s.lang, s.model, s.sections, s.created_at FROM summaries s"
        " JOIN papers p ON p.id = s.paper_id WHERE p.arxiv_id = ? ORDER BY s.created_at",
        (arxiv_id,),
    )
    return {
        lang: Generated(model, dict(json.loads(text)), created_at)
        for lang, model, text, created_at in rows
    }


async def as_read(db: Database, paper: Paper, lang: str) -> Paper:
    """``paper`` with the summary a reader of ``lang`` sees (``summary_choice.for_reader``)."""
    return for_reader(paper, lang, await generated(db, paper.arxiv_id))


async def stored(db: Database, arxiv_id: str, lang: str) -> dict[str, str]:
    """The newest stored summary of a paper in a language, as sections (empty: none)."""
    found = (await generated(db, arxiv_id)).get(lang)
    return dict(found.sections) if found else {}


async def counts(
    db: Database, keys: list[SummaryKey], recent: dt.date, today: dt.datetime
) -> dict[str, int]:
    """For /stats: summaries written and refused for ``keys``, recent papers still without
    one, and tokens spent since ``today`` (its start, UTC)."""
    stored = refused = tokens = waiting = 0
    for key in keys:
        values = (key.lang, key.model, key.prompt_version, utc_text(today))
        for table in ("summaries", "summary_refusals"):
            ((count, spent),) = await db.execute_fetchall(
                f"SELECT COUNT(*), COALESCE(SUM(tokens) FILTER (WHERE created_at >= ?4), 0)"
                f" FROM {table} WHERE lang = ?1 AND model = ?2 AND prompt_version = ?3",
                values,
            )
            tokens += spent
            if table == "summaries":
                stored += count
            else:
                refused += count
        waiting += len(await pending(db, key, recent))
    return {"stored": stored, "pending": waiting, "refused": refused, "tokens": tokens}


async def references(db: Database) -> list[Paper]:
    """Every paper with what it says of itself (title, abstract, AI summary and keywords):
    the archive the summary check judges against. Other fields are left empty."""
    rows = await db.execute_fetchall(
        "SELECT arxiv_id, title, abstract, ai_summary, ai_keywords FROM papers"
    )
    return [
        Paper(
            arxiv_id=arxiv_id,
            title=title,
            url="",
            abstract=abstract,
            ai_summary=ai_summary,
            ai_keywords=tuple(json.loads(keywords)),
        )
        for arxiv_id, title, abstract, ai_summary, keywords in rows
    ]


async def row_ids(db: Database) -> dict[str, int]:
    """Each paper's row id by arXiv id (the vector index keys papers by row id)."""
    return {a: i for a, i in await db.execute_fetchall("SELECT arxiv_id, id FROM papers")}


async def unchecked_digest_summaries(
    db: Database, limit: int = 500
) -> list[tuple[Paper, list[str]]]:
    """Papers whose digest summary has not been judged yet, each with the arXiv ids of every
    paper listed on the same day (its rivals)."""
    rows = await db.execute_fetchall(
        f"{PAPER_SELECT} WHERE p.digest_check IS NULL"
        " AND (p.sections != '[]' OR p.summary != '') ORDER BY p.id LIMIT ?",
        (limit,),
    )
    out = []
    for row in rows:
        day = await db.execute_fetchall(
            "SELECT q.arxiv_id FROM digest_entries e JOIN papers q ON q.id = e.paper_id"
            " WHERE e.digest_date = ? ORDER BY e.position",
            (row["last_date"],),
        )
        out.append((paper_from_row(row), [arxiv_id for (arxiv_id,) in day]))
    return out


async def set_digest_checks(db: Database, verdicts: Mapping[str, str]) -> None:
    """Record the summary check's verdict on digest summaries: ``CHECK_OK`` or a reason."""
    async with db.transaction():
        await db.executemany(
            "UPDATE papers SET digest_check = ? WHERE arxiv_id = ?",
            [(verdict, arxiv_id) for arxiv_id, verdict in verdicts.items()],
        )
        for arxiv_id, verdict in verdicts.items():
            if verdict != CHECK_OK:  # its words leave the index with it
                await reindex(db, arxiv_id)
    db.search_cache.generation += 1
