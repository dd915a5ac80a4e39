"""Fan-out by itself: which chat is owed which paper, when, and only once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.chat_settings import read_setting
from bot.core.topics import parse_topics
from bot.parse.markdown import parse_digest
from bot.select.fan_out import RECENT_DAYS, fan_out, rematch
from bot.understand.topics import TopicMatcher
from storage import archive, outbox, subscriptions, summaries
from storage.keywords import keyword_matches
from storage.summaries import SummaryKey
from tests.conftest import fixture_text

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2024, 10, 18, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=2)


async def store(db, day: str) -> list:
    papers = []
    for digest in parse_digest(fixture_text(day), day).digests:
        await archive.store_digest(db, digest, "test")
        papers += digest.papers
    return papers


async def subscribe(db, chat_id: int, topics: str = "", **settings: str) -> None:
    keys = [topic.key for topic in parse_topics(topics)]
    await subscriptions.subscribe(db, chat_id, "private", None, keys, None, "en")
    for name, value in settings.items():
        await subscriptions.update_setting(db, chat_id, "private", read_setting(name, value))


async def owed(db) -> dict[int, list[tuple[str, dt.datetime]]]:
    rows = await outbox.due(db, LATER, limit=1000)
    found: dict[int, list[tuple[str, dt.datetime]]] = {}
    for row in rows:
        found.setdefault(row.chat_id, []).append((row.arxiv_id, row.due_at))
    return found


async def test_each_chat_gets_what_it_asked_for_at_its_hour(db):
    papers = await store(db, "2024/10/18")
    await subscribe(db, 1)  # everything, at once
    await subscribe(db, 2, "llm -survey", time="07:30")  # a topic, every morning in Seoul
    await subscribe(db, 3, votes="20", time="07:30", tz="Europe/Berlin")
    await subscribe(db, 4, pause="on")  # paused: owed nothing

    created = await fan_out(db, NOW, SEOUL, TopicMatcher())

    rows = await owed(db)
    everything = [p.arxiv_id for p in papers]
    assert [arxiv_id for arxiv_id, _ in rows[1]] == everything  # digest order
    assert {due for _, due in rows[1]} == {NOW}
    llm = keyword_matches(papers, parse_topics("llm -survey"))[parse_topics("llm -survey")[0]]
    assert llm and {arxiv_id for arxiv_id, _ in rows[2]} == llm
    assert {due for _, due in rows[2]} == {dt.datetime(2024, 10, 18, 22, 30, tzinfo=dt.UTC)}
    popular = {p.arxiv_id for p in papers if (p.votes or 0) >= 20}
    assert popular and {arxiv_id for arxiv_id, _ in rows[3]} == popular
    assert {due for _, due in rows[3]} == {dt.datetime(2024, 10, 19, 5, 30, tzinfo=dt.UTC)}
    assert 4 not in rows
    assert created == sum(len(r) for r in rows.values())


async def test_fanning_out_again_owes_nothing_new(db):
    await store(db, "2024/10/18")
    await subscribe(db, 1)
    first = await fan_out(db, NOW, SEOUL, TopicMatcher())
    assert first > 0
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == 0
    await store(db, "2024/10/18")  # the same digest read again
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == 0
    assert sum(len(r) for r in (await owed(db)).values()) == first


async def test_a_backfill_is_archived_not_pushed(db):
    await subscribe(db, 1)
    await store(db, "2024/08/07")  # two months before NOW
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == 0
    assert await owed(db) == {}
    assert await outbox.unfanned(db) == []  # handled: never reconsidered


async def test_without_subscribers_listings_are_still_marked_handled(db):
    await store(db, "2024/10/18")
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == 0
    assert await outbox.unfanned(db) == []
    await subscribe(db, 1)  # a later subscriber does not get old news
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == 0


async def test_after_summaries_a_topic_they_mention_is_matched_once_counted_from_the_poll(db):
    papers = await store(db, "2024/10/18")
    await subscribe(db, 1, "초전도체", time="07:30")
    await subscribe(db, 2)  # everything: owed each paper already, never twice
    assert await fan_out(db, NOW, SEOUL, TopicMatcher()) == len(papers)
    target = papers[3].arxiv_id
    key = SummaryKey("en", "m", "v1")
    await summaries.store(db, target, key, {"What's New": "초전도체 설계 방법."}, 1, NOW)

    later = NOW + dt.timedelta(hours=20)  # the summaries took long: the Seoul hour has passed
    assert await rematch(db, {target}, NOW, SEOUL, TopicMatcher()) == 1
    assert await rematch(db, {target}, NOW, SEOUL, TopicMatcher()) == 0  # once
    rows = await owed(db)
    assert rows[1] == [(target, dt.datetime(2024, 10, 18, 22, 30, tzinfo=dt.UTC))]
    assert rows[1][0][1] < later  # due by the poll's reckoning: it goes at once, not tomorrow
    assert len(rows[2]) == len(papers)
    other = papers[4].arxiv_id
    await summaries.store(db, other, key, {"What's New": "초전도체 소재."}, 1, NOW)
    old = NOW + dt.timedelta(days=RECENT_DAYS + 1)  # a listing no longer recent: left alone
    assert await rematch(db, {other}, old, SEOUL, TopicMatcher()) == 0
    assert await rematch(db, {other}, NOW, SEOUL, TopicMatcher()) == 1


class ReverseTaste:
    """A taste that likes the digest backwards, for chat 2 only (chat 1 has no ratings)."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def order(self, chat, papers, now):
        self.asked.append(chat.chat_id)
        return list(reversed(range(len(papers)))) if chat.chat_id == 2 else None


async def test_each_chat_gets_its_papers_in_its_own_order_and_only_its_top_n(db):
    papers = await store(db, "2024/10/18")
    digest_order = [p.arxiv_id for p in papers]
    await subscribe(db, 1)  # no taste: the digest's order
    await subscribe(db, 2)  # its taste's order
    await subscribe(db, 3, rank="votes")  # the digest's order, whatever its taste
    await subscribe(db, 4, top="3")  # no taste: the digest's best 3 (by votes)
    await subscribe(db, 5, top="3", rank="votes")
    taste = ReverseTaste()

    await fan_out(db, NOW, SEOUL, TopicMatcher(), taste=taste)

    rows = {chat: [arxiv_id for arxiv_id, _ in items] for chat, items in (await owed(db)).items()}
    assert rows[1] == digest_order
    assert rows[2] == digest_order[::-1]
    assert rows[3] == digest_order
    assert rows[4] == rows[5] == digest_order[:3]
    assert sorted(taste.asked) == [1, 2, 4]  # rank votes never asks
