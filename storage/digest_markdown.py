"""Digest blocks exactly as their files wrote them: a digest day exports byte for byte.

Parsing cleans what it reads (control characters, trailing spaces, list reprs), so the archive's
papers cannot say how their file looked; the block itself is kept beside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from bot.core.models import Digest
from storage.db import Database


async def keep(db: Database, digest: Digest, entries_new: int) -> None:
    """Keep ``digest``'s block, inside the transaction that stored it: the first block of a
    date, and every later one that listed papers the date did not have (a re-run appended to
    the file). A block that adds nothing, such as the feed README repeating a day, is not kept,
    so the day is never exported twice."""
    if not digest.markdown:
        return
    day = digest.date.isoformat()
    if not entries_new:
        rows = await db.execute_fetchall(
            "SELECT 1 FROM digest_markdown WHERE digest_date = ? LIMIT 1", (day,)
        )
        if rows:
            return
    await db.execute(
        "INSERT INTO digest_markdown (digest_date, sha256, markdown) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (day, hashlib.sha256(digest.markdown.encode()).hexdigest(), digest.markdown),
    )


async def blocks(db: Database, date: dt.date) -> list[str]:
    """The day's kept blocks, in the order they were read."""
    rows = await db.execute_fetchall(
        "SELECT markdown FROM digest_markdown WHERE digest_date = ? ORDER BY id",
        (date.isoformat(),),
    )
    return [row[0] for row in rows]
