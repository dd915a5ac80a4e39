"""The bot's own membership: removed from a group or blocked in private → stop at once."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import Application, ChatMemberHandler

from handlers.common import Context
from storage import chats

log = logging.getLogger(__name__)

_GONE = {ChatMember.LEFT, ChatMember.BANNED}


async def my_chat_member(update: Update, context: Context) -> None:
    change = update.my_chat_member
    chat = change.chat
    db = context.db
    if change.new_chat_member.status in _GONE:
        cancelled = await chats.deactivate(db, chat.id, f"bot {change.new_chat_member.status}")
        log.info("removed from chat %s: %d deliveries cancelled", chat.id, cancelled)
    elif change.old_chat_member.status in _GONE:
        # Added back (or unblocked): the chat is active again with its old subscriptions.
        await chats.register_chat(db, chat.id, chat.type, chat.title or chat.full_name)


def register(app: Application) -> None:
    app.add_handler(ChatMemberHandler(my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
