"""One Telegram budget for every message the bot sends: replies, edits, inline answers and
broadcasts share it, replies first.

It is PTB's rate limiter (``ApplicationBuilder.rate_limiter``), so handlers need do nothing;
the sender marks its requests ``rate_limit_args=Priority.BROADCAST``.

Why count finish times: Telegram counts a request at some moment between when it leaves and
when its answer arrives, and network jitter moves that moment. A window that counts each
request from its start until ``span`` after its answer can never hold more requests than
Telegram's window does, however the arrival times are compressed (``Window``). At 30 msg/s
on loopback that costs well under 1% of the rate; at 1,000 msg/s with 40 ms answers, ~4%.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Requests that Telegram counts as messages from the bot. Everything else (getMe, answers to
# button presses, getChat, setWebhook...) passes without waiting.
COUNTED_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage", "answerInlineQuery")
# A draft (a streamed answer's preview) told to wait is dropped, not retried, and pauses
# nothing else: the final message still goes, and deliveries never wait on a preview.
COURTESY = frozenset({"sendMessageDraft", "sendChatAction"})
FREE_PER_SECOND = 30  # Telegram's free broadcast limit, and the budget replies always keep
PAID_PER_SECOND = 1000  # the most allow_paid_broadcast permits
GUARD = 0.005  # seconds added to each window: clock granularity between two machines
BURST = 3  # places a lane may grant at once after a pause in its spacing...
BURST_SECONDS = 0.02  # ...or this long's worth, if more: a busy loop's lag, caught up
EPSILON = 1e-6  # seconds: sums of intervals are not exact
ANSWER_TIME_WEIGHT = 0.05  # of each new answer time in the lane's moving average


class Priority(enum.IntEnum):
    """Lower goes first. Passed as PTB's ``rate_limit_args``; ``None`` means a reply."""

    REPLY = 0
    BROADCAST = 1


@dataclass(frozen=True)
class BudgetLimits:
    per_second: float = FREE_PER_SECOND  # free messages a second, replies and broadcasts
    per_group_minute: int = 20  # messages a minute to one group or channel
    paid_per_second: float = 0  # broadcasts with allow_paid_broadcast; 0: paid is off
    reply_retries: int = 2  # a reply told to wait (429) is tried again this often


@dataclass
class BudgetStats:
    granted: dict[Priority, int] = field(default_factory=lambda: dict.fromkeys(Priority, 0))
    too_many_requests: int = 0  # 429 answers seen
    reply_wait_max: float = 0.0  # the longest a reply waited for its slot, seconds
    answer_seconds: float = 0.0  # summed time from a request leaving to its answer


class Window:
    """At most ``limit`` requests in any ``span`` seconds, counting each request from when it
    starts until ``span`` after it finished: a server that timestamps it anywhere in between
    sees no more than ``limit`` in any window of ``span``."""

    def __init__(self, limit: int, span: float, now: Callable[[], float]) -> None:
        self.limit = max(1, limit)
        self.span = span + GUARD
        self._now = now
        self._finished: deque[float] = deque()  # finish times, oldest first
        self.in_flight = 0

    def wait(self) -> float | None:
        """Seconds until one more request may start: 0 now, None when only a request in
        flight finishing can free a place."""
        now = self._now()
        while self._finished and self._finished[0] <= now - self.span:
            self._finished.popleft()
        if len(self._finished) + self.in_flight < self.limit:
            return 0.0
        if self._finished:
            return self._finished[0] + self.span - now
        return None

    def start(self) -> None:
        self.in_flight += 1

    def finish(self) -> None:
        self.in_flight -= 1
        self._finished.append(self._now())

    def abandon(self) -> None:
        """A place taken but never used (the request was cancelled before it left)."""
        self.in_flight -= 1

    @property
    def idle(self) -> bool:
        return self.wait() == 0.0 and not self._finished and not self.in_flight


class Lane:
    """One window with a queue in front of it, served by priority then arrival, and spaced.

    The spacing matters for replies: a window alone lets a broadcast take its whole second
    at once, and a reply asked just after waits that second. The window sustains ``limit``
    requests per ``span`` plus one answer time, so places are spaced by that (the answer time
    a moving average): the window then almost never binds, and a reply waits one interval.
    """

    def __init__(self, name: str, window: Window, now: Callable[[], float]) -> None:
        self.name = name
        self.window = window
        self.answer_time = 0.0  # moving average, seconds
        self.interval = window.span / window.limit
        self._next_at = 0.0
        self._now = now
        self._queue: list[tuple[int, int, asyncio.Future[float]]] = []
        self._order = itertools.count()
        self._timer: asyncio.Handle | None = None
        self._timer_at = 0.0
        self.paused_until = 0.0

    async def enter(self, priority: Priority) -> float:
        """Wait for this lane's next place; on return the caller holds it (``window.start``
        was called) and must ``leave`` when its request finished. Returns when the place
        was granted: the window counts from then, so the answer time should too."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._queue, (int(priority), next(self._order), future))
        self.pump()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.window.abandon()  # granted, then cancelled before the request left
                self.pump()
            else:
                self._queue = [e for e in self._queue if e[2] is not future]
                heapq.heapify(self._queue)
            raise

    def leave(self, answer_time: float = 0.0) -> None:
        self.window.finish()
        self.answer_time += ANSWER_TIME_WEIGHT * (answer_time - self.answer_time)
        self.interval = (self.window.span + self.answer_time) / self.window.limit
        self.pump()

    def pause(self, seconds: float) -> None:
        """Telegram said wait: nothing in this lane starts for ``seconds``."""
        self.paused_until = max(self.paused_until, self._now() + seconds)
        self.pump()

    def pump(self) -> None:
        """Grant places to the waiting, best first, while the window has room; otherwise
        come back when it will (a timer), or when a request finishes (``leave``)."""
        while self._queue:
            if self._queue[0][2].done():  # cancelled while waiting
                heapq.heappop(self._queue)
                continue
            now = self._now()
            wait = max(0.0, self.paused_until - now, self._next_at - now)
            if wait < EPSILON:
                room = self.window.wait()
                if room is None:
                    return  # a finishing request will pump
                wait = room
            if wait >= EPSILON:
                self._wake_in(wait)
                return
            _, _, future = heapq.heappop(self._queue)
            self.window.start()
            # A grant a little late (a busy loop) may be caught up by the next few, so the
            # rate holds; an idle lane does not bank more than BURST places (at 30/s, 100 ms)
            # or 20 ms (at 1,000/s, 19 places: a loop turn at that rate can take 5 ms).
            credit = max(BURST * self.interval, BURST_SECONDS)
            self._next_at = max(now - credit, self._next_at) + self.interval
            future.set_result(now)

    def _wake_in(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        when = loop.time() + seconds
        if self._timer is not None and not self._timer.cancelled():
            if self._timer_at <= when:
                return
            self._timer.cancel()
        # call_later's handle, not a TimerHandle: under uvloop it has no ``when()``.
        self._timer = loop.call_later(seconds, self._on_timer)
        self._timer_at = when

    def _on_timer(self) -> None:
        self._timer = None
        self.pump()


class Budget(BaseRateLimiter[int]):
    """PTB's rate limiter, for all of Paperboy: a free lane at ``per_second`` for replies and
    unpaid broadcasts (replies first), a paid lane for ``allow_paid_broadcast`` sends, and a
    window per group shared by both. A 429 pauses the lane it came from."""

    GROUP_WINDOWS_KEPT = 1024

    def __init__(
        self, limits: BudgetLimits | None = None, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or BudgetLimits()
        self._now = now
        self.free = Lane("free", Window(int(self.limits.per_second), 1.0, now), now)
        self.paid: Lane | None = None
        if self.limits.paid_per_second:
            self.paid = Lane("paid", Window(int(self.limits.paid_per_second), 1.0, now), now)
        self._groups: dict[int | str, Window] = {}
        self.stats = BudgetStats()

    async def initialize(self) -> None:
        """Nothing to set up: lanes bind to the running loop on first use."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def group_wait(self, chat_id: int | str) -> float:
        """Seconds until this group may get another message (0: now); for the sender, which
        puts a group's rows back rather than hold a worker for up to a minute."""
        window = self._groups.get(chat_id)
        if window is None:
            return 0.0
        wait = window.wait()
        return 1.0 if wait is None else wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not endpoint.startswith(COUNTED_PREFIXES):
            return await callback(*args, **kwargs)
        priority = Priority(rate_limit_args or Priority.REPLY)
        lane = self.free
        if self.paid is not None and data.get("allow_paid_broadcast"):
            lane = self.paid
        group = _group_of(data.get("chat_id"))
        retries = self.limits.reply_retries if priority == Priority.REPLY else 0
        if endpoint in COURTESY:
            retries = 0
        for attempt in range(retries + 1):
            try:
                return await self._send(lane, group, priority, callback, args, kwargs)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                self.stats.too_many_requests += 1
                if endpoint in COURTESY:
                    raise
                lane.pause(seconds)
                log.warning("Telegram said wait %.0f s (%s, %s lane)", seconds, endpoint, lane.name)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self,
        lane: Lane,
        group: int | str | None,
        priority: Priority,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Any:
        asked = self._now()
        window = await self._enter_group(group) if group is not None else None
        try:
            granted = await lane.enter(priority)
        except BaseException:
            if window is not None:
                window.abandon()
            raise
        self.stats.granted[priority] += 1
        if priority == Priority.REPLY:
            self.stats.reply_wait_max = max(self.stats.reply_wait_max, granted - asked)
        try:
            return await callback(*args, **kwargs)
        finally:
            # From the grant, not from when this coroutine resumed: the window held the
            # place from then, and spacing by less lets the window bind (bench: ~1% of the
            # paid rate).
            answer_time = self._now() - granted
            self.stats.answer_seconds += answer_time
            lane.leave(answer_time)
            if window is not None:
                window.finish()

    async def _enter_group(self, group: int | str) -> Window:
        """Take a place in the group's window (held from now, which only errs on the safe
        side) before queueing in the lane, so a full group never blocks other chats."""
        window = self._groups.get(group)
        if window is None:
            self._forget_idle_groups()
            window = Window(self.limits.per_group_minute, 60.0, self._now)
            self._groups[group] = window
        # A group's window frees at a known time (or soon after a request in flight ends):
        # sleeping is right, and rare: 20 a minute is more than a digest sends one group.
        while (wait := window.wait()) != 0.0:  # noqa: ASYNC110
            await asyncio.sleep(0.05 if wait is None else wait)
        window.start()
        return window

    def _forget_idle_groups(self) -> None:
        if len(self._groups) < self.GROUP_WINDOWS_KEPT:
            return
        for key in [k for k, w in self._groups.items() if w.idle]:
            del self._groups[key]


def _group_of(chat_id: object) -> int | str | None:
    """Groups and channels have negative ids (or an @username); private chats positive."""
    if isinstance(chat_id, str):
        with contextlib.suppress(ValueError):
            chat_id = int(chat_id)
    if isinstance(chat_id, int):
        return chat_id if chat_id < 0 else None
    return chat_id if isinstance(chat_id, str) else None


def retry_seconds(error: RetryAfter) -> float:
    """A 429's wait in seconds: PTB 22 gives an int or a timedelta, depending on a setting."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
