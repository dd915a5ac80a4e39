"""The recent papers as an Atom feed in one language: what `paperboy feed` writes and the
published archive keeps as ``feeds/ko.xml`` and ``feeds/en.xml``."""

from __future__ import annotations

import datetime as dt

from bot.core.i18n import Lang
from bot.core.summary_choice import for_reader
from bot.render.atom import FeedEntry, render_atom
from storage import archive, summaries
from storage.db import Database
from storage.timestamps import from_utc_text

FEED_DAYS = 7  # digest days a feed covers, counted back from the newest
FEED_PAPERS = 500  # papers in one feed at most (a busy week is about 300)


async def feed_entries(db: Database, lang: Lang, days: int = FEED_DAYS) -> list[FeedEntry]:
    """The papers listed in the ``days`` days up to the newest digest, newest day first and
    most voted first within a day, each as a reader of ``lang`` sees it."""
    latest = await archive.latest_digest_date(db)
    if latest is None:
        return []
    since = latest - dt.timedelta(days=days - 1)
    listed = [paper for _, paper in await archive.papers_listed_since(db, since, FEED_PAPERS)]
    listed.sort(key=lambda p: (p.date or since, p.votes or 0), reverse=True)
    entries = []
    for paper in listed:
        generated = await summaries.generated(db, paper.arxiv_id)
        read = for_reader(paper, lang, generated)
        dates = await archive.paper_dates(db, paper.arxiv_id)
        day = paper.date or since
        updated = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        shown = next((g for g in generated.values() if g.model == read.summary_model), None)
        if shown is not None and shown.created_at:
            updated = max(updated, from_utc_text(shown.created_at[:19]))
        entries.append(FeedEntry(read, dates[0] if dates else day, updated))
    return entries


async def feed_text(
    db: Database, lang: Lang, days: int = FEED_DAYS, link: str | None = None
) -> str:
    return render_atom(await feed_entries(db, lang, days), lang, link)
