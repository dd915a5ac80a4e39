"""What every renderer returns: a message as HTML text, keyboard rows and a link preview."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render.html import Markup, escape


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
    """A plain message: the text escaped, no buttons, no preview."""
    return Reply(escape(text))
