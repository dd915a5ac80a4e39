"""A loopback fake of the Telegram Bot API, strict where Telegram is strict.

The real python-telegram-bot stack talks to it over HTTP exactly as it would to
api.telegram.org: form-encoded or multipart requests, JSON answers, long-polled getUpdates.
Tests push updates in (messages, button taps, inline queries) and read what the bot sent.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import math
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakebot.telegram_html import EntityParseError, parse_html
from tests.loopback import serve

TOKEN = "123456789:TEST-token-for-the-fake-bot-api-server"
BOT_ID = 123456789
BOT_USERNAME = "paperboy_test_bot"

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
DOCUMENT_LIMIT = 50 * 1024 * 1024  # what a bot may upload
CALLBACK_DATA_LIMIT = 64
CALLBACK_QUERY_TTL = 15.0  # seconds a callback query may be answered
MAX_INLINE_RESULTS = 50
# sendMessageDraft: Telegram documents no rate; the fake allows one draft a chat every
# DRAFT_SPACING seconds and answers 429 (retry_after DRAFT_RETRY) to a faster one, stricter
# than a client that animates drafts would need. Paperboy drafts once a second.
DRAFT_SPACING = 0.5
DRAFT_RETRY = 2
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Fields PTB sends as raw strings; every other field arrives JSON-encoded.
_RAW_FIELDS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "inline_query_id",
    "next_offset",
    "language_code",
    "url",
    "inline_message_id",
    "switch_pm_text",
    "switch_pm_parameter",
    "description",
    "short_description",
    "name",
}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    """One request the bot made, and how the fake answered it."""

    method: str
    params: dict[str, Any]
    ok: bool
    error: str | None = None
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Sent:
    """A message the bot delivered (or edited), as a user would see it."""

    method: str
    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict[str, Any] | None
    link_preview_options: dict[str, Any] | None
    params: dict[str, Any]

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons() if "callback_data" in b]


@dataclass
class RateLimits:
    """Telegram's published limits, read as strictly as possible: every message, edit and
    inline answer counts, in any sliding 1-second (60-second per group) window, at the moment
    the server handles it. ``None`` turns one off."""

    per_second: int | None = 30
    per_group_minute: int | None = 20
    per_private_second: int | None = None
    paid_per_second: int | None = 1000  # sends with allow_paid_broadcast, counted apart


class FakeBotApi:
    """The fake server. Use ``async with FakeBotApi() as api:``; ``api.url`` is its root."""

    def __init__(
        self,
        token: str = TOKEN,
        limits: RateLimits | None = None,
        admins: dict[int, set[int]] | None = None,
    ) -> None:
        self.token = token
        self.limits = limits or RateLimits()
        self.admins = admins or {}  # chat id -> user ids who are administrators
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.inline_answers: list[dict[str, Any]] = []
        self.drafts: list[dict[str, Any]] = []  # every draft accepted, with its time
        self.drafts_refused = False  # as for a bot Telegram does not let stream drafts
        self.chat_actions: list[tuple[int, str]] = []
        self._last_draft: dict[int, float] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.too_many_requests = 0
        # Failures tests can ask for:
        self.blocked: set[int] = set()  # chats answering 403 (bot blocked / kicked)
        self.webhook: dict[str, Any] | None = None  # set by setWebhook: updates are POSTed
        self.webhook_history: list[dict[str, Any]] = []
        self.webhook_answers: list[int] = []  # the bot's HTTP status for each update POSTed
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self.migrated: dict[int, int] = {}  # group id -> the supergroup it became
        self.server_errors = 0  # the next N sends answer 502
        self.failing_chats: dict[int, int] = {}  # chat id → the next N sends there answer 502
        self.server_error_rate = 0.0  # or this fraction of sends, drawn from a seeded RNG
        self.bad_preview_urls: set[str] = set()  # previews Telegram cannot fetch
        self._rng = random.Random(1234)
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._callback_queries: dict[str, tuple[float, bool]] = {}
        self._inline_queries: dict[str, tuple[float, bool]] = {}
        self._changed = asyncio.Condition()
        self._window: deque[float] = deque()
        self._paid_window: deque[float] = deque()
        self.paid_sends = 0  # sends that asked for allow_paid_broadcast
        # Seconds each answer takes, drawn per request (e.g. (0.02, 0.06)); None: at once.
        self.latency: tuple[float, float] | None = None
        # Light mode for benchmarks: when ``watch`` is set, only those chats' messages are kept
        # whole; for the rest each delivery is a (chat, first URL button) count and a time.
        self.watch: set[int] | None = None
        self.delivered: collections.Counter[tuple[int, str]] = collections.Counter()
        self.delivery_times: list[float] = []
        self.call_counts: collections.Counter[tuple[str, bool]] = collections.Counter()
        self._group_windows: dict[int, deque[float]] = {}
        self._private_windows: dict[int, deque[float]] = {}
        self._runner: web.AppRunner | None = None
        self._polling_closed = False
        self.url = ""

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner, self.url = await serve(app)
        return self

    async def close_polling(self) -> None:
        """Answer every long poll at once from now on, so the bot can stop without waiting."""
        self._polling_closed = True
        await self._notify()

    async def __aexit__(self, *exc: object) -> None:
        self._polling_closed = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests push in ----------------------------------------------------------------

    @staticmethod
    def user(user_id: int, language_code: str | None = "en", first_name: str = "Ada") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private_chat(user: dict) -> dict:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group_chat(chat_id: int, title: str = "Lab", forum: bool = False) -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            chat["is_forum"] = True
        return chat

    @staticmethod
    def channel(chat_id: int, title: str = "Papers") -> dict:
        return {"id": chat_id, "type": "channel", "title": title}

    def push_message(
        self,
        chat: dict,
        user: dict | None,
        text: str,
        thread_id: int | None = None,
        reply_to: Sent | None = None,
    ) -> dict:
        """A user sends ``text``; commands get their bot_command entity as Telegram adds it,
        and a mention of the bot its mention entity.

        ``user`` None is a channel post; ``thread_id`` a message in a forum topic;
        ``reply_to`` a message of the bot's this one replies to (Telegram includes it whole).
        """
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        if user is not None:
            message["from"] = user
        else:
            message["sender_chat"] = chat
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        mention = "@" + BOT_USERNAME
        if mention in text:
            offset = len(text[: text.index(mention)].encode("utf-16-le")) // 2
            entity = {"type": "mention", "offset": offset, "length": len(mention)}
            message.setdefault("entities", []).append(entity)
        if reply_to is not None:
            message["reply_to_message"] = self._messages[(reply_to.chat_id, reply_to.message_id)]
        self._messages[(chat["id"], message["message_id"])] = message
        self._push({"channel_post" if chat["type"] == "channel" else "message": message})
        return message

    def push_member_change(self, chat: dict, user: dict, old: str, new: str) -> None:
        """The bot's own status in ``chat`` changed (added, kicked, blocked)."""
        bot = {**self._bot_user(), "is_bot": True}
        self._push(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": bot},
                    "new_chat_member": {"status": new, "user": bot, "until_date": 0}
                    if new == "kicked"
                    else {"status": new, "user": bot},
                }
            }
        )

    def push_callback(self, sent: Sent, user: dict, data: str) -> str:
        """A user taps a button with ``data`` under a message the bot sent."""
        message = self._messages[(sent.chat_id, sent.message_id)]
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = (time.monotonic(), False)
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": message,
                    "chat_instance": str(sent.chat_id),
                    "data": data,
                }
            }
        )
        return query_id

    def push_inline_query(self, user: dict, query: str, offset: str = "") -> str:
        query_id = str(next(self._query_ids))
        self._inline_queries[query_id] = (time.monotonic(), False)
        self._push(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user,
                    "query": query,
                    "offset": offset,
                    "chat_type": "private",
                }
            }
        )
        return query_id

    def push_raw(self, update: dict[str, Any]) -> None:
        self._push(update)

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        if self.webhook is not None:
            # Webhook mode: Telegram POSTs each update to the bot, with the secret header.
            task = asyncio.get_running_loop().create_task(self._deliver_webhook(update))
            self._webhook_tasks.add(task)
            task.add_done_callback(self._webhook_tasks.discard)
            return
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())

    async def _deliver_webhook(self, update: dict[str, Any]) -> None:
        assert self.webhook is not None
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        url = self.webhook["url"]
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=update, headers=headers) as answer,
        ):
            self.webhook_answers.append(answer.status)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- what tests read out ---------------------------------------------------------------

    def mark(self) -> int:
        """A cursor into ``sent``: pass it as ``after`` to see only what comes next."""
        return len(self.sent)

    async def wait_sent(
        self, chat_id: int | None = None, count: int = 1, after: int = 0, timeout: float = 10.0
    ) -> list[Sent]:
        """Wait until ``count`` messages reached ``chat_id`` after cursor ``after``."""

        def ready() -> list[Sent] | None:
            found = [s for s in self.sent[after:] if chat_id is None or s.chat_id == chat_id]
            return found if len(found) >= count else None

        return await self._wait(ready, timeout, f"{count} message(s) to {chat_id}")

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        return await self._wait(lambda: predicate() or None, timeout, "condition")

    async def _wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while (result := ready()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Bot API: timed out waiting for {what}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue
            return result

    def errors(self) -> list[Call]:
        return [c for c in self.calls if not c.ok]

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        after = 0.0
        if self.latency is not None and method != "getUpdates":
            # The network both ways: the request is handled (and counted) somewhere inside.
            delay = self._rng.uniform(*self.latency)
            before = self._rng.uniform(0, delay)
            after = delay - before
            await asyncio.sleep(before)
        try:
            result = await handler(params)
        except ApiError as error:
            call = Call(method, params, False, error.description)
            self.calls.append(call)
            self.call_counts[(method, False)] += 1
            await self._notify()
            await asyncio.sleep(after)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            return web.json_response(body, status=error.code)
        self.call_counts[(method, True)] += 1
        if self.watch is None or _int_or_raw(params.get("chat_id")) in self.watch:
            self.calls.append(Call(method, params, True, result=result))
        await self._notify()
        await asyncio.sleep(after)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):  # an uploaded file, kept for the test to read
                content = value.file.read()
                params[key] = {
                    "filename": value.filename,
                    "size": len(content),
                    "content": content,
                    "content_type": value.content_type,
                }
                continue
            if key in _RAW_FIELDS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        return params

    # -- rate limits -----------------------------------------------------------------------

    def _check_rate(self, chat_id: int | None, params: dict[str, Any] | None = None) -> None:
        now = time.monotonic()
        checks = []
        paid = bool(params and params.get("allow_paid_broadcast"))
        if paid:
            self.paid_sends += 1
            if self.limits.paid_per_second:
                checks.append((self._paid_window, 1.0, self.limits.paid_per_second))
        elif self.limits.per_second:
            checks.append((self._window, 1.0, self.limits.per_second))
        if chat_id is None:
            pass
        elif chat_id < 0 and self.limits.per_group_minute:
            window = self._group_windows.setdefault(chat_id, deque())
            checks.append((window, 60.0, self.limits.per_group_minute))
        elif chat_id > 0 and self.limits.per_private_second:
            window = self._private_windows.setdefault(chat_id, deque())
            checks.append((window, 1.0, self.limits.per_private_second))
        for window, span, limit in checks:
            while window and window[0] <= now - span:
                window.popleft()
            if len(window) >= limit:
                self.too_many_requests += 1
                retry_after = max(1, math.ceil(window[0] + span - now))
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        for window, _, _ in checks:
            window.append(now)

    # -- validation ------------------------------------------------------------------------

    @staticmethod
    def _parse_text(params: dict[str, Any], key: str, limit: int) -> tuple[str, str]:
        raw = params.get(key)
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: message text is empty")
        raw = str(raw)
        if params.get("parse_mode", "").upper() == "HTML":
            try:
                text = parse_html(raw).text
            except EntityParseError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        else:
            text = raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > limit:
            if key == "caption":
                raise ApiError(400, "Bad Request: message caption is too long")
            raise ApiError(400, "Bad Request: message is too long")
        return raw, text

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if markup is None:
            return
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if rows is None:
            return  # other keyboards are not used by the bot
        if not isinstance(rows, list) or sum(len(r) for r in rows) > 100:
            raise ApiError(400, "Bad Request: reply markup is too long")
        for row in rows:
            if len(row) > 8:
                raise ApiError(400, "Bad Request: too many buttons in a row")
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                actions = [
                    k
                    for k in (
                        "url",
                        "callback_data",
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "login_url",
                        "web_app",
                        "pay",
                    )
                    if k in button
                ]
                if len(actions) != 1:
                    raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
                if "callback_data" in button:
                    data = str(button["callback_data"])
                    if not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).startswith(
                    ("https://", "http://", "tg://")
                ):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    @staticmethod
    def _check_preview(options: Any) -> None:
        if options is None:
            return
        url = options.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: wrong link preview URL")

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        return {"id": chat_id, "type": "supergroup", "title": "Group"}

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Paperboy", "username": BOT_USERNAME}

    # -- Bot API methods -------------------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            self.webhook = None  # setWebhook with an empty url removes it
            return True
        loopback = url.startswith(("http://127.0.0.1", "http://localhost"))
        if not url.startswith("https://") and not loopback:  # loopback: the tests' own server
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret}
        self.webhook_history.append(dict(self.webhook))
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook["url"] if self.webhook else "", "pending_update_count": 0}

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        while self._updates and offset and self._updates[0]["update_id"] < offset:
            self._updates.popleft()  # confirmed by the offset
        if not self._updates and timeout > 0 and not self._polling_closed:
            deadline = time.monotonic() + min(timeout, 2.0)
            async with self._changed:
                while (
                    not self._updates and not self._polling_closed and time.monotonic() < deadline
                ):
                    try:
                        await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                    except TimeoutError:
                        break
        return list(itertools.islice(self._updates, limit))

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if not 1 <= len(commands) <= 100:
            raise ApiError(400, "Bad Request: commands list is empty or too long")
        for command in commands:
            name = command.get("command", "")
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = (params.get("scope") or {}).get("type", "default")
        self.commands[(scope, params.get("language_code", ""))] = commands
        return True

    def _check_failures(self, chat_id: int, params: dict[str, Any]) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if self.server_errors > 0:
            self.server_errors -= 1
            raise ApiError(502, "Bad Gateway")
        if self.failing_chats.get(chat_id, 0) > 0:
            self.failing_chats[chat_id] -= 1
            raise ApiError(502, "Bad Gateway")
        if self.server_error_rate and self._rng.random() < self.server_error_rate:
            raise ApiError(500, "Internal Server Error")
        options = params.get("link_preview_options") or {}
        if not options.get("is_disabled") and options.get("url") in self.bad_preview_urls:
            raise ApiError(400, "Bad Request: WEBPAGE_CURL_FAILED")

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        self._check_failures(chat["id"], params)
        html, text = self._parse_text(params, "text", TEXT_LIMIT)
        self._check_markup(params.get("reply_markup"))
        self._check_preview(params.get("link_preview_options"))
        self._check_rate(chat["id"], params)
        content: dict[str, Any] = {"text": text}
        if params.get("reply_markup"):
            content["reply_markup"] = params["reply_markup"]
        return self._deliver(
            "sendMessage", chat, content, html, text, params, params.get("link_preview_options")
        )

    async def _api_sendMessageDraft(self, params: dict[str, Any]) -> bool:
        """A draft streamed to a private chat: never to a group, a non-zero integer draft
        id, 1-4,096 characters of valid text, and at most one every ``DRAFT_SPACING`` s."""
        chat = self._chat(params.get("chat_id"))
        if chat["type"] != "private":
            raise ApiError(400, "Bad Request: drafts can be sent only to private chats")
        draft_id = params.get("draft_id")
        if not isinstance(draft_id, int) or isinstance(draft_id, bool) or draft_id == 0:
            raise ApiError(400, "Bad Request: draft_id must be a non-zero integer")
        if self.drafts_refused:
            raise ApiError(400, "Bad Request: TEXTDRAFT_PEER_INVALID")
        self._check_failures(chat["id"], params)
        html, text = self._parse_text(params, "text", TEXT_LIMIT)
        now = time.monotonic()
        last = self._last_draft.get(chat["id"])
        if last is not None and now - last < DRAFT_SPACING:
            self.too_many_requests += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {DRAFT_RETRY}", {"retry_after": DRAFT_RETRY}
            )
        self._check_rate(chat["id"], params)
        self._last_draft[chat["id"]] = now
        self.drafts.append(
            {"chat_id": chat["id"], "draft_id": draft_id, "text": text, "html": html, "at": now}
        )
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params.get("chat_id"))
        if params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self.chat_actions.append((chat["id"], params["action"]))
        return True

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        self._check_failures(chat["id"], params)
        photo = params.get("photo")
        if not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        content: dict[str, Any] = {
            "photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]
        }
        return self._with_caption("sendPhoto", chat, content, params)

    def _with_caption(
        self, method: str, chat: dict[str, Any], content: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        """A media message: its optional caption checked (1,024 characters, valid HTML), its
        buttons and the rate, then delivered."""
        html, text = ("", "")
        if params.get("caption"):
            html, text = self._parse_text(params, "caption", CAPTION_LIMIT)
        self._check_markup(params.get("reply_markup"))
        self._check_rate(chat["id"], params)
        if text:
            content["caption"] = text
        return self._deliver(method, chat, content, html, text, params)

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        """A document, as Telegram takes one from a bot: uploaded as a multipart file (a
        string would be a file_id or URL this fake does not know), at most 50 MB, with a
        file name; an optional caption within 1,024 characters."""
        chat = self._chat(params.get("chat_id"))
        self._check_failures(chat["id"], params)
        document = params.get("document")
        if not isinstance(document, dict):
            raise ApiError(400, "Bad Request: wrong remote file identifier specified")
        if document["size"] == 0:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if document["size"] > DOCUMENT_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        if not document.get("filename"):
            raise ApiError(400, "Bad Request: file name is empty")
        content: dict[str, Any] = {
            "document": {
                "file_id": f"d{next(self._message_ids)}",
                "file_unique_id": "ud",
                "file_name": document["filename"],
                "file_size": document["size"],
            }
        }
        return self._with_caption("sendDocument", chat, content, params)

    def _deliver(
        self,
        method: str,
        chat: dict[str, Any],
        content: dict[str, Any],
        html: str,
        text: str,
        params: dict[str, Any],
        preview: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new message from the bot: numbered, kept for edits, and recorded as sent."""
        if self.watch is not None and chat["id"] not in self.watch:
            return self._count(chat, params)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            **content,
        }
        self._messages[(chat["id"], message["message_id"])] = message
        self.sent.append(
            Sent(
                method,
                chat["id"],
                message["message_id"],
                html,
                text,
                params.get("reply_markup"),
                preview,
                params,
            )
        )
        return message

    def _count(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """Light mode: a delivery counted by its chat and first URL button, not kept."""
        buttons = [b for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row if "url" in b]  # fmt: skip
        self.delivered[(chat["id"], buttons[0]["url"] if buttons else "")] += 1
        self.delivery_times.append(time.monotonic())
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": params.get("text", ""),
        }

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        key = (chat_id, params.get("message_id"))
        message = self._messages.get(key)  # type: ignore[arg-type]
        if message is None or message["from"].get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        html, text = self._parse_text(params, "text", TEXT_LIMIT)
        self._check_markup(params.get("reply_markup"))
        self._check_rate(_int_or_raw(chat_id))
        markup = params.get("reply_markup")
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message["text"] = text
        message["reply_markup"] = markup
        self.sent.append(
            Sent(
                "editMessageText",
                chat_id,
                message["message_id"],
                html,
                text,
                markup,
                params.get("link_preview_options"),
                params,
            )
        )
        return message

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self._messages.get(key)  # type: ignore[arg-type]
        if message is None or message["from"].get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        self._check_markup(markup)
        self._check_rate(_int_or_raw(params.get("chat_id")))
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["reply_markup"] = markup
        return message

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id")
        created, answered = self._callback_queries.get(query_id, (0.0, True))
        if answered or time.monotonic() - created > CALLBACK_QUERY_TTL:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._callback_queries[query_id] = (created, True)
        self.callback_answers.append(params)
        return True

    def expire_callback_queries(self) -> None:
        """Make every pending callback query too old to answer, as after a slow bot."""
        for query_id, (_, answered) in list(self._callback_queries.items()):
            self._callback_queries[query_id] = (0.0, answered)

    async def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        query_id = params.get("inline_query_id")
        created, answered = self._inline_queries.get(query_id, (0.0, True))
        if answered:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        results = params.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                self._parse_text(
                    {"text": content["message_text"], "parse_mode": content.get("parse_mode", "")},
                    "text",
                    TEXT_LIMIT,
                )
            self._check_markup(result.get("reply_markup"))
            if not str(result.get("title", "")).strip():
                raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
        self._check_rate(None)
        self._inline_queries[query_id] = (created, True)
        self.inline_answers.append(params)
        return True

    async def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(_int_or_raw(params.get("chat_id")))
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        return chat

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = params.get("chat_id"), params.get("user_id")
        status = "administrator" if user_id in self.admins.get(chat_id, set()) else "member"
        member: dict[str, Any] = {"status": status, "user": self.user(int(user_id or 0))}
        if status == "administrator":
            member.update(
                {
                    key: True
                    for key in (
                        "can_be_edited",
                        "is_anonymous",
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                    )
                }
            )
        return member


def _int_or_raw(value: Any) -> Any:
    """Form values arrive as strings; a chat id is an integer when it reads as one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
