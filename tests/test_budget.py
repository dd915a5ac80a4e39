"""The one Telegram budget: the finish-time window against any jitter, replies before
broadcasts, group windows, 429 pauses and the paid lane."""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import random
from collections import deque
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.deliver.budget import Budget, BudgetLimits, Lane, Priority, Window


class ManualTime:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_window_counts_a_request_until_span_after_it_finished():
    now = ManualTime()
    window = Window(2, 1.0, now)
    assert window.wait() == 0.0
    window.start()
    window.start()
    assert window.wait() is None  # both in flight: only a finish frees a place
    now.t += 0.3
    window.finish()
    assert window.wait() == pytest.approx(1.005)  # a second (and the guard) after it finished
    window.abandon()  # the other never left: its place is simply given back
    assert window.wait() == 0.0
    assert window.idle is False  # the finished one is still within its span
    now.t += 1.006
    assert window.idle


@pytest.mark.parametrize("seed", range(20))
def test_no_server_window_ever_holds_more_than_the_limit_whatever_the_latency(seed: int):
    """A simulated sender with 40 requests in flight, answers taking 1-300 ms, and a server
    that timestamps each request anywhere between its start and its answer: no 1-second
    window of server times holds more than the limit."""
    rng = random.Random(seed)
    now = ManualTime()
    limit = 30
    window = Window(limit, 1.0, now)
    finishing: list[tuple[float, int]] = []  # (finish time, request)
    server_times = []
    for request in range(600):
        while True:
            wait = window.wait()
            in_flight_full = len(finishing) >= 40
            if wait == 0.0 and not in_flight_full:
                break
            # advance to whichever comes first: a finish, or the window freeing by time
            next_finish = finishing[0][0] if finishing else float("inf")
            next_free = now.t + wait if wait else float("inf")
            if next_finish <= next_free:
                now.t, _ = heapq.heappop(finishing)
                window.finish()
            else:
                now.t = next_free
        window.start()
        latency = rng.choice([0.001, 0.005, 0.3, rng.uniform(0.001, 0.3)])
        heapq.heappush(finishing, (now.t + latency, request))
        server_times.append(now.t + rng.uniform(0, latency))
    server_times.sort()
    seen: deque[float] = deque()
    for at in server_times:
        while seen and seen[0] <= at - 1.0:
            seen.popleft()
        seen.append(at)
        assert len(seen) <= limit


async def test_replies_go_before_broadcasts_that_waited_longer():
    now = ManualTime()
    lane = Lane("free", Window(1, 1.0, now), now)
    await lane.enter(Priority.BROADCAST)  # the one place, in flight
    order: list[str] = []

    async def take(name: str, priority: Priority) -> None:
        await lane.enter(priority)
        order.append(name)

    waiting = [asyncio.create_task(take(f"card{i}", Priority.BROADCAST)) for i in range(3)]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(take("reply", Priority.REPLY)))
    await asyncio.sleep(0)
    assert order == []
    lane.window = Window(10, 1.0, now)  # room for everyone once the first finishes
    lane.interval = 0.0
    now.t += 2
    lane.leave()
    await asyncio.gather(*waiting)
    assert order == ["reply", "card0", "card1", "card2"]


async def test_places_are_spaced_so_a_reply_never_waits_out_a_burst():
    now = ManualTime()
    lane = Lane("free", Window(30, 1.0, now), now)
    granted = 0
    for _ in range(10):  # an idle lane: the first few at once, then one every 1/30 s
        task = asyncio.create_task(lane.enter(Priority.BROADCAST))
        await asyncio.sleep(0)
        if task.done():
            granted += 1
            lane.leave()
        else:
            task.cancel()
    assert granted == 4  # one, and the BURST of 3 an idle lane may catch up
    assert lane.interval == pytest.approx(1.005 / 30)  # the window's span over its limit
    now.t += lane.interval
    assert lane.window.wait() == 0.0
    await lane.enter(Priority.REPLY)  # after one interval there is a place again


async def test_a_fast_lane_catches_up_a_busy_loop_s_lag_not_just_three_places():
    """At 1,000/s three places are 3 ms, less than one turn of a busy loop: a lane late by
    20 ms may grant that many places at once (and no more), so the rate holds."""
    now = ManualTime()
    lane = Lane("paid", Window(1000, 1.0, now), now)
    granted = 0
    for _ in range(40):
        task = asyncio.create_task(lane.enter(Priority.BROADCAST))
        await asyncio.sleep(0)
        if task.done():
            granted += 1
        else:
            task.cancel()
    assert granted == 1 + int(0.02 / lane.interval)  # 20 ms of places: 19, and the first


def test_spacing_follows_the_answer_time_so_the_window_need_not_bind():
    now = ManualTime()
    lane = Lane("paid", Window(1000, 1.0, now), now)
    for _ in range(200):
        lane.window.start()
        lane.leave(0.040)  # answers take 40 ms
    assert lane.answer_time == pytest.approx(0.040, rel=0.01)
    assert 1 / lane.interval == pytest.approx(1000 / 1.045, rel=0.01)


async def test_a_waiter_cancelled_in_the_queue_takes_no_place():
    lane = Lane("free", Window(1, 1.0, ManualTime()), ManualTime())
    await lane.enter(Priority.REPLY)
    task = asyncio.create_task(lane.enter(Priority.BROADCAST))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lane.window.in_flight == 1


class Calls:
    """A stand-in for PTB's ``_do_post``: records calls, answers 429 when told to."""

    def __init__(self) -> None:
        self.made: list[tuple[str, dict[str, Any]]] = []
        self.retry_after: list[float] = []

    async def post(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        self.made.append((endpoint, data))
        if self.retry_after:
            raise RetryAfter(dt.timedelta(seconds=self.retry_after.pop(0)))
        return {"ok": True}


async def send(
    budget: Budget, calls: Calls, endpoint: str, data: dict[str, Any], args: int | None = None
) -> Any:
    return await budget.process_request(calls.post, (endpoint, data), {}, endpoint, data, args)


async def test_a_429_pauses_the_lane_and_a_reply_is_tried_again():
    budget = Budget(BudgetLimits(per_second=100))
    calls = Calls()
    calls.retry_after = [0.1]
    assert await send(budget, calls, "sendMessage", {"chat_id": 1}) == {"ok": True}
    assert len(calls.made) == 2 and budget.stats.too_many_requests == 1
    assert budget.free.paused_until > 0


async def test_a_broadcast_told_to_wait_gives_the_429_back_to_the_sender_at_once():
    budget = Budget(BudgetLimits(per_second=100))
    calls = Calls()
    calls.retry_after = [30]
    with pytest.raises(RetryAfter):
        await send(budget, calls, "sendMessage", {"chat_id": 1}, Priority.BROADCAST)
    assert len(calls.made) == 1
    # the lane is paused for everyone, but requests that are not messages still pass
    assert await send(budget, calls, "answerCallbackQuery", {"callback_query_id": "1"})
    paused = asyncio.create_task(send(budget, calls, "sendMessage", {"chat_id": 2}))
    await asyncio.sleep(0.05)
    assert not paused.done()
    paused.cancel()


async def test_a_full_group_waits_without_holding_up_other_chats():
    budget = Budget(BudgetLimits(per_second=100, per_group_minute=2))
    calls = Calls()
    for _ in range(2):
        await send(budget, calls, "sendMessage", {"chat_id": -100}, Priority.BROADCAST)
    assert budget.group_wait(-100) > 59
    third = asyncio.create_task(send(budget, calls, "sendMessage", {"chat_id": "-100"}))
    await asyncio.sleep(0.05)
    assert not third.done()  # the same group, spelled as Telegram may spell it
    await send(budget, calls, "editMessageText", {"chat_id": 7, "message_id": 1})
    await send(budget, calls, "sendMessage", {"chat_id": -200})
    assert [d["chat_id"] for _, d in calls.made] == [-100, -100, 7, -200]
    third.cancel()


async def test_paid_broadcasts_use_their_own_lane_and_replies_keep_the_free_one():
    budget = Budget(BudgetLimits(per_second=30, paid_per_second=1000))
    assert budget.paid is not None
    calls = Calls()
    budget.free.pause(60)  # the free lane is told to wait
    paid = {"chat_id": 5, "allow_paid_broadcast": True}
    await send(budget, calls, "sendMessage", paid, Priority.BROADCAST)
    assert budget.stats.granted[Priority.BROADCAST] == 1
    reply = asyncio.create_task(send(budget, calls, "sendMessage", {"chat_id": 6}))
    await asyncio.sleep(0.05)
    assert not reply.done()
    reply.cancel()


async def test_without_a_paid_lane_allow_paid_broadcast_is_counted_as_free():
    budget = Budget(BudgetLimits(per_second=2))
    calls = Calls()
    for chat in (1, 2):
        await send(budget, calls, "sendMessage", {"chat_id": chat, "allow_paid_broadcast": True})
    assert budget.free.window.wait() > 0.9


async def test_a_draft_told_to_wait_is_dropped_and_pauses_nothing():
    budget = Budget(BudgetLimits(per_second=100))
    calls = Calls()
    calls.retry_after = [30]
    with pytest.raises(RetryAfter):
        await send(budget, calls, "sendMessageDraft", {"chat_id": 1, "draft_id": 5})
    assert len(calls.made) == 1  # not tried again: the next draft, or the answer, follows
    assert budget.free.paused_until == 0
    assert await send(budget, calls, "sendMessage", {"chat_id": 1}) == {"ok": True}
