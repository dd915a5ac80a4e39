"""The bot's own screens: /start, /help, the /settings menu and the /topics toggles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.chat_settings import ChatSettings, Format, Rank
from bot.core.commands import HELP_COMMANDS
from bot.core.i18n import LANGUAGES, Lang, t
from bot.core.limits import TOPIC_CHARS
from bot.core.topics import BUILTIN, EVERYTHING
from bot.render import callbacks as cb
from bot.render.html import bold, code, join, shorten
from bot.render.reply import Button, Reply


def render_help(lang: Lang, bot_username: str) -> Reply:
    lines: list[str] = [bold(t(lang, "help.title")), ""]
    for name in HELP_COMMANDS:
        lines.append(join([bold(f"/{name}"), " — " + t(lang, f"cmd.{name}")]))
        lines.append(join(["   ", code(t(lang, f"example.{name}"))]))
    lines += ["", t(lang, "help.footer", bot=bot_username)]
    return Reply(join(lines, "\n"))


def render_start(lang: Lang, name: str) -> Reply:
    lines = [
        bold(t(lang, "start.greeting", name=shorten(name, 64))),
        t(lang, "start.about"),
        "",
        t(lang, "start.try"),
    ]
    for command in ("top", "search", "paper", "digest"):
        lines.append(join([code(t(lang, f"example.{command}")), " — " + t(lang, f"cmd.{command}")]))
    lines += ["", t(lang, "start.more")]
    return Reply(join(lines, "\n"))


MENU_TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "21:00")
MENU_VOTES = (0, 5, 10, 20, 50)
MENU_LINES = ("time", "fmt", "votes", "rank", "code", "weekly", "lang", "quiet", "pause")


def delivery_text(settings: ChatSettings, zone: str, lang: Lang) -> str:
    if settings.delivery_time is None:
        return t(lang, "settings.instant")
    return t(lang, "settings.at", time=settings.delivery_time, zone=zone)


def setting_line(settings: ChatSettings, name: str, zone: str, lang: Lang) -> str:
    """One line of the menu, and the confirmation after a change: the setting's value now."""
    if name in ("time", "tz"):
        return t(lang, "settings.delivery", when=delivery_text(settings, zone, lang))
    if name == "fmt":
        return t(lang, "settings.format", format=t(lang, f"settings.format.{settings.format}"))
    if name == "votes":
        return t(lang, "settings.min_votes", votes=settings.min_votes)
    if name == "lang":
        return t(lang, "settings.language", language=t(lang, "language.name"))
    if name in ("rank", "top"):
        order = t(lang, f"settings.rank.{settings.rank}")
        if settings.foryou_only:
            order += " · " + t(lang, "settings.top", count=settings.foryou_only)
        return t(lang, "settings.order", order=order)
    if name == "weekly":
        when = settings.weekly.capitalize() if settings.weekly else t(lang, "settings.switch_off")
        return t(lang, "settings.weekly", when=when)
    if name == "code":
        state = "settings.switch_on" if settings.code_only else "settings.switch_off"
        return t(lang, "settings.code_only", state=t(lang, state))
    if name == "quiet":
        state = "settings.off" if settings.quiet else "settings.on"
        return t(lang, "settings.notifications", state=t(lang, state))
    state = "settings.paused" if settings.paused else "settings.active"
    return t(lang, "settings.status", state=t(lang, state))


def render_settings(settings: ChatSettings, zone: str, lang: Lang) -> Reply:
    """The /settings menu: current values, and a button for each common choice."""
    lines = [
        bold("⚙️ " + t(lang, "settings.title")),
        *(setting_line(settings, name, zone, lang) for name in MENU_LINES),
        "",
        t(lang, "settings.more"),
    ]

    def option(label: str, name: str, value: str, chosen: bool = False) -> Button:
        data = cb.encode(cb.SetOption(name, value))
        return Button(("✓ " if chosen else "") + label, callback_data=data)

    times = [option(t(lang, "btn.instant"), "time", "instant", settings.delivery_time is None)]
    times += [option(hhmm, "time", hhmm, settings.delivery_time == hhmm) for hhmm in MENU_TIMES]
    quiet, paused = settings.quiet, settings.paused
    rows: list[tuple[Button, ...]] = [
        tuple(times[:4]),
        tuple(times[4:]),
        tuple(option(t(lang, f"btn.{f}"), "fmt", f, settings.format == f) for f in Format),
        tuple(option(f"▲{v}", "votes", str(v), settings.min_votes == v) for v in MENU_VOTES),
        tuple(
            option(t(lang, f"settings.rank.{r}"), "rank", r.value, settings.rank == r) for r in Rank
        ),
        tuple(option(t(code, "language.name"), "lang", code, code == lang) for code in LANGUAGES),
        (
            option(t(lang, "btn.quiet_off" if quiet else "btn.quiet_on"), "quiet", str(1 - quiet)),
            option(t(lang, "btn.resume" if paused else "btn.pause"), "pause", str(1 - paused)),
        ),
    ]
    return Reply(join(lines, "\n"), tuple(rows))


def _topic_line(topic: str, english: Mapping[str, str]) -> str:
    said = english.get(topic)
    if not said:
        return f"• {topic}"
    return f"• {topic} → {shorten(said, max(20, TOPIC_CHARS - len(topic)))}"


def topic_label(topic: str, lang: Lang) -> str:
    return t(lang, "topics.everything") if topic == EVERYTHING else topic


def render_topics(
    topics: Sequence[str], lang: Lang, english: Mapping[str, str] | None = None
) -> Reply:
    """The chat's topics, and a toggle button for every built-in one. A Korean topic shows
    the English it is also matched by (``english``), so a reader sees how it was understood;
    each line stays within a topic's length, so 30 topics fit one message."""
    english = english or {}
    lines = [bold("🏷 " + t(lang, "topics.title"))]
    if not topics:
        lines.append(t(lang, "sub.none"))
    if EVERYTHING in topics:
        lines.append("• " + t(lang, "topics.everything"))
    custom = [topic for topic in topics if topic != EVERYTHING and topic not in BUILTIN]
    if custom:
        lines += ["", t(lang, "topics.custom"), *(_topic_line(topic, english) for topic in custom)]
    lines += ["", t(lang, "topics.lean"), "", t(lang, "topics.tap")]
    buttons = [
        Button(
            ("✓ " if slug in topics else "") + slug, callback_data=cb.encode(cb.ToggleTopic(slug))
        )
        for slug in BUILTIN
    ]
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return Reply(join(lines, "\n"), rows)
