"""A rendered ``Reply`` in python-telegram-bot's types: the keyboard and the link preview."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bot.render.replies import Reply


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, url=b.url, callback_data=b.callback_data) for b in row]
            for row in reply.buttons
        ]
    )


def preview(reply: Reply, enabled: bool = True) -> LinkPreviewOptions:
    """The thumbnail above the text; disabled when the reply has none (or it failed)."""
    if reply.preview_url is None or not enabled:
        return LinkPreviewOptions(is_disabled=True)
    return LinkPreviewOptions(
        url=reply.preview_url, show_above_text=reply.preview_above, prefer_large_media=True
    )
