"""/start (with paper deep links), /help, /settings, and the hint for unknown commands."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.core.i18n import t
from bot.render import callbacks as cb
from bot.render.lists import render_cold_start
from bot.render.menus import render_help, render_start
from handlers.common import Context, answer, language, say, send
from handlers.papers import show_paper_or_best_hit
from storage import chats, ratings

# Deep links allow only [A-Za-z0-9_-]: paper_2406_11230 stands for 2406.11230.
_DEEP_LINK = re.compile(r"^paper[_-](\d{4})[._-](\d{4,5})$")


async def start(update: Update, context: Context) -> None:
    chat = update.effective_chat
    db = context.db
    await chats.register_chat(db, chat.id, chat.type, chat.title or chat.full_name)
    lang = await language(update, context)
    payload = context.args[0] if context.args else ""
    link = _DEEP_LINK.match(payload)
    if link:
        await show_paper_or_best_hit(update, context, f"{link.group(1)}.{link.group(2)}", lang)
        return
    user = update.effective_user
    await send(update, context, render_start(lang, user.first_name if user else ""))
    if chat.type == ChatType.PRIVATE and not await ratings.chat_verdicts(db, chat.id):
        picks = await context.pipeline.cold_start()
        if picks:  # an empty archive has nothing to offer yet
            await send(update, context, render_cold_start(picks, lang))


async def help_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    await send(update, context, render_help(lang, context.bot.username))


async def unknown_command(update: Update, context: Context) -> None:
    """Private chats always get the hint; groups only when the command names this bot."""
    text = update.effective_message.text or ""
    command = text.split(maxsplit=1)[0] if text else ""
    addressed = command.lower().endswith("@" + context.bot.username.lower())
    if update.effective_chat.type != ChatType.PRIVATE and not addressed:
        return
    lang = await language(update, context)
    await say(update, context, lang, "unknown_command")


async def expired_button(update: Update, context: Context) -> None:
    lang = await language(update, context)
    request = cb.decode(update.callback_query.data)
    await answer(
        update.callback_query, None if isinstance(request, cb.Noop) else t(lang, "stale_button")
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))


def register_fallbacks(app: Application) -> None:
    """After every other handler: unknown commands and buttons nothing else took."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(expired_button))
