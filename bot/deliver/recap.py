"""Sending one weekly recap: rendered in the chat's language, sent, and its row marked sent
(or failed when the chat is gone), after the send, as every delivery is."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core.chat_settings import ChatSettings
from bot.core.i18n import t
from bot.core.models import Paper
from bot.deliver.bot_api import send_reply
from bot.render.lists import period_label, render_recap
from bot.render.reply import Reply
from storage import recaps
from storage.db import Database

log = logging.getLogger(__name__)
PICKS = 5  # the chat's own picks in a recap, by its taste


def recap_reply(
    chat: ChatSettings,
    start: dt.date,
    end: dt.date,
    top: Sequence[Paper],
    picks: Sequence[Paper],
    followed: Sequence[Paper],
    counts: tuple[int, int],
) -> Reply:
    lang = chat.lang
    sections = [
        ("🏆 " + t(lang, "recap.top"), top),
        ("✨ " + t(lang, "recap.picks"), picks[:PICKS]),
        ("👤 " + t(lang, "recap.followed"), followed),
    ]
    footer = t(lang, "recap.counts", papers=counts[0], digests=counts[1])
    title = "🗓 " + t(lang, "recap.title", period=period_label(start, end, lang))
    return render_recap(title, sections, footer, lang)


async def send_recap(
    bot: Bot, db: Database, recap: recaps.Recap, chat: ChatSettings, reply: Reply, now: dt.datetime
) -> bool:
    """Send ``reply`` as ``recap``; True when it went. A chat that is gone marks it failed;
    a passing failure leaves it pending for the next run."""
    try:
        message = await send_reply(bot, chat.chat_id, reply, thread_id=chat.thread_id)
    except (Forbidden, BadRequest) as error:
        log.info("recap to %d not sent: %s", chat.chat_id, error)
        await recaps.mark(db, recap, "failed", None, now)
        return False
    except TelegramError as error:  # 429, network: the next run tries again
        log.info("recap to %d later: %s", chat.chat_id, error)
        return False
    await recaps.mark(db, recap, "sent", message.message_id, now)
    return True
