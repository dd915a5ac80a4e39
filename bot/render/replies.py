"""Turn papers and lists into Telegram-ready replies: HTML text, buttons, link preview.

Pure: no Telegram import, no I/O. Every length limit is enforced here: a card longer than
4096 characters has its longest sections trimmed (before escaping, so a cut never lands
inside a tag or an entity), and lists split across messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.arxiv import abs_url, hf_url, pdf_url, thumbnail_url
from bot.core.commands import HELP_COMMANDS
from bot.core.i18n import LANGUAGES, Lang, t
from bot.core.models import ChatSettings, Paper, SearchHit
from bot.core.topics import BUILTIN, EVERYTHING
from bot.render import callbacks as cb
from bot.render.html import (
    TEXT_LIMIT,
    Markup,
    blockquote,
    bold,
    code,
    escape,
    highlight,
    join,
    link,
    shorten,
    visible_length,
)

MAX_TITLE = 300
MAX_AUTHOR = 80
SHOWN_AUTHORS = 3
LIST_TITLE = 110
BUTTONS_PER_ROW = 5
MIN_SECTION = 40  # a section trimmed below this is dropped rather than kept as a stub

_LABELS = {
    "What's New": "card.section.whats_new",
    "Technical Details": "card.section.technical",
    "Performance Highlights": "card.section.performance",
}
_OPEN_SECTIONS = ("What's New", "Performance Highlights")  # shown as paragraphs


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


@dataclass
class _Block:
    label: str
    text: str
    quoted: bool
    bullets: bool = False
    extra: list[_Block] = field(default_factory=list)


def votes_text(votes: int | None, lang: Lang) -> str:
    return t(lang, "card.votes", votes=votes if votes is not None else "–")


def authors_text(authors: Sequence[str], lang: Lang) -> str:
    shown = [shorten(a, MAX_AUTHOR) for a in authors[:SHOWN_AUTHORS]]
    text = ", ".join(shown)
    if len(authors) > SHOWN_AUTHORS:
        text += " " + t(lang, "card.more_authors", count=len(authors) - SHOWN_AUTHORS)
    return text


def _blocks(paper: Paper, lang: Lang) -> list[_Block]:
    blocks: list[_Block] = []
    for name in _OPEN_SECTIONS:
        if paper.sections.get(name):
            blocks.append(_Block(t(lang, _LABELS[name]), paper.sections[name], quoted=False))
    for name, text in paper.sections.items():
        if name in _OPEN_SECTIONS or not text:
            continue
        label = t(lang, _LABELS[name]) if name in _LABELS else name
        blocks.append(_Block(label, text, quoted=True))
    if paper.summary:
        blocks.append(_Block(t(lang, "card.section.summary"), paper.summary, False, bullets=True))
    if not blocks:
        # No Korean digest covered it (yet): the API's AI summary, and the abstract folded.
        if paper.ai_summary:
            blocks.append(_Block(t(lang, "card.section.ai_summary"), paper.ai_summary, False))
        if paper.abstract:
            blocks.append(_Block(t(lang, "card.section.abstract"), paper.abstract, True))
    return blocks


def _bullets(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join("• " + line.lstrip("-*• ").strip() for line in lines)


def _card_markup(paper: Paper, lang: Lang, blocks: list[_Block]) -> Markup:
    head = [bold(link(shorten(paper.title, MAX_TITLE), abs_url(paper.arxiv_id)))]
    meta = []
    if paper.date:
        meta.append(f"📅 {paper.date.isoformat()}")
    meta.append(votes_text(paper.votes, lang))
    head.append(escape(" · ".join(meta)))
    if paper.authors:
        head.append(escape("👥 " + authors_text(paper.authors, lang)))
    parts = [join(head, "\n")]
    quoted = []
    for block in blocks:
        body = _bullets(block.text) if block.bullets else block.text
        piece = join([bold(block.label), body], "\n")
        (quoted if block.quoted else parts).append(piece)
    if quoted:
        # One expandable quote for everything secondary: blockquotes cannot nest.
        parts.append(blockquote(join(quoted, "\n\n"), expandable=True))
    return join(parts, "\n\n")


def render_card(paper: Paper, lang: Lang, saved: bool | None = False) -> Reply:
    """A paper card. ``saved=None`` leaves out the save button (inline results)."""
    blocks = _blocks(paper, lang)
    text = _card_markup(paper, lang, blocks)
    while visible_length(text) > TEXT_LIMIT and blocks:
        excess = visible_length(text) - TEXT_LIMIT
        longest = max(blocks, key=lambda b: len(b.text))
        target = len(longest.text) - excess
        if target < MIN_SECTION:
            blocks.remove(longest)
        else:
            longest.text = shorten(longest.text, target)
        text = _card_markup(paper, lang, blocks)
    rows: list[tuple[Button, ...]] = [
        (
            Button(t(lang, "btn.arxiv"), url=abs_url(paper.arxiv_id)),
            Button(t(lang, "btn.pdf"), url=pdf_url(paper.arxiv_id)),
            Button(t(lang, "btn.hf"), url=hf_url(paper.arxiv_id)),
        )
    ]
    links = []
    if paper.github_repo:
        stars = f" ★{paper.github_stars:,}" if paper.github_stars else ""
        links.append(Button(t(lang, "btn.github") + stars, url=paper.github_repo))
    if paper.project_page:
        links.append(Button(t(lang, "btn.project"), url=paper.project_page))
    if links:
        rows.append(tuple(links))
    if saved is not None:
        label = t(lang, "btn.saved" if saved else "btn.save")
        rows.append((Button(label, callback_data=cb.encode(cb.ToggleSave(paper.arxiv_id))),))
    preview = paper.thumbnail or thumbnail_url(paper.arxiv_id)
    return Reply(text=text, buttons=tuple(rows), preview_url=preview)


def _number_buttons(papers: Sequence[Paper], first_rank: int) -> list[tuple[Button, ...]]:
    buttons = [
        Button(str(first_rank + i), callback_data=cb.encode(cb.OpenPaper(p.arxiv_id)))
        for i, p in enumerate(papers)
    ]
    return [
        tuple(buttons[i : i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW)
    ]


def _list_line(rank: int, paper: Paper, lang: Lang, growth: int | None = None) -> Markup:
    title = link(shorten(paper.title, LIST_TITLE), abs_url(paper.arxiv_id))
    votes = " · " + votes_text(paper.votes, lang)
    if growth is not None:
        votes += f" (+{growth})"
    return join([f"{rank}. ", title, votes])


def render_paper_list(
    title: str, papers: Sequence[Paper], lang: Lang, growth: Sequence[int] | None = None
) -> list[Reply]:
    """A numbered list with a button per paper, split into as few messages as fit;
    ``growth`` adds each paper's vote gain (for "rising")."""
    lines = [
        _list_line(rank, paper, lang, growth[rank - 1] if growth else None)
        for rank, paper in enumerate(papers, 1)
    ]
    chunks: list[list[int]] = [[]]
    header_room = len(title) + 40  # the header, with a "part i of n" suffix if split
    used = header_room
    for index, line in enumerate(lines):
        size = visible_length(line) + 1
        if chunks[-1] and used + size > TEXT_LIMIT:
            chunks.append([])
            used = header_room
        chunks[-1].append(index)
        used += size
    replies = []
    for number, chunk in enumerate(chunks, 1):
        header = title if len(chunks) == 1 else f"{title} ({number}/{len(chunks)})"
        text = join([bold(header), "", *(lines[i] for i in chunk)], "\n")
        subset = [papers[i] for i in chunk]
        replies.append(Reply(text, tuple(_number_buttons(subset, chunk[0] + 1)), preview_url=None))
    return replies


def render_search_page(
    query: str,
    hits: Sequence[SearchHit],
    total: int,
    page: int,
    per_page: int,
    session_id: int,
    lang: Lang,
    matches: int | None = None,
) -> Reply:
    """One page of results: title, date, votes and a snippet with matches in bold."""
    pages = max(1, -(-total // per_page))
    header = join(
        [
            bold("🔎 " + t(lang, "search.title", query=shorten(" ".join(query.split()), 60))),
            " · " + t(lang, "search.count", total=f"{matches if matches is not None else total:,}"),
            " · " + t(lang, "search.page", page=page + 1, pages=pages),
        ]
    )
    entries = []
    first_rank = page * per_page + 1
    for rank, hit in enumerate(hits, first_rank):
        paper = hit.paper
        meta = " · ".join(
            x
            for x in (paper.date.isoformat() if paper.date else "", votes_text(paper.votes, lang))
            if x
        )
        lines = [
            join(
                [f"{rank}. ", bold(link(shorten(paper.title, LIST_TITLE), abs_url(paper.arxiv_id)))]
            )
        ]
        lines.append(escape(meta))
        if hit.snippet.text:
            lines.append(highlight(hit.snippet.text, hit.snippet.spans))
        entries.append(join(lines, "\n"))
    text = join([header, *entries], "\n\n")
    rows = _number_buttons([h.paper for h in hits], first_rank)
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(
                Button(
                    t(lang, "btn.prev"),
                    callback_data=cb.encode(cb.SearchPage(session_id, page - 1)),
                )
            )
        nav.append(Button(f"{page + 1}/{pages}", callback_data=cb.encode(cb.Noop())))
        if page + 1 < pages:
            nav.append(
                Button(
                    t(lang, "btn.next"),
                    callback_data=cb.encode(cb.SearchPage(session_id, page + 1)),
                )
            )
        rows.append(tuple(nav))
    return Reply(text, tuple(rows), preview_url=None)


def render_text(text: str) -> Reply:
    """A plain message: the text escaped, no buttons, no preview."""
    return Reply(escape(text))


def period_label(start: dt.date | None, end: dt.date | None, lang: Lang) -> str:
    if start is None:
        return t(lang, "period.all")
    if start == end:
        return start.isoformat()
    return t(lang, "period.range", start=start.isoformat(), end=end.isoformat() if end else "")


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


def delivery_text(settings: ChatSettings, zone: str, lang: Lang) -> str:
    if settings.delivery_time is None:
        return t(lang, "settings.instant")
    return t(lang, "settings.at", time=settings.delivery_time, zone=zone)


def render_settings(settings: ChatSettings, zone: str, lang: Lang) -> Reply:
    """The /settings menu: current values, and a button for each common choice."""
    fmt = t(lang, f"settings.format.{settings.format}")
    lines = [
        bold("⚙️ " + t(lang, "settings.title")),
        t(lang, "settings.delivery", when=delivery_text(settings, zone, lang)),
        t(lang, "settings.format", format=fmt),
        t(lang, "settings.min_votes", votes=settings.min_votes),
        t(lang, "settings.language", language=t(lang, "language.name")),
        t(
            lang,
            "settings.notifications",
            state=t(lang, "settings.off" if settings.quiet else "settings.on"),
        ),
        t(
            lang,
            "settings.status",
            state=t(lang, "settings.paused" if settings.paused else "settings.active"),
        ),
        "",
        t(lang, "settings.more"),
    ]

    def option(label: str, name: str, value: str, chosen: bool) -> Button:
        return Button(
            ("✓ " if chosen else "") + label, callback_data=cb.encode(cb.SetOption(name, value))
        )

    times = [option(t(lang, "btn.instant"), "time", "instant", settings.delivery_time is None)]
    times += [option(hhmm, "time", hhmm, settings.delivery_time == hhmm) for hhmm in MENU_TIMES]
    rows: list[tuple[Button, ...]] = [tuple(times[:4]), tuple(times[4:])]
    rows.append(
        (
            option(t(lang, "btn.cards"), "fmt", "cards", settings.format == "cards"),
            option(t(lang, "btn.compact"), "fmt", "compact", settings.format == "compact"),
        )
    )
    rows.append(
        tuple(option(f"▲{v}", "votes", str(v), settings.min_votes == v) for v in MENU_VOTES)
    )
    rows.append(
        tuple(option(t(code, "language.name"), "lang", code, code == lang) for code in LANGUAGES)
    )
    rows.append(
        (
            option(
                t(lang, "btn.quiet_off" if settings.quiet else "btn.quiet_on"),
                "quiet",
                "0" if settings.quiet else "1",
                False,
            ),
            option(
                t(lang, "btn.resume" if settings.paused else "btn.pause"),
                "pause",
                "0" if settings.paused else "1",
                False,
            ),
        )
    )
    return Reply(join(lines, "\n"), tuple(rows))


def topic_label(topic: str, lang: Lang) -> str:
    return t(lang, "topics.everything") if topic == EVERYTHING else topic


def render_topics(topics: Sequence[str], lang: Lang) -> Reply:
    """The chat's topics, and a toggle button for every built-in one."""
    lines = [bold("🏷 " + t(lang, "topics.title"))]
    if not topics:
        lines.append(t(lang, "sub.none"))
    if EVERYTHING in topics:
        lines.append("• " + t(lang, "topics.everything"))
    custom = [topic for topic in topics if topic != EVERYTHING and topic not in BUILTIN]
    if custom:
        lines += ["", t(lang, "topics.custom"), *(f"• {topic}" for topic in custom)]
    lines += ["", t(lang, "topics.tap")]
    buttons = [
        Button(
            ("✓ " if slug in topics else "") + slug, callback_data=cb.encode(cb.ToggleTopic(slug))
        )
        for slug in BUILTIN
    ]
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return Reply(join(lines, "\n"), rows)
