"""Typed callback data with short prefixes: Telegram allows 64 bytes per button.

Every button the bot makes is encoded here and decoded here; a value that does not decode
(an old button, a forged one) is ``None`` and the handler says the button expired.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from bot.core.chat_settings import SettingError, read_setting
from bot.core.fulltext import QUESTION_KEYS
from bot.core.limits import CALLBACK_DATA_LIMIT
from bot.core.topics import BUILTIN

_ARXIV = re.compile(r"\d{4}\.\d{4,5}")
_PERIODS = {"w": "week", "m": "month"}  # /foryou's periods, by their first letter


@dataclass(frozen=True)
class OpenPaper:
    arxiv_id: str


@dataclass(frozen=True)
class ToggleSave:
    arxiv_id: str


@dataclass(frozen=True)
class Rate:
    """👍 (``value`` 1) or 👎 (-1) on a card, or on a row of /start's papers to rate
    (``in_list``)."""

    arxiv_id: str
    value: int
    in_list: bool = False


@dataclass(frozen=True)
class Similar:
    arxiv_id: str


@dataclass(frozen=True)
class Cite:
    """📚: the paper's BibTeX entry."""

    arxiv_id: str


@dataclass(frozen=True)
class SearchPage:
    session_id: int
    page: int


@dataclass(frozen=True)
class ForYouPage:
    """A page of /foryou: ``period`` is "week" or "month"."""

    period: str
    page: int


@dataclass(frozen=True)
class SetOption:
    """A /settings button: ``name`` is one of SETTINGS, ``value`` its new value as text."""

    name: str
    value: str


@dataclass(frozen=True)
class ToggleTopic:
    slug: str


@dataclass(frozen=True)
class FollowPick:
    """👤 on a card: its authors and organization, to pick one to follow."""

    arxiv_id: str


@dataclass(frozen=True)
class FollowOne:
    """One of a card's authors (``index``), or its organization (``index`` -1), followed."""

    arxiv_id: str
    index: int


@dataclass(frozen=True)
class Unfollow:
    """/following's ✕: ``token`` names the follow (handlers/follows.py follow_token)."""

    token: str


@dataclass(frozen=True)
class AskSuggested:
    """A suggested question under /ask: ``index`` into bot/core/fulltext.py QUESTION_KEYS."""

    arxiv_id: str
    index: int


@dataclass(frozen=True)
class ExportSaved:
    """/saved's "Export .bib": the user's saved papers as a BibTeX document."""


@dataclass(frozen=True)
class Noop:
    """A label-only button (the page counter)."""


Callback = (
    OpenPaper
    | ToggleSave
    | Rate
    | Similar
    | Cite
    | ExportSaved
    | AskSuggested
    | Unfollow
    | FollowPick
    | FollowOne
    | SearchPage
    | ForYouPage
    | SetOption
    | ToggleTopic
    | Noop
)


def encode(callback: Callback) -> str:
    match callback:
        case OpenPaper(arxiv_id):
            data = f"p:{arxiv_id}"
        case ToggleSave(arxiv_id):
            data = f"bm:{arxiv_id}"
        case Rate(arxiv_id, value, in_list):
            data = f"{'q' if in_list else 'r'}{'+' if value > 0 else '-'}:{arxiv_id}"
        case Similar(arxiv_id):
            data = f"sim:{arxiv_id}"
        case Cite(arxiv_id):
            data = f"bib:{arxiv_id}"
        case ExportSaved():
            data = "bibx"
        case AskSuggested(arxiv_id, index):
            data = f"ak:{arxiv_id}:{index}"
        case Unfollow(token):
            data = f"uf:{token}"
        case FollowPick(arxiv_id):
            data = f"fp:{arxiv_id}"
        case FollowOne(arxiv_id, index):
            data = f"fa:{arxiv_id}:{'o' if index < 0 else index}"
        case SearchPage(session_id, page):
            data = f"s:{session_id}:{page}"
        case ForYouPage(period, page):
            data = f"fy:{period[0]}:{page}"
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
    if kind in ("r+", "r-", "q+", "q-") and _ARXIV.fullmatch(rest):
        return Rate(rest, 1 if kind[1] == "+" else -1, in_list=kind[0] == "q")
    if kind == "sim" and _ARXIV.fullmatch(rest):
        return Similar(rest)
    if kind == "bib" and _ARXIV.fullmatch(rest):
        return Cite(rest)
    if kind == "ak":
        arxiv_id, _, index = rest.partition(":")
        if _ARXIV.fullmatch(arxiv_id) and index.isdigit() and int(index) < len(QUESTION_KEYS):
            return AskSuggested(arxiv_id, int(index))
    if kind == "s":
        session, _, page = rest.partition(":")
        if session.isdigit() and page.isdigit():
            return SearchPage(int(session), int(page))
    if kind == "fy":
        period, _, page = rest.partition(":")
        if period in _PERIODS and page.isdigit():
            return ForYouPage(_PERIODS[period], int(page))
    if kind == "set":
        name, _, value = rest.partition(":")
        with contextlib.suppress(SettingError):
            if read_setting(name, value).setting.on_buttons:
                return SetOption(name, value)
    if kind == "tp" and rest in BUILTIN:
        return ToggleTopic(rest)
    if data == "bibx":
        return ExportSaved()
    if kind == "uf" and re.fullmatch(r"[0-9a-f]{12}", rest):
        return Unfollow(rest)
    if kind == "fp" and _ARXIV.fullmatch(rest):
        return FollowPick(rest)
    if kind == "fa":
        arxiv_id, _, which = rest.partition(":")
        if _ARXIV.fullmatch(arxiv_id) and (which == "o" or (which.isdigit() and len(which) < 5)):
            return FollowOne(arxiv_id, -1 if which == "o" else int(which))
    if data == "noop":
        return Noop()
    return None
