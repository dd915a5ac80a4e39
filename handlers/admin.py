"""/stats and /ingest, for the user ids in PAPERBOY_ADMINS only.

Everyone else falls through to the unknown-command hint: the commands do not exist for them.
"""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.core.i18n import Lang, t
from bot.render.reply import render_text
from handlers.common import Context, language, say, send
from storage import archive, chats, fulltext, meta, outbox


def _poll_figures(summary: dict) -> dict[str, object]:
    """A poll's ``PollResult.summary()`` as the catalogue's /stats and /ingest lines use it."""
    return {
        "at": summary["at"],
        "changed": summary["changed"],
        "new_digests": len(summary["new_digests"]),
        "papers": summary["papers_new"],
        "deliveries": summary["deliveries"],
        "errors": len(summary["errors"]),
    }


def _poll_line(summary: dict | None, lang: Lang) -> str:
    return t(lang, "stats.poll", **_poll_figures(summary)) if summary else t(lang, "stats.never")


async def stats(update: Update, context: Context) -> None:
    lang = await language(update, context)
    db = context.db
    archive_stats = await archive.archive_stats(db)
    body = t(
        lang,
        "stats.body",
        **await chats.chat_counts(db),
        papers=f"{archive_stats.papers:,}",
        digests=f"{archive_stats.digests:,}",
        latest=archive_stats.last_date or "-",
        **await outbox.counts(db),
        last_poll=_poll_line(await meta.read(db, "last_poll"), lang),  # type: ignore[arg-type]
    )
    body += "\n" + await _summaries_line(context, lang)
    body += "\n" + await _asks_line(context, lang)
    await send(update, context, render_text(f"📊 {t(lang, 'stats.title')}\n{body}"))


async def _summaries_line(context: Context, lang: Lang) -> str:
    counts = await context.pipeline.summary_counts()
    if counts is None:
        return t(lang, "stats.summaries_off")
    model = context.pipeline.writer.model  # type: ignore[union-attr]
    return t(lang, "stats.summaries", model=model, **{k: f"{v:,}" for k, v in counts.items()})


async def _asks_line(context: Context, lang: Lang) -> str:
    since = context.pipeline.clock.now().date() - dt.timedelta(days=6)
    questions, tokens = await fulltext.usage(context.db, since)
    texts, without, size = await fulltext.totals(context.db)
    return t(
        lang,
        "stats.asks",
        questions=f"{questions:,}",
        tokens=f"{tokens:,}",
        texts=f"{texts:,}",
        size=f"{size / 1e6:.1f} MB",
        without=f"{without:,}",
    )


async def ingest(update: Update, context: Context) -> None:
    lang = await language(update, context)
    await say(update, context, lang, "ingest.started")
    result = (await context.pipeline.poll_now()).summary()
    await say(update, context, lang, "ingest.done", **_poll_figures(result))


def register(app: Application) -> None:
    admins = sorted(app.bot_data.settings.admins)
    # An empty admin list admits nobody (filters.User with no ids would admit nobody too,
    # but says so less clearly).
    only_admins = filters.User(user_id=admins) if admins else filters.User(user_id=[0])
    app.add_handler(CommandHandler("stats", stats, filters=only_admins))
    app.add_handler(CommandHandler("ingest", ingest, filters=only_admins))
