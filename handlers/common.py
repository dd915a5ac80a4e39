"""What every handler needs: the typed context, the pipeline, the chat's language, and
sending or editing a ``Reply``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackContext, CallbackQueryHandler, ExtBot

from bot.core.i18n import Lang, lang_from_code, t
from bot.deliver.bot_api import keyboard, preview, says, send_reply
from bot.pipeline import BotData, Pipeline
from bot.render import callbacks as cb
from bot.render.reply import Reply, render_text
from storage import chats
from storage.db import Database

log = logging.getLogger(__name__)

ButtonT = TypeVar("ButtonT", bound=cb.Callback)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every handler gets (``ContextTypes(context=Context)``): PTB's, with a
    typed ``bot_data`` and the running pipeline at hand."""

    @property
    def pipeline(self) -> Pipeline:
        return self.bot_data.running

    @property
    def db(self) -> Database:
        return self.bot_data.running.db


async def language(update: Update, context: Context) -> Lang:
    """The chat's chosen language, else the user's Telegram client language."""
    chat = update.effective_chat
    if chat is not None:
        chosen = await chats.chat_language(context.db, chat.id)
        if chosen is not None:
            return chosen
    user = update.effective_user
    return lang_from_code(user.language_code if user else None)


async def send(update: Update, context: Context, reply: Reply) -> Message:
    """Send ``reply`` to the chat of ``update`` (into the same forum topic, if any)."""
    chat = update.effective_chat
    assert chat is not None
    thread = update.effective_message.message_thread_id if update.effective_message else None
    return await send_reply(
        context.bot, chat.id, reply, thread_id=thread if chat.is_forum else None
    )


async def edit(query: CallbackQuery, reply: Reply, only_keyboard: bool = False) -> None:
    """Replace the message a button sat under (or only its buttons); an unchanged message
    is not an error."""
    try:
        if only_keyboard:
            await query.edit_message_reply_markup(reply_markup=keyboard(reply))
        else:
            await query.edit_message_text(
                text=reply.text, reply_markup=keyboard(reply), link_preview_options=preview(reply)
            )
    except BadRequest as error:
        if not says(error, "message is not modified"):
            raise


async def button_chat(update: Update, lang: Lang) -> int | None:
    """The chat a tapped button sits in; None, with the tap answered as expired, for a
    shared inline message, which belongs to no chat."""
    if update.effective_chat is None:
        await answer(update.callback_query, t(lang, "stale_button"))
        return None
    return update.effective_chat.id


async def answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button tap; one answered too late (Telegram's 15 s) is only logged."""
    try:
        await query.answer(text)
    except BadRequest as error:
        if not says(error, "query is too old"):
            raise
        log.info("callback query %s answered too late", query.id)


def command_args(context: Context) -> str:
    return " ".join(context.args or []).strip()


async def say(update: Update, context: Context, lang: Lang, key: str, **values: object) -> None:
    """Send one plain line from the catalogue."""
    await send(update, context, render_text(t(lang, key, **values)))


async def argument(update: Update, context: Context, lang: Lang, usage: str) -> str | None:
    """The command's argument text; when there is none, the usage line is sent instead."""
    text = command_args(context)
    if not text:
        await say(update, context, lang, usage)
    return text or None


class _ButtonHandler(CallbackQueryHandler):  # type: ignore[type-arg]
    """A CallbackQueryHandler that takes a tap only when its data decodes to ``kind``.

    PTB's own pattern check lets a tap with empty data through to any handler with a
    pattern (it treats "no data" as "not mine to judge"): forged empty data reached a
    handler that expected a topic. Here empty, unknown or malformed data is never ours, and
    falls through to ``expired_button``'s "this button no longer works".
    """

    def __init__(self, kind: type[object], callback: Callable[..., Awaitable[None]]) -> None:
        super().__init__(callback)
        self.kind = kind

    def check_update(self, update: object) -> bool | None:
        if not (isinstance(update, Update) and update.callback_query):
            return None
        return isinstance(cb.decode(update.callback_query.data), self.kind)


def on_button(
    kind: type[ButtonT], callback: Callable[[Update, Context, ButtonT], Awaitable[None]]
) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """A handler for one kind of button, given its decoded data: data that does not decode to
    ``kind`` (forged, empty, or from an old version) never reaches ``callback``."""

    async def run(update: Update, context: Context) -> None:
        request = cb.decode(update.callback_query.data)
        if not isinstance(request, kind):  # checked by the handler already; never trusted
            await answer(update.callback_query, t(await language(update, context), "stale_button"))
            return
        await callback(update, context, request)

    return _ButtonHandler(kind, run)


async def note_loading(update: Update, context: Context, lang: Lang) -> None:
    """While the first backfill runs, answers may miss papers: say how far it is."""
    percent = context.pipeline.loading_percent
    if percent is not None:
        await say(update, context, lang, "archive.loading", percent=percent)
