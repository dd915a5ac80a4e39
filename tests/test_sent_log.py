"""Group commit of sent rows: one transaction for the sends that finished while the last
commit ran, and each send learns whether its rows were stored."""

from __future__ import annotations

import asyncio

from bot.deliver.sent_log import SentLog
from bot.select.fan_out import fan_out
from bot.understand.topics import TopicMatcher
from storage import outbox
from tests.test_fan_out import LATER, NOW, SEOUL, store, subscribe


async def queued(db, chats: int) -> list[int]:
    await store(db, "2024/10/18")
    for chat in range(chats):
        await subscribe(db, 100 + chat)
    assert (
        await fan_out(db, NOW, SEOUL, TopicMatcher()) == chats * 9
    )  # the enqueue counts new rows exactly
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == 0
    return [row.id for row in await outbox.due(db, LATER, limit=1000)]


async def test_sends_finishing_together_are_stored_in_one_commit(db):
    ids = await queued(db, 4)
    log = SentLog(db)
    await log.record(ids[:1], 7, NOW)  # alone: a commit of its own, as before
    assert log.commits == 1
    await asyncio.gather(*(log.record([i], 8, NOW) for i in ids[1:]))
    assert log.commits == 2  # the other 35 arrived together: one commit for all of them
    counts = await outbox.counts(db)
    assert counts["sent"] == len(ids) == 36 and counts["pending"] == 0


async def test_a_failed_commit_reaches_every_send_in_it(db, monkeypatch):
    ids = await queued(db, 1)
    log = SentLog(db)

    async def broken(*_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "mark_sent_many", broken)
    results = await asyncio.gather(*(log.record([i], 1, NOW) for i in ids), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    monkeypatch.undo()
    await log.record(ids, 1, NOW)  # the log recovers for the next sends
    assert (await outbox.counts(db))["sent"] == 9


async def test_reads_walk_the_outbox_past_rows_still_pending(db):
    """The sender reads on while the rows it read are still being sent (still pending):
    ``after`` resumes past them, and one chat's rows can be read whole."""
    await queued(db, 5)
    everything = await outbox.due(db, LATER, limit=1000)
    walked, after = [], None
    while page := await outbox.due(db, LATER, limit=7, after=after):
        walked += page
        after = page[-1]
    assert walked == everything  # no row twice, none skipped, the same order
    chat = everything[20].chat_id
    assert await outbox.due_for_chat(db, LATER, chat) == [
        row for row in everything if row.chat_id == chat
    ]
    assert await outbox.due(db, NOW - (LATER - NOW), limit=1000) == []  # nothing due yet
