"""A rendered ``Reply`` as Bot API calls: the one mapping handlers and the sender both use."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.warnings import PTBUserWarning

from bot.deliver.budget import Priority
from bot.render.reply import Reply


# PTB's objects are immutable, so one per card serves every chat a broadcast sends it to.
@functools.lru_cache(maxsize=1024)
def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, url=b.url, callback_data=b.callback_data) for b in row]
            for row in reply.buttons
        ]
    )


@functools.lru_cache(maxsize=1024)
def preview(reply: Reply, enabled: bool = True) -> LinkPreviewOptions:
    """The thumbnail above the text; disabled when the reply has none (or it failed)."""
    if reply.preview_url is None or not enabled:
        return LinkPreviewOptions(is_disabled=True)
    return LinkPreviewOptions(
        url=reply.preview_url, show_above_text=reply.preview_above, prefer_large_media=True
    )


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    thread_id: int | None = None,
) -> Message:
    """``sendMessage`` with the reply's HTML, buttons and preview: an answer to a reader."""
    return await bot.send_message(
        chat_id=chat_id,
        text=reply.text,
        message_thread_id=thread_id,
        # A copy: PTB adds its rate-limit key to the dict it is given.
        api_kwargs=dict(_serialized(reply, True)),
    )


# ``send_card`` asks for sendMessage's raw answer on purpose (see there); PTB would suggest
# ``send_message``, which builds the Message this path never reads.
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.send_message'", category=PTBUserWarning
)


async def send_card(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    thread_id: int | None = None,
    quiet: bool = False,
    with_preview: bool = True,
    paid: bool = False,
) -> int:
    """A broadcast ``sendMessage``, yielding to replies in the bot's budget; returns the
    message id.

    Why not ``send_reply``: PTB turns every answer into a ``Message`` (with its keyboard as
    objects), which cost 0.54 ms of CPU a send, a quarter of the sender's, at 1,000 msg/s
    (``bench.broadcast --paid``). A card's sender needs only the id. Errors are PTB's as
    ever: the raw call goes through the same request, budget and error mapping.
    """
    fields: dict[str, Any] = {
        "chat_id": chat_id,
        "text": reply.text,
        "parse_mode": ParseMode.HTML.value,
        **_serialized(reply, with_preview),
    }
    if thread_id is not None:
        fields["message_thread_id"] = thread_id
    if quiet:
        fields["disable_notification"] = True
    if paid:
        fields["allow_paid_broadcast"] = True
    answer = await bot.do_api_request(  # type: ignore[call-arg]
        "send_message", api_kwargs=fields, rate_limit_args=Priority.BROADCAST
    )
    return int(answer["message_id"])


@functools.lru_cache(maxsize=1024)
def _serialized(reply: Reply, with_preview: bool) -> dict[str, Any]:
    """The keyboard and preview as Bot API JSON, once per card: serialising PTB's objects
    again for each of 20,000 chats cost more CPU than sending (bench.broadcast --paid)."""
    fields: dict[str, Any] = {"link_preview_options": preview(reply, with_preview).to_dict()}
    if (markup := keyboard(reply)) is not None:
        fields["reply_markup"] = markup.to_dict()
    return fields


def says(error: TelegramError, *fragments: str) -> bool:
    """Whether Telegram's description holds one of ``fragments``: PTB rewrites descriptions
    (capitalised, reworded), so compare in lower case."""
    text = str(error).lower()
    return any(fragment in text for fragment in fragments)
