"""Schema migrations, applied in order at start; ``PRAGMA user_version`` records the last one.

Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

from storage.fts import TOKENIZER

MIGRATIONS: tuple[str, ...] = (
    # 1: the digest archive.
    f"""
    CREATE TABLE papers (
        id          INTEGER PRIMARY KEY,
        arxiv_id    TEXT NOT NULL UNIQUE,
        title       TEXT NOT NULL,
        thumbnail   TEXT,
        votes       INTEGER,
        votes_date  TEXT,              -- digest date the votes were read from
        authors     TEXT NOT NULL DEFAULT '[]',   -- JSON list of names
        sections    TEXT NOT NULL DEFAULT '[]',   -- JSON list of [name, text], in order
        summary     TEXT NOT NULL DEFAULT '',     -- plain-bullet summary of older digests
        first_date  TEXT NOT NULL,
        last_date   TEXT NOT NULL,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX papers_last_date ON papers (last_date);
    CREATE INDEX papers_rank ON papers (votes DESC, last_date DESC);  -- /top all

    CREATE TABLE digests (
        date         TEXT PRIMARY KEY,  -- YYYY-MM-DD; one digest a day, whatever the source
        source       TEXT NOT NULL,     -- where it was first read from
        ingested_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );

    CREATE TABLE digest_entries (
        digest_date  TEXT NOT NULL REFERENCES digests (date) ON DELETE CASCADE,
        paper_id     INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        votes        INTEGER,           -- the snapshot this digest printed
        PRIMARY KEY (digest_date, paper_id)
    ) WITHOUT ROWID;
    CREATE INDEX digest_entries_paper ON digest_entries (paper_id);

    -- rowid = papers.id. Text is stored pre-tokenized (Hangul bigrams), see storage/fts.py.
    CREATE VIRTUAL TABLE papers_fts USING fts5 (
        title, authors, summary, tokenize = '{TOKENIZER}'
    );
    """,
    # 2: chats the bot talks to, saved papers, and search sessions behind page buttons.
    """
    CREATE TABLE chats (
        chat_id     INTEGER PRIMARY KEY,
        type        TEXT NOT NULL,     -- private, group, supergroup, channel
        title       TEXT,
        language    TEXT CHECK (language IN ('ko', 'en')),  -- NULL: follow each user's client
        active      INTEGER NOT NULL DEFAULT 1,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );

    CREATE TABLE bookmarks (
        user_id     INTEGER NOT NULL,
        paper_id    INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now')),
        PRIMARY KEY (user_id, paper_id)
    ) WITHOUT ROWID;

    -- Page buttons carry a session id, not the query: callback data is 64 bytes.
    CREATE TABLE search_sessions (
        id          INTEGER PRIMARY KEY,
        query       TEXT NOT NULL UNIQUE,
        used_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    """,
)
