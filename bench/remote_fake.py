"""The strict fake Bot API on a process of its own, with readers who send commands.

A benchmark at 1,000 msg/s cannot share one interpreter (one GIL) with the bot it measures:
the fake would slow the bot and the bot would jitter the fake's clock. Here the fake runs in
a child process in light mode (bench chats counted, not kept), and the readers' commands are
sent from inside it, so each round trip (update queued → the bot's answer handled) is timed
on one clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from tests.fakebot.server import FakeBotApi, RateLimits, Sent

COMMANDS = (
    "/top",
    "/top 10 week",
    "/search diffusion",
    "/search 모델",
    "/search video generation",
    "/paper {paper}",
    "page",  # the ▶ button of this reader's last list
)


@dataclass(frozen=True)
class Plan:
    limits: RateLimits
    latency: tuple[float, float] | None = None
    readers: int = 0
    commands: int = 0  # per reader
    spread: float = 60.0  # seconds over which the readers' commands are spread
    paper: str = ""  # an arXiv id in the bot's archive, for /paper
    seed: int = 7


@dataclass
class Report:
    url: str = ""
    delivered: int = 0  # broadcast messages accepted
    duplicates: int = 0
    keys: set[tuple[int, str]] = field(default_factory=set)
    delivery_times: list[float] = field(default_factory=list)
    too_many_requests: int = 0
    requests: int = 0  # every request that counts against a limit
    paid_sends: int = 0
    round_trips: list[float] = field(default_factory=list)  # seconds, one per command
    failed_commands: int = 0
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0


class RemoteFake:
    """``with RemoteFake(plan) as fake:`` starts the child; ``fake.url`` is its root."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_child, args=(child, plan), daemon=True)
        self.url = ""

    def __enter__(self) -> RemoteFake:
        self._process.start()
        self.url = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send(("stop",))
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()

    async def ask(self, *message: Any) -> Any:
        self._conn.send(message)
        return await asyncio.to_thread(self._conn.recv)


def _child(conn: Connection, plan: Plan) -> None:
    asyncio.run(_serve(conn, plan))


async def _serve(conn: Connection, plan: Plan) -> None:
    async with FakeBotApi(limits=plan.limits) as api:
        api.latency = plan.latency
        readers = [api.user(90_000 + i, "en", f"Reader{i}") for i in range(plan.readers)]
        api.watch = {r["id"] for r in readers}
        conn.send(api.url)
        report = Report(url=api.url)
        users_task: asyncio.Task[None] | None = None
        while True:
            message = await asyncio.to_thread(conn.recv)
            match message:
                case ("readers",):
                    users_task = asyncio.create_task(_readers(api, readers, plan, report))
                    conn.send(True)
                case ("wait", expected, timeout):
                    with contextlib.suppress(TimeoutError):
                        await api.wait_for(lambda: len(api.delivery_times) >= expected, timeout)
                    if users_task is not None:
                        await users_task
                    conn.send(len(api.delivery_times))
                case ("report",):  # the bot stops next: its long polls are answered at once
                    await api.close_polling()
                    conn.send(_summary(api, report))
                case ("stop",):
                    return


async def _readers(api: FakeBotApi, readers: list[dict], plan: Plan, report: Report) -> None:
    rng = random.Random(plan.seed)
    moments = sorted(
        (rng.uniform(1.0, plan.spread), reader, rng.choice(COMMANDS))
        for reader in readers
        for _ in range(plan.commands)
    )
    start = time.monotonic()
    pending = []
    for at, reader, command in moments:
        await asyncio.sleep(max(0.0, start + at - time.monotonic()))
        text = command.format(paper=plan.paper)
        pending.append(asyncio.create_task(_command(api, reader, text, report)))
    await asyncio.gather(*pending)


async def _command(api: FakeBotApi, reader: dict, command: str, report: Report) -> None:
    chat = api.private_chat(reader)
    mark = api.mark()
    began = time.monotonic()
    query_id = None
    if command == "page":
        target = _last_page_button(api.sent, chat["id"])
        if target is None:
            command = "/top"
        else:
            query_id = api.push_callback(target[0], reader, target[1])
    if command != "page":
        api.push_message(chat, reader, command)

    def answered() -> bool:
        # A page turn is answered by its edit, or (a second tap on a page already shown:
        # nothing to change) by the answer to the tap alone.
        if any(s.chat_id == chat["id"] for s in api.sent[mark:]):
            return True
        return any(a.get("callback_query_id") == query_id for a in api.callback_answers)

    try:
        await api.wait_for(answered, timeout=30)
    except TimeoutError:
        report.failed_commands += 1
        return
    report.round_trips.append(time.monotonic() - began)


def _last_page_button(sent: list[Sent], chat_id: int) -> tuple[Sent, str] | None:
    for message in reversed(sent):
        if message.chat_id != chat_id:
            continue
        pages = [b["callback_data"] for b in message.buttons() if "▶" in b.get("text", "")]
        if pages:
            return message, pages[0]
    return None


def _summary(api: FakeBotApi, report: Report) -> Report:
    counted: Callable[[str], bool] = lambda m: m.startswith(("send", "edit", "answerInline"))  # noqa: E731
    report.delivered = sum(api.delivered.values())
    report.duplicates = sum(n - 1 for n in api.delivered.values() if n > 1)
    report.keys = set(api.delivered)
    report.delivery_times = api.delivery_times
    report.too_many_requests = api.too_many_requests
    report.requests = sum(n for (method, _), n in api.call_counts.items() if counted(method))
    report.paid_sends = api.paid_sends
    report.errors = [f"{c.method}: {c.error}" for c in api.errors()][:10]
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report
