"""The composition root: the one place that builds the Application and wires everything.

``run_bot`` is what ``paperboy run`` calls; ``running`` does the same start and stop sequence
as ``run_polling`` inside an existing event loop, for end-to-end tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
    ExtBot,
)

from bot.core import transliteration
from bot.core.clock import Clock
from bot.core.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.core.i18n import LANGUAGES, t
from bot.core.settings import HF_API_SOURCE, Settings
from bot.deliver.budget import FREE_PER_SECOND, Budget, BudgetLimits
from bot.deliver.sender import WORKERS, Holds, Sender
from bot.deliver.transport import AiohttpRequest
from bot.pipeline import (
    BACKFILL_TASK,
    FIRST_POLL_TASK,
    RECAP_TASK,
    SEMANTIC_TASK,
    SENDER_TASK,
    BotData,
    Pipeline,
)
from bot.source.reader import new_client
from bot.summarize.client import ChatClient
from bot.understand.embedder import load_embedder
from bot.understand.foryou import ForYou
from bot.understand.semantic import Semantic
from handlers import (
    admin,
    ask,
    errors,
    follows,
    foryou,
    inline,
    membership,
    papers,
    search,
    start,
    subscriptions,
)
from handlers.common import Context
from storage import archive
from storage import search as search_sessions
from storage.db import connect

log = logging.getLogger(__name__)

# The Application with typed bot_data: handlers and jobs read ``context.bot_data.running``.
Paperboy = Application[ExtBot[None], CallbackContext, dict, dict, BotData, object]  # type: ignore[type-arg]

POLL_JOB = "paperboy.poll"
VOTES_JOB = "paperboy.votes"
VOTE_REFRESH_SECONDS = 3600
RECAP_JOB = "paperboy.recaps"
RECAP_SECONDS = 60  # weekly recaps due are sent within a minute of their hour


def build_application(
    settings: Settings,
    clock: Clock | None = None,
    budget: Budget | None = None,
    transports: tuple[AiohttpRequest, AiohttpRequest] | None = None,
) -> Paperboy:
    """The bot, fully wired but not started. Needs ``settings.bot_token``.

    ``clock`` and ``budget`` are for tests and benchmarks that control time and rates;
    ``transports`` (requests, long polling) for ``run_bot``, which closes them itself.
    """
    if not settings.bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the bot")
    budget = budget or Budget(budget_limits(settings))
    transports = transports or (
        AiohttpRequest(connection_pool_size=256),
        AiohttpRequest(connection_pool_size=1),
    )
    application = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        # aiohttp, not httpx: a tenth of the CPU per request (bot/deliver/transport.py).
        .request(transports[0])
        .get_updates_request(transports[1])
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        # One budget for every message: replies first, broadcasts yield (bot/deliver/budget.py).
        .rate_limiter(budget)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.settings = settings
    application.bot_data.budget = budget
    if clock is not None:
        application.bot_data.clock = clock
    _register_handlers(application)
    return application


def budget_limits(settings: Settings) -> BudgetLimits:
    """Free messages at ``send_rate`` (at most 30); with paid broadcasts, replies keep the free
    30 a second and deliveries go at ``send_rate``, up to 1,000."""
    if settings.paid_broadcast:
        return BudgetLimits(
            per_second=FREE_PER_SECOND,
            per_group_minute=settings.group_send_rate,
            paid_per_second=settings.send_rate,
        )
    return BudgetLimits(per_second=settings.send_rate, per_group_minute=settings.group_send_rate)


def sender_workers(settings: Settings) -> int:
    """Chats served at once: enough sends in flight to fill the rate when each takes up to
    ~100 ms to answer (8 at the free 30/s, 100 at 1,000/s)."""
    return max(WORKERS, math.ceil(settings.send_rate / 10))


def _register_handlers(application: Paperboy) -> None:
    # Order matters: admin commands first (they answer "unknown" to non-admins), then the
    # commands and known buttons; the private-chat text search takes any remaining text;
    # the fallbacks (unknown command, expired button) come last.
    admin.register(application)
    start.register(application)
    subscriptions.register(application)
    follows.register(application)
    papers.register(application)
    foryou.register(application)
    search.register(application)
    ask.register(application)  # before private text: a reply to a card is a question
    inline.register(application)
    membership.register(application)
    search.register_private_text(application)
    start.register_fallbacks(application)
    errors.register(application)


async def _post_init(application: Paperboy) -> None:
    data = application.bot_data
    settings, clock = data.settings, data.clock
    db = await connect(settings.db_path)
    sender = Sender(
        application.bot,
        db,
        clock,
        data.budget,
        workers=sender_workers(settings),
        holds=Holds(settings.summary_languages),
        similar=settings.semantic,
        paid=settings.paid_broadcast,
    )
    http = new_client()
    writer = None
    if settings.llm_url is None:
        log.info("no PAPERBOY_LLM_URL: cards show the digests' summaries, else the HF AI summary")
    else:
        writer = ChatClient(http, settings.llm_url, settings.llm_model, settings.llm_api_key)
        log.info("summaries in %s by %s", ",".join(settings.summary_languages), writer.model)
    pipeline = Pipeline(settings, db, clock, sender, http, writer)
    data.pipeline = pipeline
    await search_sessions.prune_search_sessions(db)
    await _set_commands(application)
    # Hangul loanwords' sound index built now (a tenth of a second), not in a reader's search.
    await asyncio.to_thread(transliteration.warm)
    # The pipeline's tasks, not application.create_task: stopping must not wait for a
    # broadcast. The first poll right away, as a task: a job with first=0 added before the
    # scheduler starts would have its start time in the past, and APScheduler would wait.
    pipeline.tasks.start(SENDER_TASK, sender.run())
    pipeline.tasks.start(FIRST_POLL_TASK, _logged("first poll", pipeline.poll_now()))
    pipeline.tasks.start(BACKFILL_TASK, _logged("backfill", pipeline.backfill_if_empty()))
    pipeline.tasks.start(
        RECAP_TASK, _logged("weekly recaps", pipeline.send_recaps(application.bot))
    )
    if settings.semantic:
        pipeline.tasks.start(SEMANTIC_TASK, _logged("semantic search", _start_semantic(pipeline)))
    else:
        log.info("PAPERBOY_SEMANTIC=off: search matches words alone")
    assert application.job_queue is not None
    _every(application, _poll_job, settings.poll_interval, POLL_JOB)
    _every(application, _recap_job, RECAP_SECONDS, RECAP_JOB)
    if HF_API_SOURCE in settings.sources:
        _every(application, _votes_job, VOTE_REFRESH_SECONDS, VOTES_JOB)
    stats = await archive.archive_stats(db)
    log.info(
        "Paperboy ready as @%s: %d papers in %d digests (latest %s), database %s",
        application.bot.username,
        stats.papers,
        stats.digests,
        stats.last_date or "none",
        settings.db_path,
    )


async def _start_semantic(pipeline: Pipeline) -> None:
    """Load the embedding model and the stored vectors, then catch up: in the background,
    so the bot answers (by words) meanwhile."""
    embedder = await asyncio.to_thread(load_embedder)
    if embedder is None:
        return  # load_embedder logged why; search stays full-text
    semantic = Semantic(pipeline.db, embedder)
    loaded = await semantic.load()
    # The glosses' English words embedded now (about 2 s), not in a reader's first search.
    await asyncio.to_thread(semantic.glosser.warm)
    pipeline.semantic = semantic
    pipeline.foryou = ForYou(pipeline.db, semantic)
    log.info("semantic search on (%s): %d papers indexed", embedder.model, loaded)
    pipeline.start_indexing()


async def _logged(what: str, run: Awaitable[object]) -> None:
    """A poll or a vote refresh outside any update: a failure is logged, the next run retries."""
    try:
        await run
    except Exception:
        log.exception("%s failed; the next run tries again", what)


async def _poll_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    await _logged("poll", context.bot_data.running.poll_now())


def _every(
    application: Paperboy,
    job: Callable[[CallbackContext], Coroutine[Any, Any, None]],  # type: ignore[type-arg]
    seconds: float,
    name: str,
) -> None:
    """``job`` every ``seconds``, the first after one interval. APScheduler skips a run more
    than 1 s late by default: a busy loop must not lose runs, and late runs must not pile
    up."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        job,
        interval=seconds,
        first=seconds,
        name=name,
        job_kwargs={"misfire_grace_time": seconds, "coalesce": True},
    )


async def _votes_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    await _logged("vote refresh", context.bot_data.running.refresh_votes())


async def _recap_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    await _logged("weekly recaps", context.bot_data.running.send_recaps(context.bot))


async def _post_shutdown(application: Paperboy) -> None:
    pipeline, application.bot_data.pipeline = application.bot_data.pipeline, None
    if pipeline is not None:
        await pipeline.aclose()
        log.info("database closed")


async def _set_commands(application: Paperboy) -> None:
    """Command menus per scope, in English by default and in Korean for Korean clients."""
    scopes = (
        (BotCommandScopeDefault(), PRIVATE_COMMANDS),
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    )
    for lang in LANGUAGES:
        for scope, names in scopes:
            await application.bot.set_my_commands(
                [BotCommand(name, t(lang, f"cmd.{name}")) for name in names],
                scope=scope,
                language_code=None if lang == "en" else lang,
            )


class StartFailed(Exception):
    """The bot could not start: Telegram unreachable or the token refused. The message is
    one line for the operator, and never holds the token."""


def run_bot(settings: Settings) -> None:
    """Long polling (or the webhook server, with ``PAPERBOY_WEBHOOK_URL``) until
    SIGINT/SIGTERM; PTB then stops the updater and the application, and ``post_shutdown``
    stops the sender and closes the database. Stopping leaves a webhook set: updates that
    arrive meanwhile wait at Telegram instead of being lost. Raises ``StartFailed`` when
    Telegram cannot be reached or refuses the token (before: a 201-line double traceback,
    or the token itself in the log)."""
    transports = (AiohttpRequest(connection_pool_size=256), AiohttpRequest(connection_pool_size=1))
    application = build_application(settings, transports=transports)
    try:
        if settings.webhook_url is None:
            application.run_polling(
                allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, close_loop=False
            )
        else:
            host, port = settings.webhook_listen
            log.info("webhook mode: %s, listening on %s:%d", settings.webhook_url, host, port)
            application.run_webhook(**_webhook_arguments(settings), close_loop=False)
    except InvalidToken:  # PTB's message quotes the token: never shown
        raise StartFailed(
            "Telegram refused the token (401 Unauthorized): it was revoked or mistyped; get a"
            " new one from @BotFather and set TELEGRAM_BOT_TOKEN"
        ) from None
    except (NetworkError, TimedOut) as error:
        reason = redact(str(error), settings.bot_token).splitlines()[0][:160]
        raise StartFailed(
            f"cannot reach Telegram at {settings.api_url} ({reason}); check the network (or"
            " TELEGRAM_API_URL) and run again"
        ) from None
    finally:  # a failed start leaves PTB's sessions open: close them, then the loop
        loop = asyncio.get_event_loop()
        loop.run_until_complete(asyncio.gather(*(t.shutdown() for t in transports)))
        loop.close()


def redact(text: str, token: str | None) -> str:
    """``text`` with the bot token (and its secret half alone) replaced by ``<token>``."""
    if not token:
        return text
    secret = token.split(":", 1)[-1]
    return text.replace(token, "<token>").replace(secret, "<token>") if secret else text


class TokenFilter(logging.Filter):
    """Every log record, its arguments and its traceback with the token redacted; PTB's own
    bootstrap failure record dropped (``run`` says it in one line)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and record.getMessage().startswith(
            "Network Retry Loop (Bootstrap"
        ):
            return False
        if not self._token:
            return True
        record.msg = redact(record.getMessage(), self._token)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._token)
        return True


def _webhook_arguments(settings: Settings) -> dict[str, object]:
    """``start_webhook``'s arguments: the URL path the server answers on is the public URL's
    path, and the secret Telegram sends with each update (requests without it get 403)."""
    assert settings.webhook_url is not None
    host, port = settings.webhook_listen
    return {
        "listen": host,
        "port": port,
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret or secrets.token_urlsafe(32),
        "allowed_updates": Update.ALL_TYPES,
        "drop_pending_updates": False,
    }


@asynccontextmanager
async def running(application: Paperboy) -> AsyncIterator[Paperboy]:
    """``run_polling``'s (or ``run_webhook``'s) start and stop sequence, inside the caller's
    event loop."""
    await application.initialize()
    try:
        await _post_init(application)
        assert application.updater is not None
        settings = application.bot_data.settings
        if settings.webhook_url is None:
            await application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, poll_interval=0
            )
        else:
            await application.updater.start_webhook(**_webhook_arguments(settings))  # type: ignore[arg-type]
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
        await _post_shutdown(application)
