"""What the running bot holds: settings, the database, the clock, the sender and the poller."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import aiosqlite
import httpx

from bot.app.config import Settings
from bot.core.clock import Clock
from bot.deliver.sender import Sender
from bot.source.poll import PollResult, poll, refresh_votes

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
                    self.db,
                    self.settings.sources,
                    self.clock,
                    self.settings.timezone,
                    self.http,
                    self.settings.hf_api_url,
                )
            finally:
                self.first_poll.set()
                self.sender.wake()

    async def refresh_votes(self, days: int = 7) -> PollResult:
        """Re-read the API for the last ``days`` dates: live votes (and late joiners)."""
        async with self.poll_lock:
            try:
                return await refresh_votes(
                    self.db,
                    self.http,
                    self.settings.hf_api_url,
                    self.clock,
                    self.settings.timezone,
                    days,
                )
            finally:
                self.sender.wake()
