"""/top, /paper, /digest, /saved and the buttons that open, rate, save and relate paper
cards."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler

from bot.core.arxiv import parse_arxiv_ref
from bot.core.commands import ArgumentError, parse_date, parse_top_args
from bot.core.i18n import LANGUAGES, Lang, t
from bot.core.limits import DOCUMENT_BYTES, ECHO_CHARS, MAX_QUERY
from bot.core.models import Paper
from bot.core.user_text import clean
from bot.deliver.bot_api import says
from bot.render import callbacks as cb
from bot.render.cards import render_card
from bot.render.citation import bib_documents, citation_reply
from bot.render.html import shorten
from bot.render.lists import period_label, render_paper_list
from bot.render.reply import Button
from handlers.common import (
    Context,
    answer,
    argument,
    button_chat,
    command_args,
    edit,
    language,
    note_loading,
    on_button,
    say,
    send,
)
from storage import archive, bookmarks, ratings, summaries


async def send_card(update: Update, context: Context, paper: Paper, lang: Lang) -> None:
    user = update.effective_user
    db = context.db
    saved = await bookmarks.is_bookmarked(db, user.id, paper.arxiv_id) if user else False
    tally = await ratings.tally(
        db, update.effective_chat.id, paper.arxiv_id, user.id if user else None
    )
    paper = await summaries.as_read(db, paper, lang)
    similar = context.pipeline.settings.semantic
    await send(update, context, render_card(paper, lang, saved, similar, tally))


async def _refresh_buttons(update: Update, context: Context, lang: Lang, arxiv_id: str) -> None:
    """Redraw a card's buttons after a tap: the chat's 👍/👎 counts, and the save state of
    whoever tapped last."""
    query = update.callback_query
    found = await archive.get_paper(context.db, arxiv_id)
    if found is None or query.message is None or update.effective_chat is None:
        return
    user_id = query.from_user.id
    saved = await bookmarks.is_bookmarked(context.db, user_id, arxiv_id)
    tally = await ratings.tally(context.db, update.effective_chat.id, arxiv_id, user_id)
    similar = context.pipeline.settings.semantic
    await edit(query, render_card(found, lang, saved, similar, tally), only_keyboard=True)


async def top(update: Update, context: Context) -> None:
    lang = await language(update, context)
    await note_loading(update, context, lang)
    db = context.db
    try:
        request = parse_top_args(context.args or [])
    except ArgumentError:
        await say(update, context, lang, "top.usage")
        return
    if request.period == "rising":
        since = context.pipeline.clock.now() - dt.timedelta(hours=24)
        rising = await archive.rising_papers(db, since, request.count)
        if not rising:
            await say(update, context, lang, "top.rising_none")
            return
        title = "🚀 " + t(lang, "top.rising_title", count=len(rising))
        papers = [paper for paper, _ in rising]
        for reply in render_paper_list(title, papers, lang, growth=[g for _, g in rising]):
            await send(update, context, reply)
        return
    latest = await archive.latest_digest_date(db)
    if latest is None:
        await say(update, context, lang, "archive.empty")
        return
    start, end = request.span(latest)
    label = period_label(start, end, lang)
    papers = await archive.top_papers(db, start, end, request.count, by=request.by)
    if not papers:
        empty = "top.stars_empty" if request.by == "stars" else "top.empty"
        await say(update, context, lang, empty, period=label)
        return
    if request.by == "stars":
        title = "⭐ " + t(lang, "top.stars_title", count=len(papers), period=label)
    else:
        title = "🏆 " + t(lang, "top.title", count=len(papers), period=label)
    for reply in render_paper_list(title, papers, lang):
        await send(update, context, reply)


async def paper(update: Update, context: Context) -> None:
    lang = await language(update, context)
    if text := await argument(update, context, lang, "paper.usage"):
        await show_paper_or_best_hit(update, context, text, lang)


async def show_paper_or_best_hit(update: Update, context: Context, text: str, lang: Lang) -> None:
    """The card for an arXiv id/URL, or for the best search hit of other words (or a line
    saying there is none)."""
    db = context.db
    text = clean(text)
    if len(text) > MAX_QUERY:
        await say(update, context, lang, "search.too_long", limit=MAX_QUERY)
        return
    arxiv_id = parse_arxiv_ref(text)
    if arxiv_id is not None:
        found = await archive.get_paper(db, arxiv_id)
        if found is None:
            await say(update, context, lang, "paper.not_found", arxiv_id=arxiv_id)
            return
        await send_card(update, context, found, lang)
        return
    hits = (await context.pipeline.search(text, limit=1)).hits
    if not hits:
        await say(update, context, lang, "search.none", query=shorten(text, ECHO_CHARS))
        return
    await send_card(update, context, hits[0].paper, lang)


async def digest(update: Update, context: Context) -> None:
    lang = await language(update, context)
    db = context.db
    text = command_args(context)
    if text:
        day = parse_date(text)
        if day is None:
            await say(update, context, lang, "digest.usage")
            return
    else:
        day = await archive.latest_digest_date(db)
        if day is None:
            await say(update, context, lang, "archive.empty")
            return
    papers = await archive.digest_papers(db, day)
    if not papers:
        await say(update, context, lang, "digest.none", date=day.isoformat())
        return
    title = "📰 " + t(lang, "digest.title", date=day.isoformat())
    for reply in render_paper_list(title, papers, lang):
        await send(update, context, reply)


async def saved(update: Update, context: Context) -> None:
    lang = await language(update, context)
    user = update.effective_user
    papers = await bookmarks.saved_papers(context.db, user.id) if user else []
    if not papers:
        await say(update, context, lang, "saved.empty")
        return
    replies = render_paper_list("★ " + t(lang, "saved.title"), papers, lang)
    export = Button(t(lang, "btn.export_bib"), callback_data=cb.encode(cb.ExportSaved()))
    last = replies[-1]
    replies[-1] = dataclasses.replace(last, buttons=(*last.buttons, (export,)))
    for reply in replies:
        await send(update, context, reply)


async def export_saved(update: Update, context: Context, request: cb.ExportSaved) -> None:
    """/saved's "Export .bib": the user's saved papers as .bib documents (split between
    entries if ever over Telegram's upload limit)."""
    query = update.callback_query
    lang = await language(update, context)
    papers = await bookmarks.saved_papers(context.db, query.from_user.id)
    if not papers:
        await answer(query, t(lang, "saved.empty"))
        return
    await answer(query)
    documents = bib_documents(papers, DOCUMENT_BYTES)
    chat = update.effective_chat
    message = update.effective_message
    thread = message.message_thread_id if chat.is_forum and message else None
    for number, document in enumerate(documents, 1):
        name = "paperboy-saved.bib" if len(documents) == 1 else f"paperboy-saved-{number}.bib"
        await context.bot.send_document(
            chat.id,
            InputFile(io.BytesIO(document), filename=name),
            caption=t(lang, "saved.bib_caption", count=len(papers)) if number == 1 else None,
            message_thread_id=thread,
        )


async def open_paper(update: Update, context: Context, request: cb.OpenPaper) -> None:
    query = update.callback_query
    lang = await language(update, context)
    found = await archive.get_paper(context.db, request.arxiv_id)
    await answer(query)
    if found is None:
        await say(update, context, lang, "paper.not_found", arxiv_id=request.arxiv_id)
        return
    await send_card(update, context, found, lang)


async def toggle_save(update: Update, context: Context, request: cb.ToggleSave) -> None:
    query = update.callback_query
    lang = await language(update, context)
    state = await bookmarks.toggle_bookmark(context.db, query.from_user.id, request.arxiv_id)
    if state is None:
        await answer(query, t(lang, "stale_button"))
        return
    await answer(query, t(lang, "saved.added" if state else "saved.removed"))
    await _retrain(update, context)
    await _refresh_buttons(update, context, lang, request.arxiv_id)


async def rate(update: Update, context: Context, request: cb.Rate) -> None:
    """👍 or 👎 for the chat: each member counts once; the same tap again takes it back."""
    query = update.callback_query
    lang = await language(update, context)
    if (chat_id := await button_chat(update, lang)) is None:
        return
    tally = await ratings.rate(
        context.db,
        chat_id,
        query.from_user.id,
        request.arxiv_id,
        request.value,
        context.pipeline.clock.now(),
    )
    if tally is None:
        await answer(query, t(lang, "stale_button"))
        return
    said = {1: "rate.liked", -1: "rate.disliked", 0: "rate.removed"}[tally.mine]
    await answer(query, t(lang, said))
    await _retrain(update, context)
    if request.in_list:
        await _mark_row(update, request.arxiv_id, tally.mine)
    else:
        await _refresh_buttons(update, context, lang, request.arxiv_id)


async def _mark_row(update: Update, arxiv_id: str, mine: int) -> None:
    """On /start's list: a ✓ on the button this user chose for the paper, none on the other."""
    query = update.callback_query
    markup = query.message.reply_markup if query.message else None
    if markup is None:
        return
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for button in row:
            tapped = cb.decode(button.callback_data)
            label = button.text.removeprefix("✓ ")
            if isinstance(tapped, cb.Rate) and tapped.arxiv_id == arxiv_id:
                label = ("✓ " if tapped.value == mine else "") + label
                button = InlineKeyboardButton(label, callback_data=button.callback_data)
            buttons.append(button)
        rows.append(buttons)
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest as error:
        if not says(error, "message is not modified"):
            raise


async def _retrain(update: Update, context: Context) -> None:
    """The chat's taste follows each rating (and each save) at once: milliseconds."""
    pipeline = context.pipeline
    if pipeline.foryou is not None and update.effective_chat is not None:
        await pipeline.foryou.retrain(update.effective_chat.id, pipeline.clock.now())


SIMILAR_PAPERS = 5


async def similar_papers(update: Update, context: Context, request: cb.Similar) -> None:
    """The papers nearest in meaning to a card's paper, as a list with a button each."""
    query = update.callback_query
    lang = _card_language(query) or await language(update, context)
    semantic = context.pipeline.semantic
    if semantic is None:
        await answer(query, t(lang, "similar.unavailable"))
        return
    found = await archive.get_paper_with_id(context.db, request.arxiv_id)
    if found is None:
        await answer(query, t(lang, "stale_button"))
        return
    await answer(query)
    nearest = await semantic.similar(*found, SIMILAR_PAPERS)
    papers = await archive.papers_by_id(context.db, [pid for pid, _ in nearest])
    if not papers:
        await say(update, context, lang, "similar.none")
        return
    title = t(lang, "similar.title", title=shorten(found[1].title, 80))
    for reply in render_paper_list(title, papers, lang):
        await send(update, context, reply)


async def cite(update: Update, context: Context, request: cb.Cite) -> None:
    """📚: the paper's BibTeX entry, to copy into a .bib file or Zotero."""
    query = update.callback_query
    lang = _card_language(query) or await language(update, context)
    paper = await archive.get_paper(context.db, request.arxiv_id)
    if paper is None:
        await answer(query, t(lang, "stale_button"))
        return
    await answer(query)
    await send(update, context, citation_reply(paper, lang))


def _card_language(query: CallbackQuery) -> Lang | None:
    """The language the card was written in, read from the label of the button pressed: the
    list answers in it, whoever presses (a reader whose client is in English pressing 🔗 on a
    Korean card in a group got "Similar to …")."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                labels = ("btn.similar", "btn.cite")
                found = {c for c in LANGUAGES for key in labels if t(c, key) == button.text}
                return found.pop() if len(found) == 1 else None  # one language says it
    return None


def register(app: Application) -> None:
    app.add_handler(CommandHandler("top", top))
    app.add_handler(CommandHandler("paper", paper))
    app.add_handler(CommandHandler("digest", digest))
    app.add_handler(CommandHandler("saved", saved))
    app.add_handler(on_button(cb.OpenPaper, open_paper))
    app.add_handler(on_button(cb.ToggleSave, toggle_save))
    app.add_handler(on_button(cb.Rate, rate))
    app.add_handler(on_button(cb.Similar, similar_papers))
    app.add_handler(on_button(cb.Cite, cite))
    app.add_handler(on_button(cb.ExportSaved, export_saved))
