"""Small facts the bot keeps between runs, one JSON value a key (the last poll's summary,
how far a backfill got)."""

from __future__ import annotations

import json

from storage.db import Database


async def write(db: Database, key: str, value: object) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False, default=str)),
        )


async def read(db: Database, key: str) -> object | None:
    async with db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return json.loads(row[0]) if row else None
