"""What the running bot holds: settings, the database, the clock, the sender and the poller."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import aiosqlite
import httpx

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import Sender
from bot.poller import PollResult, poll

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Handed to handlers and jobs through ``bot_data["services"]`` by the composition root."""

    settings: Settings
    db: aiosqlite.Connection
    clock: Clock
    sender: Sender
    http: httpx.AsyncClient
    poll_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    first_poll: asyncio.Event = field(default_factory=asyncio.Event)

    async def poll_now(self) -> PollResult:
        """Poll every source once (never two polls at a time), then wake the sender."""
        async with self.poll_lock:
            try:
                return await poll(
                    self.db, self.settings.sources, self.clock, self.settings.timezone, self.http
                )
            finally:
                self.first_poll.set()
                self.sender.wake()
