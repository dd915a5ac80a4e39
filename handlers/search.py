"""/search with page buttons, and plain messages in a private chat treated as a search."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.core.arxiv import parse_arxiv_ref
from bot.core.i18n import Lang, t
from bot.core.limits import ECHO_CHARS, MAX_QUERY, SEARCH_PAGE
from bot.core.user_text import clean
from bot.render import callbacks as cb
from bot.render.html import shorten
from bot.render.lists import render_search_page
from bot.render.reply import Reply
from handlers.common import (
    Context,
    answer,
    argument,
    edit,
    language,
    note_loading,
    on_button,
    say,
    send,
)
from handlers.papers import show_paper_or_best_hit
from storage import search as search_sessions


async def search_reply(context: Context, query: str, page: int, lang: Lang) -> Reply | None:
    """The page of results for ``query``, or None when nothing matches."""
    db = context.db
    results = await context.pipeline.search(query, limit=SEARCH_PAGE, offset=page * SEARCH_PAGE)
    if not results.hits:
        return None
    session = await search_sessions.search_session(db, query)
    return render_search_page(
        query, results.hits, results.total, page, SEARCH_PAGE, session, lang, results.matches
    )


async def run_search(update: Update, context: Context, query: str, lang: Lang) -> None:
    query = clean(query)
    if len(query) > MAX_QUERY:  # refused before a search session stores it
        await say(update, context, lang, "search.too_long", limit=MAX_QUERY)
        return
    await note_loading(update, context, lang)
    reply = await search_reply(context, query, 0, lang)
    if reply is None:
        await say(update, context, lang, "search.none", query=shorten(query, ECHO_CHARS))
        return
    await send(update, context, reply)


async def search_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    if query := await argument(update, context, lang, "search.usage"):
        await run_search(update, context, query, lang)


async def private_text(update: Update, context: Context) -> None:
    """Anything typed in a private chat: an arXiv id or link opens the card, else a search."""
    lang = await language(update, context)
    text = (update.effective_message.text or "").strip()
    if not text:
        return
    if parse_arxiv_ref(text) is not None:
        await show_paper_or_best_hit(update, context, text, lang)
        return
    await run_search(update, context, text, lang)


async def turn_page(update: Update, context: Context, request: cb.SearchPage) -> None:
    query = update.callback_query
    lang = await language(update, context)
    text = await search_sessions.search_session_query(context.db, request.session_id)
    reply = await search_reply(context, text, request.page, lang) if text else None
    if reply is None:
        await answer(query, t(lang, "stale_button"))
        return
    await answer(query)
    await edit(query, reply)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("search", search_command))
    app.add_handler(on_button(cb.SearchPage, turn_page))


def register_private_text(app: Application) -> None:
    """Registered last among message handlers: it takes every non-command private text."""
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, private_text)
    )
