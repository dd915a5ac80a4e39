"""Full texts, compressed, one row per paper and version; a refusal is a row too (with its
reason), so a page that is not there is not fetched again for every question. And what
asking cost each chat a day."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass

import numpy as np

from bot.core.fulltext import FullText, Section, Stored
from storage.db import Database
from storage.timestamps import from_utc_text, utc_text

LEVEL = 6  # zlib: 9 saves ~2% more for twice the time


def pack(text: FullText) -> bytes:
    body = {
        "title": text.title,
        "sections": [[s.heading, s.text] for s in text.sections],
        "references": list(text.references),
        "cut": text.cut,
    }
    return zlib.compress(json.dumps(body, ensure_ascii=False).encode(), LEVEL)


def unpack(blob: bytes, version: int) -> FullText:
    body = json.loads(zlib.decompress(blob))
    sections = tuple(Section(h, t) for h, t in body["sections"])
    return FullText(body["title"], sections, tuple(body["references"]), version, body["cut"])


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None
    source: str = ""


async def store_text(
    db: Database, arxiv_id: str, text: FullText, at: dt.datetime, seen: Validators
) -> int:
    """Keep ``text`` as the paper's at its version (replacing that version's row, and any
    refusal); returns the bytes stored."""
    blob = pack(text)
    async with db.transaction():
        await db.execute(
            "DELETE FROM fulltexts WHERE arxiv_id = ? AND status = 'none'", (arxiv_id,)
        )
        await db.execute(
            "INSERT OR REPLACE INTO fulltexts (arxiv_id, version, status, reason, body, chars,"
            " stored_bytes, etag, last_modified, source, fetched_at)"
            " VALUES (?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                arxiv_id,
                text.version,
                text.cut or None,
                blob,
                text.chars,
                len(blob),
                seen.etag,
                seen.last_modified,
                seen.source,
                utc_text(at),
            ),
        )
    return len(blob)


async def store_refusal(
    db: Database, arxiv_id: str, reason: str, at: dt.datetime, seen: Validators
) -> None:
    """Remember that the paper has no text and why; a text read before is kept (a page
    that broke later does not take away what was read)."""
    await db.execute(
        "INSERT INTO fulltexts (arxiv_id, version, status, reason, etag, last_modified, source,"
        " fetched_at) SELECT ?, -1, 'none', ?, ?, ?, ?, ?"
        " WHERE NOT EXISTS (SELECT 1 FROM fulltexts WHERE arxiv_id = ? AND status = 'ok')"
        " ON CONFLICT (arxiv_id, version) DO UPDATE SET reason = excluded.reason,"
        " fetched_at = excluded.fetched_at, etag = excluded.etag,"
        " last_modified = excluded.last_modified",
        (arxiv_id, reason, seen.etag, seen.last_modified, seen.source, utc_text(at), arxiv_id),
    )


async def touch(db: Database, arxiv_id: str, at: dt.datetime) -> None:
    """A conditional request said nothing changed: the newest row counts as read now."""
    await db.execute(
        "UPDATE fulltexts SET fetched_at = ? WHERE arxiv_id = ? AND version ="
        " (SELECT MAX(version) FROM fulltexts WHERE arxiv_id = ?)",
        (utc_text(at), arxiv_id, arxiv_id),
    )


async def latest(db: Database, arxiv_id: str) -> Stored | None:
    """The newest version read of the paper, else its refusal; None if never fetched."""
    row = await _one(
        db,
        "SELECT status, version, reason, body, fetched_at, etag, last_modified, stored_bytes"
        " FROM fulltexts WHERE arxiv_id = ? ORDER BY status = 'ok' DESC, version DESC LIMIT 1",
        (arxiv_id,),
    )
    if row is None:
        return None
    status, version, reason, body, fetched_at, etag, last_modified, stored = row
    text = unpack(body, version) if status == "ok" else None
    return Stored(arxiv_id, text, reason or "", fetched_at, etag, last_modified, stored)


def age(stored: Stored, now: dt.datetime) -> dt.timedelta:
    return now - from_utc_text(stored.fetched_at)


async def vectors(db: Database, arxiv_id: str, version: int, model: str) -> np.ndarray | None:
    """The passages' vectors stored for this text by ``model``; None when there are none."""
    row = await _one(
        db,
        "SELECT vectors FROM fulltexts WHERE arxiv_id = ? AND version = ? AND status = 'ok'"
        " AND vectors_model = ?",
        (arxiv_id, version, model),
    )
    if row is None or row[0] is None:
        return None
    flat = np.frombuffer(zlib.decompress(row[0]), np.float16)
    return flat.reshape(-1, 512).astype(np.float32) if flat.size % 512 == 0 else None


async def store_vectors(
    db: Database, arxiv_id: str, version: int, model: str, found: np.ndarray
) -> None:
    blob = zlib.compress(found.astype(np.float16).tobytes(), 1)
    await db.execute(
        "UPDATE fulltexts SET vectors = ?, vectors_model = ? WHERE arxiv_id = ? AND version = ?",
        (blob, model, arxiv_id, version),
    )


async def totals(db: Database) -> tuple[int, int, int]:
    """(papers with text, papers without, bytes stored) for /stats and ``paperboy stats``."""
    row = await _one(
        db,
        "SELECT COUNT(DISTINCT CASE WHEN status = 'ok' THEN arxiv_id END),"
        " COUNT(DISTINCT CASE WHEN status = 'none' THEN arxiv_id END),"
        " COALESCE(SUM(stored_bytes), 0) FROM fulltexts",
        (),
    )
    return (row[0], row[1], row[2]) if row else (0, 0, 0)


# -- asking: what each chat spent ----------------------------------------------------------


async def questions_today(db: Database, chat_id: int, day: dt.date) -> int:
    row = await _one(
        db, "SELECT questions FROM asks WHERE chat_id = ? AND day = ?", (chat_id, day.isoformat())
    )
    return row[0] if row else 0


async def count_question(db: Database, chat_id: int, day: dt.date, limit: int) -> bool:
    """Take one of the chat's ``limit`` questions for ``day``; False when they are spent.
    One statement, so two questions at once cannot both take the last one."""
    before = db.total_changes
    await db.execute(
        "INSERT INTO asks (chat_id, day, questions) VALUES (?, ?, 1)"
        " ON CONFLICT (chat_id, day) DO UPDATE SET questions = questions + 1"
        " WHERE questions < ?",
        (chat_id, day.isoformat(), limit),
    )
    return db.total_changes > before


async def refund_question(db: Database, chat_id: int, day: dt.date) -> None:
    """Give back a question the model never answered: a failure is not the reader's."""
    await db.execute(
        "UPDATE asks SET questions = MAX(0, questions - 1) WHERE chat_id = ? AND day = ?",
        (chat_id, day.isoformat()),
    )


async def add_tokens(db: Database, chat_id: int, day: dt.date, tokens: int) -> None:
    await db.execute(
        "INSERT INTO asks (chat_id, day, tokens) VALUES (?, ?, ?)"
        " ON CONFLICT (chat_id, day) DO UPDATE SET tokens = tokens + excluded.tokens",
        (chat_id, day.isoformat(), tokens),
    )


async def usage(db: Database, since: dt.date) -> tuple[int, int]:
    """(questions, tokens) of every chat since ``since``, for /stats."""
    row = await _one(
        db,
        "SELECT COALESCE(SUM(questions), 0), COALESCE(SUM(tokens), 0) FROM asks WHERE day >= ?",
        (since.isoformat(),),
    )
    return (row[0], row[1]) if row else (0, 0)


async def _one(db: Database, sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
    rows = await db.execute_fetchall(sql, params)
    return tuple(rows[0]) if rows else None
