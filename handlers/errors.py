"""The one place unexpected errors end: logged with the update, one kind line to the user."""

from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.ext import Application

from bot.core.i18n import lang_from_code, t
from handlers.common import Context, answer

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    payload = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error(
        "handler failed on update %s",
        json.dumps(payload, ensure_ascii=False, default=str)[:4000],
        exc_info=context.error,
    )
    if not isinstance(update, Update):
        return
    user = update.effective_user
    lang = lang_from_code(user.language_code if user else None)
    try:
        if update.callback_query is not None:
            await answer(update.callback_query, t(lang, "error"))
        elif update.effective_chat is not None and update.effective_message is not None:
            await context.bot.send_message(
                update.effective_chat.id, t(lang, "error"), parse_mode=None
            )
    except Exception:  # the apology itself failed (Telegram down?): the log has the story
        log.warning("could not tell the user about the error", exc_info=True)


def register(app: Application) -> None:
    app.add_error_handler(on_error)
