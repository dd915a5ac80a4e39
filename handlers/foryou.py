"""/foryou [week|month] and its page buttons: the chat's best unrated papers of a period,
ranked by what its 👍/👎 taught (bot/understand/foryou.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.core.i18n import Lang
from bot.core.limits import FORYOU_PAGE
from bot.render import callbacks as cb
from bot.render.lists import render_foryou_page
from bot.render.reply import Reply
from handlers.common import (
    Context,
    answer,
    button_chat,
    command_args,
    edit,
    language,
    on_button,
    say,
    send,
)

# What a user may type after /foryou, Korean included.
_PERIODS = {"": "week", "week": "week", "month": "month", "주": "week", "달": "month"}


async def foryou(update: Update, context: Context) -> None:
    lang = await language(update, context)
    period = _PERIODS.get(command_args(context).strip().lower())
    if period is None:
        await say(update, context, lang, "foryou.usage")
        return
    page = await _page(context, update.effective_chat.id, lang, period, 0)
    if isinstance(page, Reply):
        await send(update, context, page)
    else:
        await say(update, context, lang, page)


async def foryou_page(update: Update, context: Context, request: cb.ForYouPage) -> None:
    query = update.callback_query
    lang = await language(update, context)
    if (chat_id := await button_chat(update, lang)) is None:
        return
    page = await _page(context, chat_id, lang, request.period, request.page)
    if isinstance(page, Reply):
        await answer(query)
        await edit(query, page)
    else:
        await answer(query, None)
        await say(update, context, lang, page)


async def _page(context: Context, chat_id: int, lang: Lang, period: str, page: int) -> Reply | str:
    """The page, or the message key saying why there is none."""
    pipeline = context.pipeline
    if pipeline.foryou is None:
        return "foryou.unavailable"
    picks = await pipeline.foryou.picks(chat_id, period, pipeline.clock.now())
    if picks is None:
        return "foryou.no_ratings"
    if not picks:
        return "foryou.none"
    pages = -(-len(picks) // FORYOU_PAGE)
    page = min(page, pages - 1)
    chunk = picks[page * FORYOU_PAGE : (page + 1) * FORYOU_PAGE]
    shown = [(p.paper, p.liked.title if p.liked else None, p.topic) for p in chunk]
    return render_foryou_page(shown, page, pages, period, lang)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("foryou", foryou))
    app.add_handler(on_button(cb.ForYouPage, foryou_page))
