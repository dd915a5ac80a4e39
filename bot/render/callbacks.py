"""Typed callback data with short prefixes: Telegram allows 64 bytes per button.

Every button the bot makes is encoded here and decoded here; a value that does not decode
(an old button, a forged one) is ``None`` and the handler says the button expired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.i18n import LANGUAGES
from bot.core.topics import BUILTIN
from bot.render.html import CALLBACK_DATA_LIMIT

_ARXIV = re.compile(r"\d{4}\.\d{4,5}")


@dataclass(frozen=True)
class OpenPaper:
    arxiv_id: str


@dataclass(frozen=True)
class ToggleSave:
    arxiv_id: str


@dataclass(frozen=True)
class SearchPage:
    session_id: int
    page: int


@dataclass(frozen=True)
class SetOption:
    """A /settings button: ``name`` is one of OPTIONS, ``value`` its new value."""

    name: str
    value: str


@dataclass(frozen=True)
class ToggleTopic:
    slug: str


@dataclass(frozen=True)
class Noop:
    """A label-only button (the page counter)."""


Callback = OpenPaper | ToggleSave | SearchPage | SetOption | ToggleTopic | Noop

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_VOTES = re.compile(r"\d{1,6}")
# Which values each settings button may carry.
OPTIONS = {
    "time": lambda v: v == "instant" or bool(_HHMM.fullmatch(v)),
    "fmt": lambda v: v in ("cards", "compact"),
    "votes": lambda v: bool(_VOTES.fullmatch(v)),
    "lang": lambda v: v in LANGUAGES,
    "quiet": lambda v: v in ("0", "1"),
    "pause": lambda v: v in ("0", "1"),
}


def encode(callback: Callback) -> str:
    match callback:
        case OpenPaper(arxiv_id):
            data = f"p:{arxiv_id}"
        case ToggleSave(arxiv_id):
            data = f"bm:{arxiv_id}"
        case SearchPage(session_id, page):
            data = f"s:{session_id}:{page}"
        case SetOption(name, value):
            data = f"set:{name}:{value}"
        case ToggleTopic(slug):
            data = f"tp:{slug}"
        case Noop():
            data = "noop"
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    if not data:
        return None
    kind, _, rest = data.partition(":")
    if kind == "p" and _ARXIV.fullmatch(rest):
        return OpenPaper(rest)
    if kind == "bm" and _ARXIV.fullmatch(rest):
        return ToggleSave(rest)
    if kind == "s":
        session, _, page = rest.partition(":")
        if session.isdigit() and page.isdigit():
            return SearchPage(int(session), int(page))
    if kind == "set":
        name, _, value = rest.partition(":")
        if name in OPTIONS and OPTIONS[name](value):
            return SetOption(name, value)
    if kind == "tp" and rest in BUILTIN:
        return ToggleTopic(rest)
    if data == "noop":
        return Noop()
    return None
