"""Schema migrations, applied in order at start; ``PRAGMA user_version`` records the last one.

Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

from bot.core.query import TOKENIZER

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
    # 3: subscriptions, per-chat delivery settings and the delivery outbox.
    """
    ALTER TABLE chats ADD COLUMN thread_id INTEGER;      -- forum topic deliveries go to
    ALTER TABLE chats ADD COLUMN delivery_time TEXT;     -- 'HH:MM' local; NULL = instant
    ALTER TABLE chats ADD COLUMN timezone TEXT;          -- IANA name; NULL = PAPERBOY_TIMEZONE
    ALTER TABLE chats ADD COLUMN format TEXT NOT NULL DEFAULT 'cards'
        CHECK (format IN ('cards', 'compact'));
    ALTER TABLE chats ADD COLUMN min_votes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN quiet INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE subscriptions (
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id)
                    ON DELETE CASCADE ON UPDATE CASCADE,
        topic       TEXT NOT NULL,     -- '*', a built-in slug or free text, with -exclusions
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (chat_id, topic)
    ) WITHOUT ROWID;

    -- Listings not yet turned into deliveries. Everything archived before this migration
    -- counts as done: it is history, not news.
    ALTER TABLE digest_entries ADD COLUMN fanned_out INTEGER NOT NULL DEFAULT 0;
    UPDATE digest_entries SET fanned_out = 1;
    CREATE INDEX digest_entries_fanout ON digest_entries (fanned_out) WHERE fanned_out = 0;

    -- The outbox: one row per (chat, paper), ever. Rows are created with the fan-out that
    -- marks their listing done, in one transaction, and leave 'pending' only once sent,
    -- failed for good, or cancelled.
    CREATE TABLE deliveries (
        id           INTEGER PRIMARY KEY,
        chat_id      INTEGER NOT NULL REFERENCES chats (chat_id)
                     ON DELETE CASCADE ON UPDATE CASCADE,
        paper_id     INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        digest_date  TEXT NOT NULL,
        position     INTEGER NOT NULL,
        due_at       TEXT NOT NULL,  -- UTC, 'YYYY-MM-DDTHH:MM:SS'
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        message_id   INTEGER,
        created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        sent_at      TEXT,
        UNIQUE (chat_id, paper_id)
    );
    CREATE INDEX deliveries_due ON deliveries (due_at) WHERE status = 'pending';

    CREATE TABLE source_state (
        source        TEXT PRIMARY KEY,  -- a file path or a URL
        etag          TEXT,
        last_modified TEXT,
        fingerprint   TEXT,              -- files: size, mtime and content hash
        checked_at    TEXT NOT NULL
    );

    CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    """,
    # 4: the Hugging Face daily papers API: abstracts, AI summaries, code links, live votes.
    """
    ALTER TABLE papers ADD COLUMN abstract TEXT NOT NULL DEFAULT '';
    ALTER TABLE papers ADD COLUMN ai_summary TEXT NOT NULL DEFAULT '';
    ALTER TABLE papers ADD COLUMN ai_keywords TEXT NOT NULL DEFAULT '[]';  -- JSON list
    ALTER TABLE papers ADD COLUMN github_repo TEXT;
    ALTER TABLE papers ADD COLUMN github_stars INTEGER;
    ALTER TABLE papers ADD COLUMN project_page TEXT;
    ALTER TABLE papers ADD COLUMN num_comments INTEGER;

    -- Every live vote count seen, for "rising" (growth over the last 24 hours).
    CREATE TABLE vote_history (
        paper_id     INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        observed_at  TEXT NOT NULL,  -- UTC, 'YYYY-MM-DDTHH:MM:SS'
        votes        INTEGER NOT NULL,
        PRIMARY KEY (paper_id, observed_at)
    ) WITHOUT ROWID;
    CREATE INDEX vote_history_time ON vote_history (observed_at);
    """,
    # 5: summaries Paperboy writes with a language model, and the answers it refused.
    """
    CREATE TABLE summaries (
        paper_id        INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        lang            TEXT NOT NULL,
        model           TEXT NOT NULL,
        prompt_version  TEXT NOT NULL,
        sections        TEXT NOT NULL,   -- JSON list of [name, text], in order
        tokens          INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,   -- UTC, 'YYYY-MM-DDTHH:MM:SS'
        PRIMARY KEY (paper_id, lang, model, prompt_version)
    ) WITHOUT ROWID;

    -- One row per paper, language, model and prompt that ended without a summary.
    CREATE TABLE summary_refusals (
        paper_id        INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        lang            TEXT NOT NULL,
        model           TEXT NOT NULL,
        prompt_version  TEXT NOT NULL,
        reason          TEXT NOT NULL,   -- format, missing, length, language, off-topic
        tokens          INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (paper_id, lang, model, prompt_version)
    ) WITHOUT ROWID;
    """,
    # 6: each digest block as its file wrote it, so a digest day exports byte for byte.
    """
    CREATE TABLE digest_markdown (
        id           INTEGER PRIMARY KEY,  -- the order blocks of one date were read in
        digest_date  TEXT NOT NULL REFERENCES digests (date) ON DELETE CASCADE,
        sha256       TEXT NOT NULL,
        markdown     TEXT NOT NULL,
        UNIQUE (digest_date, sha256)
    );
    """,
    # 7: one embedding per paper and model (float16, L2-normalised), for semantic search.
    """
    CREATE TABLE paper_vectors (
        paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        model     TEXT NOT NULL,
        vector    BLOB NOT NULL,   -- float16, little-endian
        PRIMARY KEY (paper_id, model)
    ) WITHOUT ROWID;
    """,
    # 8: full-text rows keyed by arXiv order (``papers.arxiv_key``), not by insertion order,
    # so a search can read the newest matches first and stop (storage/archive.py, _RANK_SQL).
    # A backfill inserts old papers late; their key still sorts them where they belong.
    # The key: YYMM * 10^6 + number * 10, + 1 for a five-digit number (no two ids share one).
    f"""
    ALTER TABLE papers ADD COLUMN arxiv_key INTEGER GENERATED ALWAYS AS (
        CAST(substr(arxiv_id, 1, 4) AS INTEGER) * 1000000
        + CAST(substr(arxiv_id, 6) AS INTEGER) * 10 + length(arxiv_id) - 9
    ) VIRTUAL;
    -- Covering what ranking reads (last_date sits behind the long text columns); not UNIQUE:
    -- arxiv_id is, and the key is one-to-one with it.
    CREATE INDEX papers_by_key ON papers (arxiv_key, votes, last_date, arxiv_id);
    CREATE INDEX papers_title ON papers (title COLLATE NOCASE);  -- a query that is a title
    CREATE VIRTUAL TABLE papers_fts_by_key USING fts5 (
        title, authors, summary, tokenize = '{TOKENIZER}'
    );
    INSERT INTO papers_fts_by_key (rowid, title, authors, summary)
        SELECT p.arxiv_key, f.title, f.authors, f.summary
        FROM papers_fts f JOIN papers p ON p.id = f.rowid ORDER BY p.arxiv_key;
    DROP TABLE papers_fts;
    ALTER TABLE papers_fts_by_key RENAME TO papers_fts;
    """,
    # 9: 👍/👎 on cards. Ratings belong to the chat; in a group each member counts once.
    """
    CREATE TABLE ratings (
        chat_id   INTEGER NOT NULL,
        paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        user_id   INTEGER NOT NULL,
        value     INTEGER NOT NULL CHECK (value IN (-1, 1)),
        rated_at  TEXT NOT NULL,   -- UTC, 'YYYY-MM-DDTHH:MM:SS'
        PRIMARY KEY (chat_id, paper_id, user_id)
    ) WITHOUT ROWID;
    """,
    # 10: the order a chat's cards come in, and "only my top N of each day".
    """
    ALTER TABLE chats ADD COLUMN rank TEXT NOT NULL DEFAULT 'auto'
        CHECK (rank IN ('auto', 'votes', 'foryou'));  -- auto: foryou from 5 ratings on
    ALTER TABLE chats ADD COLUMN foryou_only INTEGER NOT NULL DEFAULT 0;  -- 0: every paper
    """,
    # 11: the outbox in the order the sender walks it (storage/outbox.py, ``due``), so a
    # read of the next rows is a range of this index, not a sort of every pending row (a
    # digest to 20,000 chats: 300,000 rows sorted for each read of 15,000).
    """
    DROP INDEX deliveries_due;
    CREATE INDEX deliveries_due ON deliveries (due_at, chat_id, digest_date, position)
        WHERE status = 'pending';
    """,
    # 12: a digest's own summary, judged against its paper (bot/summarize/verify.py): NULL not
    # judged yet (shown, as before), 'ok', or the reason it is withheld from readers. Storing a
    # paper's summary or abstract anew sets it back to NULL.
    """
    ALTER TABLE papers ADD COLUMN digest_check TEXT;
    CREATE INDEX papers_digest_unchecked ON papers (id) WHERE digest_check IS NULL;
    """,
    # 13: the organization a Hugging Face listing names (issue 28): its short name (``google``)
    # and its full name (``Google``); NULL for markdown-only papers.
    """
    ALTER TABLE papers ADD COLUMN organization TEXT;
    ALTER TABLE papers ADD COLUMN organization_name TEXT;
    -- /top stars over all time walks this instead of every paper.
    CREATE INDEX papers_stars ON papers (github_stars DESC, last_date DESC)
        WHERE github_stars IS NOT NULL;
    """,
    # 14: /settings code-only: deliver only papers with a code link (issue 28).
    """
    ALTER TABLE chats ADD COLUMN code_only INTEGER NOT NULL DEFAULT 0;
    """,
    # 15: people and organizations a chat follows (issue 28), and why a delivery was owed
    # when it was a followed name ("👤 Kaiming He" on the card).
    """
    CREATE TABLE follows (
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id)
                    ON DELETE CASCADE ON UPDATE CASCADE,
        kind        TEXT NOT NULL CHECK (kind IN ('author', 'org')),
        key         TEXT NOT NULL,   -- bot/core/people.py name_key
        name        TEXT NOT NULL,   -- as the reader wrote it
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (chat_id, kind, key)
    ) WITHOUT ROWID;
    ALTER TABLE deliveries ADD COLUMN reason TEXT;
    """,
    # 16: the weekly recap (issue 28): a chat's day and hour, and one row per chat and week,
    # planned before it is due and marked sent after, so a restart neither loses nor repeats
    # it (the outbox's rule).
    """
    ALTER TABLE chats ADD COLUMN weekly TEXT;  -- "sun 09:00" local; NULL: off
    CREATE TABLE recaps (
        chat_id     INTEGER NOT NULL REFERENCES chats (chat_id)
                    ON DELETE CASCADE ON UPDATE CASCADE,
        week        TEXT NOT NULL,   -- the local date it is due on
        due_at      TEXT NOT NULL,   -- UTC, 'YYYY-MM-DDTHH:MM:SS'
        status      TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
        message_id  INTEGER,
        sent_at     TEXT,
        PRIMARY KEY (chat_id, week)
    ) WITHOUT ROWID;
    CREATE INDEX recaps_due ON recaps (due_at) WHERE status = 'pending';
    """,
    # 17: full texts (issue 29): one row per paper and version read, compressed, or a row
    # saying why a paper has none (retried later); and what asking cost each chat a day.
    """
    CREATE TABLE fulltexts (
        arxiv_id      TEXT NOT NULL,
        version       INTEGER NOT NULL DEFAULT 0,  -- 0: the page did not say
        status        TEXT NOT NULL CHECK (status IN ('ok', 'none')),
        reason        TEXT,            -- why there is no text, or what the cap cut
        body          BLOB,            -- zlib-compressed JSON (storage/fulltext.py)
        chars         INTEGER NOT NULL DEFAULT 0,
        stored_bytes  INTEGER NOT NULL DEFAULT 0,
        vectors       BLOB,            -- the passages' embeddings, float16, compressed
        vectors_model TEXT,
        etag          TEXT,
        last_modified TEXT,
        source        TEXT,
        fetched_at    TEXT NOT NULL,
        PRIMARY KEY (arxiv_id, version)
    ) WITHOUT ROWID;
    CREATE TABLE asks (
        chat_id   INTEGER NOT NULL,
        day       TEXT NOT NULL,       -- the chat's local date
        questions INTEGER NOT NULL DEFAULT 0,
        tokens    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat_id, day)
    ) WITHOUT ROWID;
    """,
    # 18: the language model's English of Korean subscription topics (issue 26), so a restart
    # does not ask again for every one: a row per subscribed topic a model translated, gone
    # when no chat subscribes to it any more.
    """
    CREATE TABLE topic_translations (
        topic     TEXT PRIMARY KEY,    -- subscriptions.topic
        english   TEXT NOT NULL,       -- of its words; at most 300 characters
        asked_at  TEXT NOT NULL        -- UTC, 'YYYY-MM-DDTHH:MM:SS'
    ) WITHOUT ROWID;
    """,
)
