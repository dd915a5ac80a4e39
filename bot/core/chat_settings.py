"""A chat's delivery settings, and the one definition of what /settings may change.

Typed commands (``/settings time 8:30``), the menu's buttons, storage and rendering all read
``SETTINGS``: a setting's short name travels in callback data, its column is where it is
stored, its words are what people type, and ``read`` turns text into the stored value.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.i18n import DEFAULT_LANG, LANGUAGES, Lang
from bot.core.schedule import WEEKDAYS, parse_hhmm


class Rank(enum.StrEnum):
    AUTO = "auto"  # by the chat's taste once it has 5 ratings, by votes before
    VOTES = "votes"  # the digest's order
    FORYOU = "foryou"  # by the chat's taste as soon as it has any


class Format(enum.StrEnum):
    CARDS = "cards"  # one card per paper
    COMPACT = "compact"  # one list per digest


@dataclass(frozen=True)
class ChatSettings:
    """How and when one chat gets its papers."""

    chat_id: int
    type: str
    language: str | None = None
    thread_id: int | None = None
    delivery_time: str | None = None  # 'HH:MM' local; None = as soon as a digest arrives
    timezone: str | None = None  # IANA name; None = the bot's default
    format: Format = Format.CARDS
    min_votes: int = 0
    quiet: bool = False
    paused: bool = False
    active: bool = True
    rank: Rank = Rank.AUTO
    foryou_only: int = 0  # deliver only the chat's top N of each digest; 0: every paper
    code_only: bool = False  # deliver only papers with a code link (GitHub)
    weekly: str | None = None  # the weekly recap's local day and time ("sun 09:00"); None: off

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    @property
    def lang(self) -> Lang:
        return self.language if self.language in LANGUAGES else DEFAULT_LANG  # type: ignore[return-value]

    def zone(self, default: ZoneInfo) -> ZoneInfo:
        if self.timezone:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                return ZoneInfo(self.timezone)
        return default


_ON = ("on", "yes", "1", "true", "켜기", "켬")
_OFF = ("off", "no", "0", "false", "끄기", "끔")


def _time(text: str) -> str | None:
    if text.lower() in ("instant", "now", "즉시"):
        return None
    hhmm = parse_hhmm(text)
    if hhmm is None:
        raise ValueError(text)
    return hhmm


def _zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(text) from None
    return text


_DAY_WORDS = {
    **{d: d for d in WEEKDAYS},
    **dict(zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
               WEEKDAYS, strict=True)),
    **dict(zip(("월", "화", "수", "목", "금", "토", "일"), WEEKDAYS, strict=True)),
    **dict(zip(("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"), WEEKDAYS,
               strict=True)),
}  # fmt: skip


def _weekly(text: str) -> str | None:
    """ "sun 09:00" (or "일 9:00", "sunday 9") → "sun 09:00"; "off" → None."""
    words = text.lower().split()
    if len(words) == 1 and words[0] in _OFF:
        return None
    if len(words) != 2 or words[0] not in _DAY_WORDS:
        raise ValueError(text)
    hhmm = parse_hhmm(words[1])
    if hhmm is None:
        raise ValueError(text)
    return f"{_DAY_WORDS[words[0]]} {hhmm}"


def _votes(text: str) -> int:
    if not (text.isdigit() and len(text) <= 6):
        raise ValueError(text)
    return int(text)


def _top(text: str) -> int:
    if text.lower() in _OFF:
        return 0
    if not (text.isdigit() and int(text) <= 50):
        raise ValueError(text)
    return int(text)


def _choice(values: Mapping[str, object]) -> Callable[[str], object]:
    """A reader for words from a fixed list, in any case."""

    def read(text: str) -> object:
        if text.lower() not in values:
            raise ValueError(text)
        return values[text.lower()]

    return read


_languages = _choice({code: code for code in LANGUAGES})
_switch = _choice({**dict.fromkeys(_ON, True), **dict.fromkeys(_OFF, False)})


def _text(value: object) -> str:
    """A value as callback data carries it."""
    if value is None:
        return "instant"
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Setting:
    """One thing /settings changes."""

    name: str  # in callback data and typed commands' confirmations
    column: str  # the ChatSettings field and the chats column
    words: tuple[str, ...]  # what people type, English and Korean
    read: Callable[[str], object]  # text → the stored value; ValueError when it is none
    on_buttons: bool = True  # whether a menu button may carry it
    error: str = "settings.bad"  # the catalogue key that explains a bad value


SETTINGS: Mapping[str, Setting] = {
    s.name: s
    for s in (
        Setting("time", "delivery_time", ("time", "시간"), _time),
        Setting("tz", "timezone", ("tz", "timezone", "zone", "시간대"), _zone, False,
                "settings.bad_zone"),
        Setting("fmt", "format", ("format", "형식"), _choice({f.value: f for f in Format})),
        Setting("votes", "min_votes", ("votes", "minvotes", "추천"), _votes),
        Setting("lang", "language", ("lang", "language", "언어"), _languages),
        Setting("quiet", "quiet", ("quiet", "조용히"), _switch),
        Setting("pause", "paused", ("pause", "일시중지"), _switch),
        Setting("rank", "rank", ("rank", "order", "순서"), _choice({r.value: r for r in Rank})),
        Setting("top", "foryou_only", ("foryou-only", "top", "맞춤만"), _top, False,
                "settings.bad_top"),
        Setting("code", "code_only", ("code-only", "code", "코드만"), _switch),
        Setting("weekly", "weekly", ("weekly", "recap", "주간요약"), _weekly, False,
                "settings.bad_weekly"),
    )
}  # fmt: skip
# Words that are a whole command on their own: /settings pause, /settings resume.
_IMPLIED = {"pause": ("pause", "on"), "일시중지": ("pause", "on"),
            "resume": ("pause", "off"), "재개": ("pause", "off")}  # fmt: skip
_WORDS = {word: s for s in SETTINGS.values() for word in s.words}


@dataclass(frozen=True)
class SettingChange:
    """A setting and its new value, as stored."""

    setting: Setting
    value: object

    @property
    def text(self) -> str:
        return _text(self.value)


class SettingError(ValueError):
    """The words name a setting but not a value it takes; ``setting`` is None when they do
    not name one at all."""

    def __init__(self, setting: Setting | None, value: str) -> None:
        super().__init__(value)
        self.setting = setting
        self.value = value


def read_setting(name: str, value: str) -> SettingChange:
    """A setting by its short name and a value as text (a button's, or typed)."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise SettingError(None, value)
    try:
        return SettingChange(setting, setting.read(value))
    except ValueError:
        raise SettingError(setting, value) from None


def parse_setting(words: list[str]) -> SettingChange:
    """``["time", "8:30"]`` → time = "08:30"; ``["pause"]`` → pause = True."""
    key = words[0].lower() if words else ""
    if key in _IMPLIED and len(words) == 1:
        return read_setting(*_IMPLIED[key])
    if key in _WORDS and _WORDS[key].name == "weekly" and len(words) in (2, 3):
        return read_setting("weekly", " ".join(words[1:]))  # a day and a time: two words
    if key not in _WORDS or key in _IMPLIED or len(words) != 2:
        raise SettingError(None, " ".join(words))
    return read_setting(_WORDS[key].name, words[1])
