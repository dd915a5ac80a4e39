"""Subscriptions and scheduled delivery, end to end through the fake Bot API server.

Time is a manual clock: digests "arrive" when a fixture file is copied into the source
directory and the bot polls; scheduled deliveries go out when the test moves the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.core.topics import parse_topics
from bot.deliver.budget import Budget, BudgetLimits, Priority
from bot.parse.markdown import parse_digest
from bot.pipeline import SENDER_TASK
from storage import outbox, subscriptions
from storage.keywords import keyword_matches
from tests.bot_harness import Harness, ManualClock, bot_running
from tests.conftest import FIXTURES, fixture_text
from tests.fakebot.server import FakeBotApi, RateLimits

USER = FakeBotApi.user(2001, "en", "Ada")
KO_USER = FakeBotApi.user(2002, "ko", "지수")
CHAT = FakeBotApi.private_chat(USER)
KO_CHAT = FakeBotApi.private_chat(KO_USER)
ADMIN = FakeBotApi.user(2003, "en", "Grace")
MEMBER = FakeBotApi.user(2004, "en", "Linus")
GROUP = FakeBotApi.group_chat(-100777, "Reading group")
DIGEST = "2024/10/18"  # 9 papers in two digests of the same day (a re-run appended)


def digest_ids(relative: str = DIGEST) -> list[str]:
    return [p.arxiv_id for d in parse_digest(fixture_text(relative)).digests for p in d.papers]


def arrive(source_dir: Path, relative: str = DIGEST) -> None:
    target = source_dir / f"{relative.replace('/', '-')}.md"
    shutil.copy(FIXTURES / f"{relative}.md", target)


def card_ids(harness: Harness, chat_id: int, after: int = 0) -> list[str]:
    """arXiv ids of the cards a chat received (the first button is the arXiv link)."""
    return [
        s.buttons()[0]["url"].rsplit("/", 1)[-1]
        for s in harness.api.sent[after:]
        if s.chat_id == chat_id
        and s.buttons()
        and s.buttons()[0].get("url", "").startswith("https://arxiv.org/abs/")
    ]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    path = tmp_path / "digests"
    path.mkdir()
    return path


@pytest.fixture
async def bot(tmp_path: Path, sources: Path):
    clock = ManualClock(dt.datetime(2024, 10, 18, 12, 0, tzinfo=dt.UTC))
    async with bot_running(
        tmp_path / "bot.sqlite3",
        str(sources),
        clock=clock,
        admins={GROUP["id"]: {ADMIN["id"]}},
        env={"PAPERBOY_ADMINS": str(ADMIN["id"])},
    ) as harness:
        yield harness
        # Failures a test injects are fine; malformed messages never are.
        malformed = [
            c.error
            for c in harness.api.errors()
            if "parse entities" in c.error or "too long" in c.error or "BUTTON" in c.error
        ]
        assert malformed == []


async def poll_and_wait(bot: Harness, chat_id: int, count: int, after: int) -> list:
    await bot.pipeline.poll_now()
    return await bot.api.wait_sent(chat_id, count=count, after=after)


async def test_instant_delivery_in_digest_order_exactly_once(bot: Harness, sources: Path):
    (reply,) = await bot.say(CHAT, USER, "/subscribe")
    assert reply.text.startswith("Subscribed: every paper of each new digest.")
    assert "as soon as a digest arrives" in reply.text
    mark = bot.api.mark()
    arrive(sources)
    await poll_and_wait(bot, CHAT["id"], 9, mark)
    assert card_ids(bot, CHAT["id"], mark) == digest_ids()
    first = bot.api.sent[mark]
    assert first.link_preview_options["show_above_text"] is True
    assert "💡 What's New" in first.text
    # The same file again, a touched file, another poll: nothing more.
    await bot.pipeline.poll_now()
    (sources / "2024-10-18.md").touch()
    await bot.pipeline.poll_now()
    await bot.deliver()
    assert len(card_ids(bot, CHAT["id"], mark)) == 9
    counts = await outbox.counts(bot.pipeline.db)
    assert counts == {"pending": 0, "sent": 9, "failed": 0, "cancelled": 0}


async def test_a_paper_listed_again_later_is_not_sent_again(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    mark = bot.api.mark()
    bot.clock.current = dt.datetime(2024, 10, 16, 12, 0, tzinfo=dt.UTC)
    arrive(sources, "2024/10/16")
    await poll_and_wait(bot, CHAT["id"], 18, mark)
    bot.clock.current = dt.datetime(2024, 10, 18, 12, 0, tzinfo=dt.UTC)
    arrive(sources)  # lists 2410.09342 again
    await poll_and_wait(bot, CHAT["id"], 18 + 8, mark)
    await bot.deliver()
    received = card_ids(bot, CHAT["id"], mark)
    assert len(received) == len(set(received)) == 26


async def test_backfill_is_archived_silently(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    mark = bot.api.mark()
    arrive(sources, "2024/08/07")  # two months before the clock
    result = await bot.pipeline.poll_now()
    assert result.report.papers_new == 12 and result.deliveries == 0
    await bot.deliver()
    assert card_ids(bot, CHAT["id"], mark) == []


async def test_scheduled_delivery_at_the_chats_local_hour(bot: Harness, sources: Path):
    bot.clock.current = dt.datetime(2024, 10, 17, 20, 0, tzinfo=dt.UTC)  # 05:00 in Seoul
    await bot.say(KO_CHAT, KO_USER, "/subscribe")
    (reply,) = await bot.say(KO_CHAT, KO_USER, "/settings time 9:00")
    assert reply.text == "✓ 저장했어요: 받는 시간: 매일 09:00 (Asia/Seoul)"
    mark = bot.api.mark()
    bot.clock.current = dt.datetime(2024, 10, 18, 0, 0, tzinfo=dt.UTC) - dt.timedelta(hours=3)
    arrive(sources)
    await bot.pipeline.poll_now()
    assert await bot.deliver() == 0  # 06:00 in Seoul: not yet
    bot.clock.advance(hours=2, minutes=59)
    assert await bot.deliver() == 0
    bot.clock.advance(minutes=1)  # 09:00 in Seoul
    bot.pipeline.sender.wake()
    await bot.api.wait_sent(KO_CHAT["id"], count=9, after=mark)
    assert "💡 새로운 점" in bot.api.sent[mark].text


async def test_time_zone_setting_moves_the_hour(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    (reply,) = await bot.say(CHAT, USER, "/settings tz Europe/Berlin")
    assert "(Europe/Berlin)" not in reply.text  # still instant
    (reply,) = await bot.say(CHAT, USER, "/settings time 14:30")
    assert reply.text == "✓ Saved: Delivery: every day at 14:30 (Europe/Berlin)"
    (reply,) = await bot.say(CHAT, USER, "/settings tz Mars/Base")
    assert reply.text.startswith("“Mars/Base” is not a time zone")
    arrive(sources)
    await bot.pipeline.poll_now()
    due = await outbox.due(bot.pipeline.db, dt.datetime(2024, 10, 19, tzinfo=dt.UTC), limit=100)
    assert {d.due_at for d in due} == {dt.datetime(2024, 10, 18, 12, 30, tzinfo=dt.UTC)}  # CEST


async def test_topics_and_exclusions_match_like_search(bot: Harness, sources: Path):
    (reply,) = await bot.say(CHAT, USER, "/subscribe llm -survey")
    assert reply.text.startswith("Subscribed to: llm -survey.")
    mark = bot.api.mark()
    arrive(sources)
    await bot.pipeline.poll_now()
    await bot.deliver()
    papers = [p for d in parse_digest(fixture_text(DIGEST)).digests for p in d.papers]
    expected = keyword_matches(papers, parse_topics("llm -survey"))[parse_topics("llm -survey")[0]]
    assert 0 < len(expected) < len(papers)
    received = card_ids(bot, CHAT["id"], mark)
    assert set(received) == expected
    assert received == [i for i in digest_ids() if i in expected]


async def test_free_text_topic_and_topics_buttons(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe mapreduce")
    (menu,) = await bot.say(CHAT, USER, "/topics")
    assert "• mapreduce" in menu.text
    (edited,) = await bot.tap(menu, USER, "tp:video")
    assert "✓ video" in [b["text"] for b in edited.buttons()]
    mark = bot.api.mark()
    arrive(sources)
    await bot.pipeline.poll_now()
    await bot.deliver()
    assert "2410.09342" in card_ids(bot, CHAT["id"], mark)
    (reply,) = await bot.say(CHAT, USER, "/unsubscribe mapreduce")
    assert reply.text == "Unsubscribed from mapreduce."
    (reply,) = await bot.say(CHAT, USER, "/unsubscribe nothing")
    assert reply.text.startswith("This chat doesn't follow")


async def test_min_votes(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    (menu,) = await bot.say(CHAT, USER, "/settings")
    (edited,) = await bot.tap(menu, USER, "set:votes:5")
    assert "Minimum votes: 5" in edited.text
    mark = bot.api.mark()
    arrive(sources)
    await bot.pipeline.poll_now()
    await bot.deliver()
    assert card_ids(bot, CHAT["id"], mark) == ["2410.09342", "2410.10819"]  # 34 and 5 votes


async def test_compact_format_is_one_list_with_buttons(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    await bot.say(CHAT, USER, "/settings format compact")
    mark = bot.api.mark()
    arrive(sources)
    (listing,) = await poll_and_wait(bot, CHAT["id"], 1, mark)
    await bot.deliver()
    assert listing.text.startswith("📰 Daily Papers · 2024-10-18")
    assert len(listing.callback_data()) == 9
    assert len([s for s in bot.api.sent[mark:] if s.chat_id == CHAT["id"]]) == 1


async def test_quiet_and_pause(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    await bot.say(CHAT, USER, "/settings quiet on")
    (reply,) = await bot.say(CHAT, USER, "/settings pause")
    assert reply.text == "✓ Saved: Status: paused"
    arrive(sources)
    await bot.pipeline.poll_now()
    assert await bot.deliver() == 0
    await bot.say(CHAT, USER, "/settings resume")
    mark = bot.api.mark()
    arrive(sources, "2024/10/16")
    bot.clock.current = dt.datetime(2024, 10, 16, 12, 0, tzinfo=dt.UTC)
    await poll_and_wait(bot, CHAT["id"], 18, mark)
    assert all(s.params.get("disable_notification") is True for s in bot.api.sent[mark:])


async def test_only_group_admins_change_subscriptions(bot: Harness, sources: Path):
    (reply,) = await bot.say(GROUP, MEMBER, "/subscribe")
    assert reply.text == "Only the group's admins can change subscriptions and settings here."
    (reply,) = await bot.say(GROUP, MEMBER, "/settings time 08:00")
    assert reply.text.startswith("Only the group's admins")
    (reply,) = await bot.say(GROUP, ADMIN, "/subscribe")
    assert reply.text.startswith("Subscribed")
    (menu,) = await bot.say(GROUP, MEMBER, "/settings")  # looking is fine
    bot.api.push_callback(menu, MEMBER, "set:fmt:compact")
    await bot.api.wait_for(lambda: bot.api.callback_answers)
    assert bot.api.callback_answers[-1]["text"].startswith("Only the group's admins")
    mark = bot.api.mark()
    arrive(sources)
    await poll_and_wait(bot, GROUP["id"], 9, mark)


async def test_forum_topic_deliveries_go_to_the_topic(bot: Harness, sources: Path):
    forum = FakeBotApi.group_chat(-100888, "Forum", forum=True)
    bot.api.admins[forum["id"]] = {ADMIN["id"]}
    mark = bot.api.mark()
    bot.api.push_message(forum, ADMIN, "/subscribe", thread_id=42)
    (reply,) = await bot.api.wait_sent(forum["id"], after=mark)
    assert reply.params["message_thread_id"] == 42
    mark = bot.api.mark()
    arrive(sources)
    sent = await poll_and_wait(bot, forum["id"], 9, mark)
    assert {s.params.get("message_thread_id") for s in sent} == {42}


async def test_channel_posts_subscribe_the_channel(bot: Harness, sources: Path):
    channel = FakeBotApi.channel(-100999)
    mark = bot.api.mark()
    bot.api.push_message(channel, None, "/subscribe llm")
    (reply,) = await bot.api.wait_sent(channel["id"], after=mark)
    assert reply.text.startswith("Subscribed to: llm.")


async def test_blocked_chat_is_deactivated_and_comes_back_with_start(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    bot.api.blocked.add(CHAT["id"])
    arrive(sources)
    await bot.pipeline.poll_now()
    await bot.deliver()
    sends = [
        c for c in bot.api.calls if c.method == "sendMessage" and c.params["chat_id"] == CHAT["id"]
    ]
    assert len([c for c in sends if not c.ok]) == 1  # one 403, then no more attempts
    assert await outbox.counts(bot.pipeline.db) == {
        "pending": 0,
        "sent": 0,
        "failed": 0,
        "cancelled": 9,
    }
    bot.api.blocked.clear()
    bot.api.calls.clear()
    (reply,) = await bot.say(CHAT, USER, "/start")
    assert reply.text.startswith("Hi Ada")
    mark = bot.api.mark()
    bot.clock.current = dt.datetime(2024, 10, 16, 12, 0, tzinfo=dt.UTC)
    arrive(sources, "2024/10/16")
    # The subscription survived; 2410.09342 (also on 10-16) was owed once, and cancelled.
    await poll_and_wait(bot, CHAT["id"], 17, mark)
    assert "2410.09342" not in card_ids(bot, CHAT["id"], mark)


async def test_kicked_from_a_group_marks_it_inactive_at_once(bot: Harness, sources: Path):
    await bot.say(GROUP, ADMIN, "/subscribe")
    bot.api.push_member_change(GROUP, ADMIN, "member", "kicked")
    await bot.api.wait_for(lambda: True)

    async def inactive() -> bool:
        chat = await subscriptions.chat_settings(bot.pipeline.db, GROUP["id"])
        return chat is not None and not chat.active

    for _ in range(100):
        if await inactive():
            break
        await bot.say(CHAT, USER, "/help")  # updates are handled in order
    assert await inactive()
    arrive(sources)
    result = await bot.pipeline.poll_now()
    assert result.deliveries == 0


async def test_group_migration_moves_subscriptions_and_resends(bot: Harness, sources: Path):
    old = FakeBotApi.group_chat(-555, "Old group")
    old["type"] = "group"
    bot.api.admins[old["id"]] = {ADMIN["id"]}
    await bot.say(old, ADMIN, "/subscribe llm")
    new_id = -1005550000
    bot.api.migrated[old["id"]] = new_id
    mark = bot.api.mark()
    arrive(sources)
    await bot.pipeline.poll_now()
    await bot.deliver()
    expected = [
        i
        for i in digest_ids()
        if i
        in keyword_matches(
            [p for d in parse_digest(fixture_text(DIGEST)).digests for p in d.papers],
            parse_topics("llm"),
        )[parse_topics("llm")[0]]
    ]
    assert card_ids(bot, new_id, mark) == expected
    assert await subscriptions.topics(bot.pipeline.db, new_id) == ["llm"]
    assert await subscriptions.topics(bot.pipeline.db, GROUP["id"]) == []


async def test_server_errors_are_retried_with_backoff_in_order(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    mark = bot.api.mark()
    bot.api.server_errors = 2
    arrive(sources)
    await bot.pipeline.poll_now()
    await bot.deliver()
    assert card_ids(bot, CHAT["id"], mark) == []  # the first card failed: the chat waits
    for _ in range(2):
        bot.clock.advance(minutes=5)
        await bot.deliver()
    assert card_ids(bot, CHAT["id"], mark) == digest_ids()
    refused = [c for c in bot.api.calls if c.method == "sendMessage" and not c.ok]
    assert len(refused) == 2  # the first card: two 5xx, then sent on the third attempt


async def test_a_row_failing_for_good_is_marked_failed(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    bot.api.server_errors = 10_000
    arrive(sources)
    await bot.pipeline.poll_now()
    for _ in range(10):
        await bot.deliver()
        bot.clock.advance(minutes=15)
    bot.api.server_errors = 0
    await bot.deliver()
    counts = await outbox.counts(bot.pipeline.db)
    assert counts["failed"] == 1 and counts["sent"] == 8  # gave up on one card, not the chat


async def test_unfetchable_thumbnail_sends_the_card_without_it(bot: Harness, sources: Path):
    await bot.say(CHAT, USER, "/subscribe")
    bot.api.bad_preview_urls.add(
        "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2410.09342.png"
    )
    mark = bot.api.mark()
    arrive(sources)
    sent = await poll_and_wait(bot, CHAT["id"], 9, mark)
    assert sent[0].link_preview_options == {"is_disabled": True}
    assert sent[1].link_preview_options["url"].endswith(".png")


@asynccontextmanager
async def budgeted_bot(
    tmp_path: Path, sources: Path, per_second: int, per_group_minute: int
) -> AsyncIterator[tuple[Harness, Budget]]:
    """The bot with the real budget at the same limits the fake enforces."""
    clock = ManualClock(dt.datetime(2024, 10, 18, 12, 0, tzinfo=dt.UTC))
    limits = RateLimits(per_second=per_second, per_group_minute=per_group_minute)
    budget = Budget(BudgetLimits(per_second=per_second, per_group_minute=per_group_minute))
    admins = {GROUP["id"]: {ADMIN["id"]}}
    async with bot_running(
        tmp_path / "b.sqlite3", str(sources), limits, admins, clock, budget=budget
    ) as bot:
        yield bot, budget


async def test_replies_and_broadcasts_share_one_budget_replies_first(tmp_path: Path, sources: Path):
    """The real budget against a fake counting every message in any sliding second: a
    broadcast runs at the limit, a reply asked meanwhile goes next (not after the queued
    cards), and Telegram never says 429."""
    async with budgeted_bot(tmp_path, sources, per_second=120, per_group_minute=20) as (
        bot,
        budget,
    ):
        readers = [FakeBotApi.user(4000 + i, "en") for i in range(20)]
        for reader in readers:
            await bot.say(FakeBotApi.private_chat(reader), reader, "/subscribe")
        await bot.say(GROUP, ADMIN, "/subscribe")
        mark = bot.api.mark()
        arrive(sources)
        await bot.pipeline.poll_now()  # wakes the sender task: the broadcast starts
        expected = 21 * len(digest_ids())
        await bot.api.wait_for(lambda: len(bot.api.sent) - mark >= 20)
        (reply,) = await bot.say(CHAT, USER, "/top")
        assert reply.text.startswith("🏆")
        at = bot.api.sent.index(reply)
        await bot.api.wait_for(lambda: len(bot.api.sent) - mark >= expected + 1, timeout=30)
        assert len(bot.api.sent) - at - 1 > expected // 2  # the reply jumped the queue
        assert bot.api.too_many_requests == 0
        assert budget.stats.granted[Priority.BROADCAST] == expected
        for chat_id in [FakeBotApi.private_chat(r)["id"] for r in readers] + [GROUP["id"]]:
            assert card_ids(bot, chat_id, mark) == digest_ids()


async def test_paid_broadcast_sends_cards_paid_and_replies_free(tmp_path: Path, sources: Path):
    budget = Budget(BudgetLimits(per_second=30, paid_per_second=1000))
    env = {"PAPERBOY_PAID_BROADCAST": "on"}
    async with bot_running(tmp_path / "p.sqlite3", str(sources), env=env, budget=budget) as bot:
        (reply,) = await bot.say(CHAT, USER, "/subscribe")
        mark = bot.api.mark()
        arrive(sources)
        await poll_and_wait(bot, CHAT["id"], 9, mark)
        (top,) = await bot.say(CHAT, USER, "/top")
        cards = bot.api.sent[mark : mark + 9]
        assert [c.params.get("allow_paid_broadcast") for c in cards] == [True] * 9
        assert "allow_paid_broadcast" not in reply.params | top.params
        assert bot.api.paid_sends == 9


async def test_the_outbox_is_read_again_before_the_workers_run_dry(
    tmp_path: Path, sources: Path, monkeypatch: pytest.MonkeyPatch
):
    """Reads of 20 rows for 14 chats of 9 cards: each read comes while sends are still in
    flight (no worker waits for the slowest chat of the last read), and still every chat
    gets its cards once, in digest order, one at a time."""
    budget = Budget(BudgetLimits(per_second=1000))
    limits = RateLimits(per_second=1000, per_group_minute=20)
    async with bot_running(tmp_path / "f.sqlite3", str(sources), limits, budget=budget) as bot:
        readers = [FakeBotApi.user(4100 + i, "en") for i in range(14)]
        for reader in readers:
            await bot.say(FakeBotApi.private_chat(reader), reader, "/subscribe")
        sender = bot.pipeline.sender
        sender.batch, sender.workers = 20, 3
        in_flight_at_reads: list[int] = []
        due = outbox.due

        async def watched_due(*args, **kwargs):
            in_flight_at_reads.append(budget.free.window.in_flight)
            return await due(*args, **kwargs)

        monkeypatch.setattr(outbox, "due", watched_due)
        bot.api.latency = (0.02, 0.04)
        arrive(sources)
        await bot.pipeline.poll_now()
        await bot.deliver()
        await bot.api.wait_for(lambda: len(bot.api.sent) >= 14 + 14 * 9)
        await bot.deliver()
        for reader in readers:
            assert card_ids(bot, FakeBotApi.private_chat(reader)["id"]) == digest_ids()
        counts = await outbox.counts(bot.pipeline.db)
        assert (counts["pending"], counts["sent"]) == (0, 14 * 9)
        assert len(in_flight_at_reads) > 6  # 126 rows, at most 20 a read
        assert max(in_flight_at_reads[1:]) > 0


async def test_a_failed_read_of_the_outbox_leaves_no_worker_behind(
    bot: Harness, sources: Path, monkeypatch: pytest.MonkeyPatch
):
    await bot.say(CHAT, USER, "/subscribe")
    sender_task = bot.pipeline.tasks.get(SENDER_TASK)  # only this test's drain reads
    sender_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sender_task
    reads = 0
    due = outbox.due

    async def failing_second_read(*args, **kwargs):
        nonlocal reads
        reads += 1
        if reads == 2:
            raise RuntimeError("disk I/O error")
        return await due(*args, **kwargs)

    monkeypatch.setattr(outbox, "due", failing_second_read)
    bot.pipeline.sender.batch = 3  # the second read comes while the first chat is served
    bot.api.latency = (0.02, 0.04)
    arrive(sources)
    await bot.pipeline.poll_now()
    with pytest.raises(RuntimeError, match="disk I/O"):
        await bot.deliver()
    workers = [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "Sender._worker"
    ]
    assert workers == []
    monkeypatch.undo()
    bot.api.latency = None
    await bot.deliver()  # the rows are still there, and go now, in order, once each
    assert card_ids(bot, CHAT["id"]) == digest_ids()


async def test_a_group_whose_minute_is_used_waits_in_the_outbox_not_in_a_worker(
    tmp_path: Path, sources: Path
):
    async with budgeted_bot(tmp_path, sources, per_second=30, per_group_minute=4) as (
        bot,
        budget,
    ):
        await bot.say(GROUP, ADMIN, "/subscribe")  # one of the group's 4 this minute
        mark = bot.api.mark()
        arrive(sources)
        await bot.pipeline.poll_now()
        await bot.api.wait_for(lambda: len(card_ids(bot, GROUP["id"], mark)) == 3)
        await bot.deliver()  # returns at once: the other six wait in the outbox
        assert card_ids(bot, GROUP["id"], mark) == digest_ids()[:3]
        counts = await outbox.counts(bot.pipeline.db)
        assert (counts["pending"], counts["sent"]) == (6, 3)
        assert bot.api.too_many_requests == 0
        assert budget.group_wait(GROUP["id"]) > 50


async def test_rate_limit_429_waits_and_loses_nothing(tmp_path: Path, sources: Path):
    clock = ManualClock(dt.datetime(2024, 10, 18, 12, 0, tzinfo=dt.UTC))
    # Far under the test budget's 1,000 a second: the sender meets 429s at once.
    limits = RateLimits(per_second=10, per_group_minute=20)
    async with bot_running(tmp_path / "r.sqlite3", str(sources), limits=limits, clock=clock) as bot:
        users = [FakeBotApi.user(3000 + i, "en") for i in range(3)]
        for user in users:
            await bot.say(FakeBotApi.private_chat(user), user, "/subscribe")
            await bot.api.wait_for(lambda: True)
        mark = bot.api.mark()
        arrive(sources)
        await bot.pipeline.poll_now()
        for _ in range(20):
            await bot.deliver()
            if len(bot.api.sent) - mark >= 27:
                break
            clock.advance(seconds=2)
        assert bot.api.too_many_requests > 0
        for user in users:
            assert card_ids(bot, user["id"], mark) == digest_ids()


async def test_admin_stats_and_ingest(bot: Harness, sources: Path):
    (reply,) = await bot.say(CHAT, USER, "/stats")
    assert reply.text.startswith("I don't know that command.")
    admin_chat = FakeBotApi.private_chat(ADMIN)
    await bot.say(admin_chat, ADMIN, "/subscribe")
    arrive(sources)
    started, done = await bot.say(admin_chat, ADMIN, "/ingest", count=2)
    assert started.text == "Polling the sources…"
    assert done.text.startswith("Done: 1 changed, 1 new digests, 9 new papers, 9 deliveries queued")
    await bot.deliver()
    mark = bot.api.mark()
    (stats,) = await bot.say(admin_chat, ADMIN, "/stats")
    assert "Active subscriptions: 1" in stats.text
    assert "Papers: 9" in stats.text
    assert "Outbox: 0 pending, 9 sent, 0 failed, 0 cancelled" in stats.text
    assert "Last poll: 2024-10-18T12:00:00 UTC" in stats.text
    assert bot.api.sent[mark:]
