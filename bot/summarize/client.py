"""An OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, vLLM, Ollama), asked for
one JSON object, with Telegram-grade manners: a 429 waits its Retry-After, 5xx answers and
timeouts back off, and every retry is bounded. The API key is sent, never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)

ATTEMPTS = 4  # per request, 429s and failures together
BACKOFF = 2.0  # seconds after the first failure, doubled each time
MAX_WAIT = 120.0  # the longest Retry-After honoured before giving up for now
TIMEOUT = httpx.Timeout(90.0, connect=10.0)  # a long answer takes a while


class EndpointError(Exception):
    """The endpoint gave no usable completion after every attempt (down, refusing, lying)."""


@dataclass(frozen=True)
class Completion:
    content: str
    tokens: int  # prompt and completion, as the endpoint counted them (0 if it did not)


class ChatClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        url: str,
        model: str,
        api_key: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.http = http
        self.endpoint = f"{url.rstrip('/')}/chat/completions"
        self.model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._sleep = sleep
        self._timeout = timeout

    async def complete(self, messages: list[dict[str, str]]) -> Completion:
        """One completion; raises ``EndpointError`` when every attempt failed."""
        body = {
            "model": self.model,
            "messages": messages,
            "response_format": {"type": "json_object"},
            "temperature": 0.2,
        }
        problem = "no attempt made"
        for attempt in range(ATTEMPTS):
            try:
                response = await self.http.post(
                    self.endpoint, json=body, headers=self._headers, timeout=self._timeout
                )
            except httpx.HTTPError as error:  # timeouts and refused connections
                problem = f"{error.__class__.__name__}"
                await self._sleep(BACKOFF * 2**attempt)
                continue
            if response.status_code == 429:
                wait = _retry_after(response, BACKOFF * 2**attempt)
                problem = "HTTP 429"
                if wait > MAX_WAIT:
                    break
                await self._sleep(wait)
                continue
            if response.status_code >= 500:
                problem = f"HTTP {response.status_code}"
                await self._sleep(BACKOFF * 2**attempt)
                continue
            if response.status_code != 200:
                raise EndpointError(f"HTTP {response.status_code}: {response.text[:200]}")
            return _completion(response)
        raise EndpointError(f"{problem} after {ATTEMPTS} attempts")

    async def stream(
        self,
        messages: list[dict[str, str]],
        on_text: Callable[[str], Awaitable[None]],
        first_words: float,
        whole: float,
        most_chars: int,
    ) -> Completion:
        """A completion streamed as server-sent events, ``on_text`` called with the text so
        far as it grows. Within ``first_words`` seconds of the call the first words must
        have come (retries included), and the whole answer within ``whole`` seconds of them;
        the answer is read up to ``most_chars`` characters. An endpoint that does not stream
        (a plain JSON answer) is read whole. Raises ``EndpointError`` when nothing usable
        came in time."""
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0.2,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        loop = asyncio.get_running_loop()
        first_by = loop.time() + first_words
        problem = "no attempt made"
        for attempt in range(ATTEMPTS):
            try:
                async with asyncio.timeout_at(first_by) as deadline:
                    async with self.http.stream(
                        "POST",
                        self.endpoint,
                        json=body,
                        headers=self._headers,
                        timeout=self._timeout,
                    ) as response:
                        if response.status_code == 200:
                            return await _read_stream(
                                response, on_text, deadline, whole, most_chars
                            )
                        await response.aread()
            except TimeoutError:
                raise EndpointError(f"no words within {first_words:.0f} s ({problem})") from None
            except httpx.HTTPError as error:
                problem = error.__class__.__name__
                wait = BACKOFF * 2**attempt
            else:
                problem = f"HTTP {response.status_code}"
                if response.status_code == 429:
                    wait = _retry_after(response, BACKOFF * 2**attempt)
                elif response.status_code >= 500:
                    wait = BACKOFF * 2**attempt
                else:
                    raise EndpointError(f"{problem}: {response.text[:200]}")
            if loop.time() + wait >= first_by:
                raise EndpointError(f"{problem}; retrying would pass {first_words:.0f} s")
            await self._sleep(wait)
        raise EndpointError(f"{problem} after {ATTEMPTS} attempts")


async def _read_stream(
    response: httpx.Response,
    on_text: Callable[[str], Awaitable[None]],
    deadline: asyncio.Timeout,
    whole: float,
    most_chars: int,
) -> Completion:
    """The events of one streamed answer, until [DONE], the end, or ``most_chars``."""
    if "json" in response.headers.get("Content-Type", ""):
        completion = _completion_from(json.loads(await response.aread()))
        await on_text(completion.content[:most_chars])
        return Completion(completion.content[:most_chars], completion.tokens)
    text = ""
    tokens = 0
    started = False
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            break
        try:
            event = json.loads(payload)
        except ValueError:
            raise EndpointError("a streamed event is not JSON") from None
        usage = event.get("usage") if isinstance(event, dict) else None
        if isinstance(usage, dict) and isinstance(usage.get("total_tokens"), int):
            tokens = usage["total_tokens"]
        try:
            delta = event["choices"][0]["delta"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError):
            delta = ""
        if not isinstance(delta, str) or not delta:
            continue
        if not started:
            started = True
            deadline.reschedule(asyncio.get_running_loop().time() + whole)
        text += delta
        if len(text) >= most_chars:
            text = text[:most_chars]
            await on_text(text)
            break
        await on_text(text)
    if not text:
        raise EndpointError("the stream ended without words")
    return Completion(text, tokens)


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:  # an HTTP date: wait the backoff instead
        return default


def _completion(response: httpx.Response) -> Completion:
    """The first choice's text; an answer of another shape is the endpoint lying."""
    try:
        data = response.json()
    except ValueError:
        raise EndpointError("not a chat completion") from None
    return _completion_from(data)


def _completion_from(data: object) -> Completion:
    try:
        content = data["choices"][0]["message"]["content"]  # type: ignore[index]
    except (ValueError, KeyError, IndexError, TypeError):
        raise EndpointError("not a chat completion") from None
    if not isinstance(content, str):
        raise EndpointError("the completion has no text")
    usage = data.get("usage") if isinstance(data, dict) else None
    tokens = usage.get("total_tokens") if isinstance(usage, dict) else None
    return Completion(content, tokens if isinstance(tokens, int) else 0)
