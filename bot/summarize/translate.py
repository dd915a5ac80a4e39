"""A Korean search in English, by the configured language model: one bounded, cached call.

Most papers arrive English-only, and the sentence encoder carries a Korean description of a
concept to an English abstract only so far (bench.crosslingual: recall@10 0.22 at 20,000
papers). A language model that translates the query closes most of that gap where one is
configured. The search never waits more than ``WAIT`` seconds for it and is never worse
without it: a slow, failing or lying model leaves the Korean search as it was, and the call
goes on in the background (within ``DEADLINE``) so the same query is translated next time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict

from bot.summarize.client import ChatClient, EndpointError

log = logging.getLogger(__name__)

WAIT = 1.5  # seconds a search waits for its translation
DEADLINE = 30.0  # seconds a translation may take in the background, retries included
MAX_QUERY = 300  # characters: a longer query is not translated (a search, not a document)
MAX_ENGLISH = 300  # characters of an answer; a longer one is not a translation of a query
CACHE = 2_000  # queries remembered (their translations, or that the answer was no use)
QUIET = 300.0  # seconds without asking after the endpoint failed: searches do not wait on it
AT_ONCE = 2  # translations asked at a time; the writer's summaries need the endpoint too
_HANGUL = re.compile("[가-힣]")
PROMPT = (
    "Translate this search query for AI research papers from Korean into English. Keep"
    " technical terms as researchers write them in English. Answer with one JSON object:"
    ' {"english": "<the query in English>"}'
)


class QueryTranslator:
    """Korean query → English query, remembered; None when there is none (yet)."""

    def __init__(self, client: ChatClient, wait: float = WAIT, deadline: float = DEADLINE):
        self._client = client
        self._wait = wait
        self._deadline = deadline
        self._known: OrderedDict[str, str | None] = OrderedDict()
        self._asking: dict[str, asyncio.Task[str | None]] = {}
        self._turns = asyncio.Semaphore(AT_ONCE)
        self._quiet_until = 0.0

    async def english(self, text: str) -> str | None:
        """The English of a Korean ``text``, waiting at most ``wait`` seconds; None when the
        text is not Korean or too long, no translation came in time, or the endpoint failed
        lately (then without waiting)."""
        key = " ".join(text.split())
        if not _HANGUL.search(key) or len(key) > MAX_QUERY:
            return None
        if key in self._known:
            self._known.move_to_end(key)
            return self._known[key]
        task = self._asking.get(key)
        if task is None:
            if asyncio.get_running_loop().time() < self._quiet_until:
                return None
            task = asyncio.ensure_future(self._ask(key))
            self._asking[key] = task
            task.add_done_callback(lambda _, key=key: self._asking.pop(key, None))
        try:
            return await asyncio.wait_for(asyncio.shield(task), self._wait)
        except TimeoutError:
            return None

    def remembered(self, text: str) -> str | None:
        """The English of ``text`` if it was translated before; never asks (inline mode: a
        query per keystroke must not each cost a model call or a wait)."""
        return self._known.get(" ".join(text.split()))

    async def _ask(self, key: str) -> str | None:
        try:
            async with asyncio.timeout(self._deadline), self._turns:
                completion = await self._client.complete(
                    [{"role": "system", "content": PROMPT}, {"role": "user", "content": key}]
                )
        except (EndpointError, TimeoutError) as error:
            # Down or overloaded: not remembered for this query (it may work later), and no
            # search waits on the endpoint for a while.
            log.info("query translation failed: %s; not asking for %.0f s", error, QUIET)
            self._quiet_until = asyncio.get_running_loop().time() + QUIET
            return None
        english = _answer(completion.content)
        if english is None:
            log.info("query translation: the answer was not a translation")
        self._remember(key, english)
        return english

    def _remember(self, key: str, english: str | None) -> None:
        self._known[key] = english
        while len(self._known) > CACHE:
            self._known.popitem(last=False)


def _answer(content: str) -> str | None:
    """The English of an answer, or None when it is not one: not JSON, no text, Korean
    still in it, or longer than a query."""
    if len(content) > 4 * MAX_ENGLISH:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    english = data.get("english") if isinstance(data, dict) else None
    if not isinstance(english, str):
        return None
    english = " ".join(english.split())
    if not english or len(english) > MAX_ENGLISH or _HANGUL.search(english):
        return None
    return english
