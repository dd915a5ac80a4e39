"""Pacing for broadcasts: Telegram's 30 messages a second overall and 20 a minute per group.

Sends are spaced evenly (no bursts) a little under the limit, so a long broadcast runs at
the limit without tripping it; a 429 pauses every send for its ``retry_after``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0
    per_group_minute: int = 20
    margin: float = 0.97  # aim this fraction of the limit: timing jitter must not cross it


class Pacer:
    def __init__(self, limits: Limits | None = None, now: Callable[[], float] = time.monotonic):
        self.limits = limits or Limits()
        self._now = now
        self._interval = 1.0 / (self.limits.per_second * self.limits.margin)
        self._next_slot = 0.0
        self._groups: dict[int, deque[float]] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Telegram said wait: nothing is sent for ``seconds``."""
        self._next_slot = max(self._next_slot, self._now() + seconds)

    def group_wait(self, chat_id: int) -> float:
        """Seconds until ``chat_id`` (a group) may get another message; 0 when it may now."""
        window = self._groups.get(chat_id)
        if not window:
            return 0.0
        now = self._now()
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) < self.limits.per_group_minute:
            return 0.0
        return window[0] + 60.0 - now

    async def acquire(self, chat_id: int, is_group: bool) -> None:
        """Wait for this chat's turn; returns when one message may be sent."""
        if is_group:
            # The window frees at a known time, not on an event: sleeping until then is right.
            while (wait := self.group_wait(chat_id)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
        async with self._lock:  # one slot at a time, in arrival order
            wait = self._next_slot - self._now()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_slot = max(self._now(), self._next_slot) + self._interval
        if is_group:
            self._groups.setdefault(chat_id, deque()).append(self._now())
