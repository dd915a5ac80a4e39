"""Where keywords appear in a batch of papers: SQLite FTS5 in memory, indexed like search.
The topic matcher (``bot.understand.topics``) matches by these when it has no vectors, and
the topic model reads where a topic's keywords appear (title, gist, anywhere)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from bot.core.gist import gist
from bot.core.models import Paper
from bot.core.query import TOKENIZER, index_text
from bot.core.topics import Topic, TopicError


def keyword_matches(papers: Iterable[Paper], topics: Iterable[Topic]) -> dict[Topic, set[str]]:
    """For each topic, the arXiv ids of ``papers`` whose title or text match its keywords."""
    papers = list(papers)
    result: dict[Topic, set[str]] = {}
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, summary, tokenize='{TOKENIZER}')")
        conn.executemany(
            "INSERT INTO t (rowid, title, summary) VALUES (?, ?, ?)",
            [(i, index_text(p.title), index_text(p.searchable_text)) for i, p in enumerate(papers)],
        )
        for topic in topics:
            if topic.is_everything:
                result[topic] = {p.arxiv_id for p in papers}
                continue
            try:
                rows = conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (topic.expression(),))
            except TopicError:
                result[topic] = set()
                continue
            result[topic] = {papers[row[0]].arxiv_id for row in rows}
    finally:
        conn.close()
    return result


COLUMNS = ("title", "gist", "body")


def column_matches(
    papers: Sequence[Paper], expressions: Iterable[str]
) -> dict[str, dict[str, set[int]]]:
    """For each FTS expression, which papers (by position) it matches in their title, in
    their gist (``core.gist``: what the paper is mainly about) and anywhere in their text.
    Where a keyword appears says more than whether it does: a title that says "robot" is
    about robots, an abstract that mentions one may not be."""
    conn = sqlite3.connect(":memory:")
    found: dict[str, dict[str, set[int]]] = {}
    try:
        conn.execute(
            f"CREATE VIRTUAL TABLE t USING fts5(title, gist, body, tokenize='{TOKENIZER}')"
        )
        conn.executemany(
            "INSERT INTO t (rowid, title, gist, body) VALUES (?, ?, ?, ?)",
            [
                (
                    i,
                    index_text(p.title),
                    index_text(gist(p)),
                    index_text(f"{p.title}\n{p.searchable_text}"),  # anywhere
                )
                for i, p in enumerate(papers)
            ],
        )
        for expression in expressions:
            found[expression] = {
                column: {
                    row[0]
                    for row in conn.execute(
                        "SELECT rowid FROM t WHERE t MATCH ?", (f"{column} : ({expression})",)
                    )
                }
                for column in COLUMNS
            }
    finally:
        conn.close()
    return found
