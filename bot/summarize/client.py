"""An OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, vLLM, Ollama), asked for
one JSON object, with Telegram-grade manners: a 429 waits its Retry-After, 5xx answers and
timeouts back off, and every retry is bounded. The API key is sent, never logged.
"""

from __future__ import annotations

import asyncio
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


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:  # an HTTP date: wait the backoff instead
        return default


def _completion(response: httpx.Response) -> Completion:
    """The first choice's text; an answer of another shape is the endpoint lying."""
    try:
        data = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise EndpointError("not a chat completion") from None
    if not isinstance(content, str):
        raise EndpointError("the completion has no text")
    usage = data.get("usage") if isinstance(data, dict) else None
    tokens = usage.get("total_tokens") if isinstance(usage, dict) else None
    return Completion(content, tokens if isinstance(tokens, int) else 0)
