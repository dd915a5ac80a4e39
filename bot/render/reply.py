"""What every renderer returns: a message as HTML text, keyboard rows and a link preview."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.limits import TEXT_LIMIT
from bot.render.html import Markup, escape, shorten


@dataclass(frozen=True)
class Button:
    """One inline keyboard button: a URL or callback data, never both."""

    text: str
    url: str | None = None
    callback_data: str | None = None


@dataclass(frozen=True)
class Reply:
    """A message to send: HTML text, keyboard rows, and the link shown as preview (or None)."""

    text: Markup
    buttons: tuple[tuple[Button, ...], ...] = ()
    preview_url: str | None = None
    preview_above: bool = True


def render_text(text: str) -> Reply:
    """A plain message: the text escaped, no buttons, no preview, cut to Telegram's 4,096
    characters (counted before escaping, as Telegram counts after parsing) whatever it
    quotes."""
    return Reply(escape(shorten(text, TEXT_LIMIT)))
