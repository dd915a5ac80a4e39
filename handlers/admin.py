"""/stats and /ingest, for the user ids in PAPERBOY_ADMINS only.

Everyone else falls through to the unknown-command hint: the commands do not exist for them.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.core.i18n import Lang, t
from bot.render.replies import render_text
from bot.source.poll import PollResult
from handlers.common import language, send, services
from storage import deliveries as outbox
from storage import papers as archive


async def _counts(context: ContextTypes.DEFAULT_TYPE) -> dict[str, int]:
    db = services(context).db
    async with db.execute(
        "SELECT (SELECT COUNT(*) FROM chats), (SELECT COUNT(*) FROM chats WHERE active = 1),"
        " (SELECT COUNT(*) FROM subscriptions s JOIN chats c ON c.chat_id = s.chat_id"
        "  WHERE c.active = 1 AND c.paused = 0)"
    ) as cursor:
        chats, active, subscriptions = await cursor.fetchone()
    return {"chats": chats, "active": active, "subscriptions": subscriptions}


def _poll_line(result: dict | None, lang: Lang) -> str:
    if not result:
        return t(lang, "stats.never")
    return t(
        lang,
        "stats.poll",
        at=result["at"],
        changed=result["changed"],
        new_digests=len(result["new_digests"]),
        papers=result["papers_new"],
        deliveries=result["deliveries"],
        errors=len(result["errors"]),
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await language(update, context)
    db = services(context).db
    archive_stats = await archive.archive_stats(db)
    body = t(
        lang,
        "stats.body",
        **await _counts(context),
        papers=f"{archive_stats.papers:,}",
        digests=f"{archive_stats.digests:,}",
        latest=archive_stats.last_date or "-",
        **await outbox.counts(db),
        last_poll=_poll_line(await outbox.get_meta(db, "last_poll"), lang),  # type: ignore[arg-type]
    )
    await send(update, context, render_text(f"📊 {t(lang, 'stats.title')}\n{body}"))


async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await language(update, context)
    await send(update, context, render_text(t(lang, "ingest.started")))
    result: PollResult = await services(context).poll_now()
    await send(
        update,
        context,
        render_text(
            t(
                lang,
                "ingest.done",
                changed=result.changed,
                new_digests=len(result.new_digests),
                papers=result.papers_new,
                deliveries=result.deliveries,
                errors=len(result.errors),
            )
        ),
    )


def register(app: Application) -> None:
    admins = sorted(app.bot_data["settings"].admins)
    # An empty admin list admits nobody (filters.User with no ids would admit nobody too,
    # but says so less clearly).
    only_admins = filters.User(user_id=admins) if admins else filters.User(user_id=[0])
    app.add_handler(CommandHandler("stats", stats, filters=only_admins))
    app.add_handler(CommandHandler("ingest", ingest, filters=only_admins))
