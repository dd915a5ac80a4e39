"""Inline mode: ``@bot words`` in any chat offers paper cards to share."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler

from bot.core.i18n import lang_from_code
from bot.core.limits import INLINE_RESULTS, MAX_QUERY
from bot.core.models import Paper
from bot.core.user_text import clean
from bot.deliver.bot_api import keyboard, preview
from bot.render.cards import render_card, votes_text
from bot.render.html import shorten
from handlers.common import Context
from storage import archive, summaries


async def inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    lang = lang_from_code(query.from_user.language_code)
    db = context.db
    # No reply to refuse in: an over-long inline query is searched by its start.
    text = clean(query.query)[:MAX_QUERY]
    snippets: dict[str, str] = {}
    if text:
        hits = (await context.pipeline.search(text, limit=INLINE_RESULTS, typing=True)).hits
        papers: list[Paper] = [hit.paper for hit in hits]
        snippets = {hit.paper.arxiv_id: hit.snippet.text for hit in hits}
    else:
        latest = await archive.latest_digest_date(db)
        papers = await archive.top_papers(db, latest, latest, INLINE_RESULTS) if latest else []
    results = []
    for paper in papers:
        paper = await summaries.as_read(context.db, paper, lang)
        card = render_card(paper, lang, saved=None)
        details = " · ".join(
            x
            for x in (paper.date.isoformat() if paper.date else "", votes_text(paper.votes, lang))
            if x
        )
        blurb = snippets.get(paper.arxiv_id) or paper.searchable_text
        results.append(
            InlineQueryResultArticle(
                id=paper.arxiv_id,
                title=shorten(paper.title, 120),
                description=shorten(f"{details}\n{' '.join(blurb.split())}", 200),
                input_message_content=InputTextMessageContent(
                    card.text, parse_mode=ParseMode.HTML, link_preview_options=preview(card)
                ),
                reply_markup=keyboard(card),
                thumbnail_url=card.preview_url,
            )
        )
    await query.answer(results, cache_time=300, is_personal=False)


def register(app: Application) -> None:
    app.add_handler(InlineQueryHandler(inline_query))
