"""The weekly recap: when each chat gets it (planned into storage/recaps.py before it is
due) and what it holds: the week's most-voted papers, the papers by people and labs the chat
follows, and the week's counts. The chat's own picks come from its taste (the pipeline adds
them); rendering and sending are the deliver side's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.core.models import Paper
from bot.core.people import PeopleIndex
from bot.core.schedule import next_weekly
from storage import archive, follows, recaps
from storage.db import Database

TOP = 10  # the week's most-voted papers in a recap
FOLLOWED = 10  # papers by followed names in a recap
WEEK_PAPERS = 2000  # the week's papers read to find the followed ones (a busy week: ~700)


@dataclass(frozen=True)
class RecapContent:
    start: dt.date
    end: dt.date
    top: list[Paper]
    followed: list[Paper]
    papers: int
    digests: int


async def plan_recaps(db: Database, now: dt.datetime, default_zone: ZoneInfo) -> int:
    """The next recap of every chat that asked for one, planned; returns rows new."""
    await recaps.cancel_off(db)
    planned = []
    for chat in await recaps.weekly_chats(db):
        assert chat.weekly is not None
        zone = chat.zone(default_zone)
        due = next_weekly(now, chat.weekly, zone)
        planned.append(recaps.Recap(chat.chat_id, due.astimezone(zone).date(), due))
    return await recaps.plan(db, planned, now)


async def recap_content(db: Database, chat_id: int, week: dt.date) -> RecapContent:
    """The seven digest days up to ``week`` (the recap's local date)."""
    start = week - dt.timedelta(days=6)
    papers, digests = await recaps.week_counts(db, start, week)
    chat_follows = await follows.follows(db, chat_id)
    # One read of the week, by votes: its head is the top, all of it is searched for the
    # followed names (only when the chat follows any).
    week_papers = await archive.top_papers(db, start, week, WEEK_PAPERS if chat_follows else TOP)
    followed: list[Paper] = []
    if chat_follows:
        reasons = PeopleIndex(week_papers).reasons(chat_follows)
        followed = [p for p in week_papers if p.arxiv_id in reasons][:FOLLOWED]
    return RecapContent(start, week, week_papers[:TOP], followed, papers, digests)
