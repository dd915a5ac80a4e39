"""What every loopback fake needs: an aiohttp app served on a free 127.0.0.1 port, a free port
for the bot's own webhook server, and a fake run on a thread of its own for commands that
call ``asyncio.run`` themselves."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from aiohttp import web

Fake = TypeVar("Fake", bound=AbstractAsyncContextManager)  # type: ignore[type-arg]


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start ``app`` on a free loopback port; returns its runner (to clean up) and root URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def on_own_thread(fake: Fake) -> Iterator[Fake]:
    """``fake`` entered on an event loop of its own thread, for the command line's
    ``asyncio.run``; left (and the loop closed) afterwards."""
    loop = asyncio.new_event_loop()
    ready, stop = threading.Event(), asyncio.Event()

    async def run() -> None:
        async with fake:
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: loop.run_until_complete(run()), daemon=True)
    thread.start()
    assert ready.wait(10), "the fake did not start"
    try:
        yield fake
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
