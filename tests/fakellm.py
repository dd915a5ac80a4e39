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
_ABSTRACT = re.compile(r"^Abstract: (.+)$", re.M)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{4,}")
_COMMON_WORDS = (
    "about above after again against among based because before being below between both "
    "could during each from further have having into itself more most other over same should "
    "such than that their them then there these they this those through under until very "
    "what when where which while whose with within would paper propose proposed present "
    "results show shows using approach method methods novel however"
)
_COMMON = frozenset(_COMMON_WORDS.split())


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


def abstract_summary(prompt: str) -> dict[str, str]:
    """A good Korean answer built from the abstract in ``prompt`` without one of the title's
    words: the terms a model would carry over, in parentheses, as real summaries do."""
    title = {w.lower() for w in _WORD.findall(_TITLE.search(prompt).group(1))}
    abstract = _ABSTRACT.search(prompt).group(1)
    found = [w for w in _WORD.findall(abstract) if w.lower() not in title | _COMMON]
    # What a model carries over: names (capitals inside, digits, hyphens), then long words.
    found.sort(key=lambda w: (not re.search(r".[A-Z0-9-]", w), -len(w)))
    words = list(dict.fromkeys(found))[:9] + ["analysis"] * 9
    return {
        "whats_new": f"이 연구는 {words[0]}({words[1]})의 문제를 다루며, {words[2]}를 중심으로 "
        "기존 연구가 놓친 부분을 새로운 관점에서 다시 살펴봅니다.",
        "technical_details": f"핵심 구성 요소는 {words[3]}와 {words[4]}이며, {words[5]} "
        "과정을 거쳐 각 단계의 결과를 다시 검증하도록 세심하게 설계되었습니다.",
        "performance_highlights": f"여러 실험에서 {words[6]}, {words[7]}, {words[8]} 측면의 "
        "뚜렷한 개선이 확인되었고 효율성도 함께 높아졌습니다.",
    }


ASK_SYSTEM = "You answer a reader's question"
_PASSAGE = re.compile(
    r"^\[(?P<heading>[^\]\n]+)\]\n(?P<text>.+?)(?=\n\n\[|\n\nQuestion: |\Z)", re.M | re.S
)
_QUESTION = re.compile(r"^Question: (.+)$", re.M)
_FIRST_SENTENCE = re.compile(r"^(.{20,300}?[.!?])(?:\s|$)", re.S)


def good_answer(body: dict[str, Any]) -> str:
    """What a careful model answers: a sentence in the reader's language, then a quote of
    the first sentence of the passage sharing most words with the question."""
    system = str(body["messages"][0].get("content", ""))
    prompt = str(body["messages"][1].get("content", ""))
    question = (_QUESTION.search(prompt) or re.match("(.*)", "")).group(1) or ""
    asked = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", question)}
    passages = list(_PASSAGE.finditer(prompt))
    if not passages:
        return "The passages do not say."
    best = max(
        passages,
        key=lambda m: len(asked & {w.lower() for w in re.findall(r"[A-Za-z]{4,}", m["text"])}),
    )
    text = " ".join(best["text"].split())
    sentence = (_FIRST_SENTENCE.match(text) or re.match(r"(.{1,200})", text)).group(1)
    if "Korean" in system:
        prose = f"논문의 {best['heading']} 부분에 따르면 질문에 대한 답은 다음 인용과 같습니다."
    else:
        prose = f"According to {best['heading']}, the paper answers it as quoted below."
    return f"{prose}\n> {sentence}"


def _prompt(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))


class FakeLLM:
    def __init__(self, latency: float = 0.0, from_abstract: bool = False) -> None:
        self.latency = latency
        self.from_abstract = from_abstract  # unscripted papers: answered from the abstract
        self.models = ["fake-model"]
        self.key: str | None = None  # when set, /models wants it as the Bearer token
        self.script: dict[str, deque[Step]] = defaultdict(deque)
        # Query translations (bot/summarize/translate.py), by the Korean query; a query
        # without one is answered with an empty translation, as a model that could not.
        self.translations: dict[str, deque[Step]] = defaultdict(deque)
        # Answers to questions (bot/summarize/ask.py), in order; unscripted: good_answer.
        self.asks: deque[Step] = deque()
        self.first_token = 0.0  # seconds before a streamed answer's first words
        self.tokens_per_second = 0.0  # of a streamed answer; 0: all at once
        self.streams = 0  # streamed answers started
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
        streamed = body.get("stream") is True
        problems = [
            not isinstance(body.get("model"), str) or not body["model"],
            not isinstance(body.get("messages"), list) or not body["messages"],
            # Summaries ask for JSON; a streamed answer is prose, asked with usage reported.
            not streamed and body.get("response_format") != {"type": "json_object"},
            streamed and body.get("stream_options") != {"include_usage": True},
            "stream" in body and not isinstance(body["stream"], bool),
        ]
        if any(problems):
            return web.json_response({"error": "bad request"}, status=400)
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await self._answer(body, request)
        finally:
            self.in_flight -= 1

    async def _answer(self, body: dict[str, Any], request: web.Request) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        if str(body["messages"][0].get("content", "")).startswith(ASK_SYSTEM):
            return await self._ask(body, request)
        title = _title(body)
        steps = self.script.get(title)
        query = _translation_query(body)
        step: Step
        if query is not None:  # a stall, then the next step (or no translation)
            queued = self.translations[query]
            step = queued.popleft() if queued else '{"english": ""}'
            while isinstance(step, Stall):
                await asyncio.sleep(step.seconds)
                step = queued.popleft() if queued else '{"english": ""}'
        elif steps:
            step = steps.popleft()
        elif self.from_abstract:
            step = json.dumps(abstract_summary(_prompt(body)), ensure_ascii=False)
        else:
            step = json.dumps(korean_summary(title or "?"))
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

    async def _ask(self, body: dict[str, Any], request: web.Request) -> web.StreamResponse:
        step = self.asks.popleft() if self.asks else good_answer(body)
        while isinstance(step, Stall):
            await asyncio.sleep(step.seconds)
            step = self.asks.popleft() if self.asks else good_answer(body)
        if isinstance(step, Status):
            return web.Response(status=step.code, headers=step.headers, text=step.body)
        if body.get("stream") is not True:
            return web.json_response(_completion(body, step))
        return await self._stream(step, request)

    async def _stream(self, content: str, request: web.Request) -> web.StreamResponse:
        """``content`` as server-sent events, a token (~4 characters) at a time, after
        ``first_token`` seconds and at ``tokens_per_second``; usage in the last event."""
        self.streams += 1
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await asyncio.sleep(self.first_token)
        pieces = [content[i : i + 4] for i in range(0, len(content), 4)]
        for piece in pieces:
            event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            await response.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
            if self.tokens_per_second:
                await asyncio.sleep(1 / self.tokens_per_second)
        usage = {"prompt_tokens": 900, "completion_tokens": len(pieces)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        await response.write(f"data: {json.dumps({'choices': [], 'usage': usage})}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 300, "completion_tokens": 200, "total_tokens": 500},
    }


def _translation_query(body: dict[str, Any]) -> str | None:
    """The Korean query of a translation request, None for any other request."""
    messages = body.get("messages", [])
    if messages and str(messages[0].get("content", "")).startswith("Translate this search"):
        return str(messages[-1].get("content", ""))
    return None


def _title(body: dict[str, Any]) -> str | None:
    for message in body.get("messages", []):
        found = _TITLE.search(str(message.get("content", "")))
        if found:
            return found.group(1).strip()
    return None
