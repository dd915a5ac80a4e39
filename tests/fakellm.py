"""A loopback OpenAI-compatible chat-completions server, strict and hostile on request.

It checks what a real endpoint checks (POST, JSON body, a model, messages, a JSON response
format), records every request, and answers each paper (found by the title in the prompt)
from a script: an HTTP status with headers, a stall past the client's timeout, or a
completion's content. Papers without a script get a good Korean summary of themselves.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.loopback import serve

_TITLE = re.compile(r"^Title: (.+)$", re.M)


@dataclass(frozen=True)
class Status:
    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"error": {"message": "try later"}}'


@dataclass(frozen=True)
class Stall:
    seconds: float


Step = Status | Stall | str  # a str is the completion's content


def korean_summary(title: str, extra: str = "") -> dict[str, str]:
    """A fluent Korean answer about ``title`` that passes the check."""
    return {
        "whats_new": f"이 논문은 새로운 방법({title})을 제안하며 기존 연구의 한계를 "
        f"해결합니다.{extra}",
        "technical_details": "제안하는 방법은 여러 단계로 구성되며 학습과 추론을 모두 "
        "개선하도록 설계되었고, 각 단계는 이전 단계의 결과를 다시 검증합니다.",
        "performance_highlights": "여러 벤치마크에서 기존 최고 성능보다 뛰어난 결과를 보였으며 "
        "효율성도 크게 향상되었습니다.",
    }


class FakeLLM:
    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.models = ["fake-model"]
        self.key: str | None = None  # when set, /models wants it as the Bearer token
        self.script: dict[str, deque[Step]] = defaultdict(deque)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.url = ""
        self.in_flight = self.peak = 0  # requests being answered at once, and the most seen
        self._runner: web.AppRunner | None = None

    def answer(self, title: str, *steps: Step) -> None:
        self.script[title].extend(steps)

    def asked(self, title: str) -> int:
        return sum(1 for r in self.requests if _title(r) == title)

    async def __aenter__(self) -> FakeLLM:
        app = web.Application()
        app.router.add_route("*", "/v1/chat/completions", self._complete)
        app.router.add_get("/v1/models", self._models)
        self._runner, root = await serve(app)
        self.url = f"{root}/v1"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _models(self, request: web.Request) -> web.StreamResponse:
        """The models this endpoint serves, as OpenAI lists them; a wrong key is refused."""
        if self.key is not None and request.headers.get("Authorization") != f"Bearer {self.key}":
            return web.json_response({"error": {"message": "invalid api key"}}, status=401)
        return web.json_response({"object": "list", "data": [{"id": m} for m in self.models]})

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return web.json_response({"error": "method not allowed"}, status=405)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "body is not JSON"}, status=400)
        problems = [
            not isinstance(body.get("model"), str) or not body["model"],
            not isinstance(body.get("messages"), list) or not body["messages"],
            body.get("response_format") != {"type": "json_object"},
        ]
        if any(problems):
            return web.json_response({"error": "bad request"}, status=400)
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await self._answer(body)
        finally:
            self.in_flight -= 1

    async def _answer(self, body: dict[str, Any]) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        title = _title(body)
        steps = self.script.get(title)
        step: Step = steps.popleft() if steps else json.dumps(korean_summary(title or "?"))
        if isinstance(step, Status):
            return web.Response(status=step.code, headers=step.headers, text=step.body)
        if isinstance(step, Stall):
            await asyncio.sleep(step.seconds)
            step = json.dumps(korean_summary(title or "?"))
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": step}}],
                "usage": {"prompt_tokens": 300, "completion_tokens": 200, "total_tokens": 500},
            }
        )


def _title(body: dict[str, Any]) -> str | None:
    for message in body.get("messages", []):
        found = _TITLE.search(str(message.get("content", "")))
        if found:
            return found.group(1).strip()
    return None
