"""The composition root: the one place that builds the Application and wires everything.

``run_bot`` is what ``paperboy run`` calls; ``running`` does the same start and stop sequence
as ``run_polling`` inside an existing event loop, for end-to-end tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.i18n import LANGUAGES, t
from bot.ingest import ingest
from bot.sources import expand_sources
from handlers import errors, inline, papers, search, start
from handlers.common import Services
from storage import chats
from storage import papers as archive
from storage.db import connect

log = logging.getLogger(__name__)

PRIVATE_COMMANDS = ("start", "top", "search", "paper", "digest", "saved", "settings", "help")
GROUP_COMMANDS = ("top", "search", "paper", "digest", "settings", "help")
INGEST_TASK = "paperboy.ingest"


def build_application(settings: Settings) -> Application:
    """The bot, fully wired but not started. Needs ``settings.bot_token``."""
    if not settings.bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the bot")
    application = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # Telegram's limits, with a few retries after a 429 instead of failing the reply.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["settings"] = settings
    _register_handlers(application)
    return application


def _register_handlers(application: Application) -> None:
    # Order matters: commands and known buttons first; the private-chat text search takes any
    # remaining text; the fallbacks (unknown command, expired button) come last.
    start.register(application)
    papers.register(application)
    search.register(application)
    inline.register(application)
    search.register_private_text(application)
    start.register_fallbacks(application)
    errors.register(application)


async def _post_init(application: Application) -> None:
    settings: Settings = application.bot_data["settings"]
    db = await connect(settings.db_path)
    application.bot_data["services"] = Services(settings=settings, db=db)
    await chats.prune_search_sessions(db)
    await _set_commands(application)
    # A plain task, not application.create_task: stopping must not wait for a slow download.
    application.bot_data[INGEST_TASK] = asyncio.create_task(
        _ingest_sources(application), name=INGEST_TASK
    )
    stats = await archive.archive_stats(db)
    log.info(
        "Paperboy ready as @%s: %d papers in %d digests (latest %s), database %s",
        application.bot.username,
        stats.papers,
        stats.digests,
        stats.last_date or "none",
        settings.db_path,
    )


async def _post_shutdown(application: Application) -> None:
    task: asyncio.Task[None] | None = application.bot_data.pop(INGEST_TASK, None)
    if task is not None and not task.done():
        task.cancel()  # each digest is one transaction: a cancelled ingest leaves no half rows
        with contextlib.suppress(asyncio.CancelledError):
            await task
    services: Services | None = application.bot_data.pop("services", None)
    if services is not None:
        await services.db.close()
        log.info("database closed")


async def _set_commands(application: Application) -> None:
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


async def _ingest_sources(application: Application) -> None:
    """Load the configured sources once at start; failures are logged, never fatal."""
    services: Services = application.bot_data["services"]
    inputs = expand_sources(services.settings.sources, dt.datetime.now(dt.UTC).date())
    try:
        report = await ingest(services.db, inputs)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("ingest of %s failed", ", ".join(inputs))
        return
    for issue in report.issues:
        level = logging.INFO if "not found (404)" in issue.message else logging.WARNING
        log.log(level, "ingest: %s", issue)
    log.info(
        "ingest: %d digests read (%d new), %d new papers, %d updated",
        report.digests_read,
        len(report.new_digests),
        report.papers_new,
        report.papers_updated,
    )


def run_bot(settings: Settings) -> None:
    """Long polling until SIGINT/SIGTERM; PTB then stops the updater, the application and
    (in ``post_shutdown``) closes the database."""
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


@asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """``run_polling``'s start and stop sequence, inside the caller's event loop."""
    await application.initialize()
    try:
        await _post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0)
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
        await _post_shutdown(application)
