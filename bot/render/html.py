"""The one way Telegram HTML is built: ``Markup`` strings and helpers that escape for you.

Plain ``str`` is always text and gets escaped; ``Markup`` is already-safe HTML and does not.
Nothing else in Paperboy writes tags, so a title like ``<think> & M$^{2}$`` can only ever
show as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from bot.core.models import Snippet

ELLIPSIS = "…"

_TAG = re.compile(r"<[^>]*>")


class Markup(str):
    """A string of Telegram HTML that is safe to send as is."""

    __slots__ = ()

    def __add__(self, other: str) -> Markup:
        return Markup(str.__add__(self, escape(other)))


def escape(text: str) -> Markup:
    """Text → Markup. Markup passes through; everything else has ``& < > "`` escaped.

    ``"`` is escaped too (as ``&quot;``, which Telegram knows) so the same helper is safe in
    attribute values; ``'`` is left alone since no attribute is single-quoted.
    """
    if isinstance(text, Markup):
        return text
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(value.replace('"', "&quot;"))


def join(parts: Iterable[str], separator: str = "") -> Markup:
    return Markup(escape(separator).join(escape(part) for part in parts))


def bold(text: str) -> Markup:
    return Markup(f"<b>{escape(text)}</b>")


def code(text: str) -> Markup:
    return Markup(f"<code>{escape(text)}</code>")


def pre(text: str, language: str | None = None) -> Markup:
    """A preformatted block (Telegram shows a copy button on it)."""
    if language:
        return Markup(f'<pre><code class="language-{escape(language)}">{escape(text)}</code></pre>')
    return Markup(f"<pre>{escape(text)}</pre>")


def link(text: str, url: str) -> Markup:
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


def blockquote(content: str, expandable: bool = False) -> Markup:
    opening = "<blockquote expandable>" if expandable else "<blockquote>"
    return Markup(f"{opening}{escape(content)}</blockquote>")


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """``text`` with each (start, end) span in bold."""
    pieces = Snippet(text, tuple(spans)).pieces()
    return join(bold(piece) if matched else piece for piece, matched in pieces)


def visible_length(markup: str) -> int:
    """Length Telegram counts: code points of the text once tags and entities are parsed."""
    return len(html.unescape(_TAG.sub("", markup)))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ", max(0, limit // 2))
    if space > 0:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
