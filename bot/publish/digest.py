"""A day's digest as a markdown file: the day's own blocks where a digest file gave them,
the rest rendered from the archive with the summaries Paperboy wrote."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
from pathlib import Path

from bot.parse.markdown import parse_digest
from bot.render.digest_md import Entry, render_digest, render_entries
from storage import archive, digest_markdown, summaries
from storage.db import Database

DIGEST_LANGUAGE = "ko"  # the language of the feed's digests, whose blocks are kept


async def export_day(db: Database, date: dt.date, lang: str = DIGEST_LANGUAGE) -> str | None:
    """The day's digest in ``lang``; None when the archive has no such day.

    In the digest's language, the blocks its file wrote come back byte for byte, and any
    papers they do not list (an API listing of the same day) follow them. Everything else is
    rendered: each paper with the summary a reader of ``lang`` sees, and the votes of the day.
    """
    blocks = await digest_markdown.blocks(db, date) if lang == DIGEST_LANGUAGE else []
    listing = await archive.digest_listing(db, date)
    if not listing and not blocks:
        return None
    covered = {
        paper.arxiv_id
        for block in blocks
        for digest in parse_digest(block).digests
        for paper in digest.papers
    }
    entries = [
        Entry(await summaries.as_read(db, paper, lang), votes)
        for paper, votes in listing
        if paper.arxiv_id not in covered
    ]
    if not blocks:
        return render_digest(date, entries)
    text = "".join(blocks)
    if entries:
        text = text.rstrip("\n") + "\n\n" + render_entries(entries)
    return text


async def write_day(db: Database, date: dt.date, directory: Path, lang: str) -> Path | None:
    """Write the day's digest as ``directory/YYYY/MM/DD.md``, whole or not at all (a reader
    of the directory never sees half a file). Returns the path, or None when there is no such
    day or the file already says exactly this."""
    text = await export_day(db, date, lang)
    if text is None:
        return None
    path = directory / f"{date:%Y}" / f"{date:%m}" / f"{date:%d}.md"
    if await asyncio.to_thread(_holds, path, text):
        return None
    await asyncio.to_thread(write_file, path, text)
    return path


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def write_file(path: Path, text: str) -> None:
    """Write ``text`` exactly (no newline translation), replacing ``path`` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a published digest is read
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
