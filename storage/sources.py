"""What the poller remembers of each source: validators for URLs, fingerprints for files."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class SourceState:
    etag: str | None = None
    last_modified: str | None = None
    fingerprint: str | None = None


async def get_state(db: Database, source: str) -> SourceState:
    async with db.execute(
        "SELECT etag, last_modified, fingerprint FROM source_state WHERE source = ?", (source,)
    ) as cursor:
        row = await cursor.fetchone()
    return SourceState(*row) if row else SourceState()


async def set_state(db: Database, source: str, state: SourceState, checked_at: str) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO source_state (source, etag, last_modified, fingerprint, checked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, fingerprint = excluded.fingerprint,"
            " checked_at = excluded.checked_at",
            (source, state.etag, state.last_modified, state.fingerprint, checked_at),
        )
