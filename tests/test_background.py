"""The pipeline's background tasks: one of a name at a time, all stopped at shutdown, in the
order they started, and a task that will not stop does not hang the shutdown."""

from __future__ import annotations

import asyncio
import logging

from bot import pipeline
from bot.pipeline import Background


async def test_one_task_of_a_name_at_a_time_and_all_stopped_in_start_order(monkeypatch):
    tasks = Background()
    stopped: list[str] = []

    async def work(name: str) -> None:
        try:
            await asyncio.sleep(60)
        finally:
            stopped.append(name)

    first = tasks.start("sender", work("sender"))
    assert first is not None and tasks.running("sender")
    assert tasks.start("sender", work("second sender")) is None  # closed, never run
    tasks.start("summaries", work("summaries"))
    await asyncio.sleep(0)
    await tasks.stop()
    assert stopped == ["sender", "summaries"]
    assert not tasks.running("sender") and tasks.get("summaries") is None


async def test_a_task_that_will_not_stop_is_left_behind_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(pipeline, "STOP_SECONDS", 0.1)
    tasks = Background()
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                await release.wait()  # ignores cancellation until released

    tasks.start("stubborn", stubborn())
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(tasks.stop(), 2)
    assert "stubborn did not stop" in caplog.text
    release.set()
