"""Numbered lists of papers (/top, /digest, /saved, compact deliveries) and search pages,
split across messages only where one would pass 4096 characters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.arxiv import abs_url
from bot.core.i18n import Lang, t
from bot.core.limits import FORYOU_PAGE, SEARCH_COUNT_CAP, TEXT_LIMIT
from bot.core.models import Paper, SearchHit
from bot.render import callbacks as cb
from bot.render.cards import votes_text
from bot.render.html import Markup, bold, escape, highlight, join, link, shorten, visible_length
from bot.render.reply import Button, Reply

LIST_TITLE = 110
BUTTONS_PER_ROW = 5


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
    if paper.github_stars:
        votes += f" · ⭐ {paper.github_stars:,}"
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


def _count(matches: int) -> str:
    """ "1,234", or "10,000+" where counting stopped (``SEARCH_COUNT_CAP``)."""
    return f"{SEARCH_COUNT_CAP:,}+" if matches >= SEARCH_COUNT_CAP else f"{matches:,}"


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
            " · " + t(lang, "search.count", total=_count(total if matches is None else matches)),
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


def render_foryou_page(
    picks: Sequence[tuple[Paper, str | None, str | None]],
    page: int,
    pages: int,
    period: str,
    lang: Lang,
) -> Reply:
    """One page of /foryou: (paper, the title of the liked paper it is closest to, its
    topic) each, with one line saying why, and ◀ ▶ between pages."""
    header = bold(t(lang, f"foryou.title.{period}"))
    entries = []
    first_rank = page * FORYOU_PAGE + 1
    for rank, (paper, liked_title, topic) in enumerate(picks, first_rank):
        meta = " · ".join(
            x
            for x in (paper.date.isoformat() if paper.date else "", votes_text(paper.votes, lang))
            if x
        )
        why = (
            t(lang, "foryou.because", title=shorten(liked_title, 60))
            if liked_title
            else t(lang, "foryou.topic", topic=topic or "")
        )
        title = bold(link(shorten(paper.title, LIST_TITLE), abs_url(paper.arxiv_id)))
        entries.append(join([join([f"{rank}. ", title]), escape(meta), escape(why)], "\n"))
    rows = _number_buttons([paper for paper, _, _ in picks], first_rank)
    if pages > 1:
        nav = []
        if page > 0:
            back = cb.encode(cb.ForYouPage(period, page - 1))
            nav.append(Button(t(lang, "btn.prev"), callback_data=back))
        nav.append(Button(f"{page + 1}/{pages}", callback_data=cb.encode(cb.Noop())))
        if page + 1 < pages:
            forward = cb.encode(cb.ForYouPage(period, page + 1))
            nav.append(Button(t(lang, "btn.next"), callback_data=forward))
        rows.append(tuple(nav))
    return Reply(join([header, *entries], "\n\n"), tuple(rows), preview_url=None)


def render_cold_start(picks: Sequence[tuple[Paper, str]], lang: Lang) -> Reply:
    """/start's papers to rate at once: (paper, its topic) each, numbered, with a 👍 and a
    👎 button per number."""
    entries = [
        join(
            [
                join(
                    [
                        f"{n}. ",
                        bold(link(shorten(paper.title, LIST_TITLE), abs_url(paper.arxiv_id))),
                    ]
                ),
                escape(f"🏷 {topic}"),
            ],
            "\n",
        )
        for n, (paper, topic) in enumerate(picks, 1)
    ]
    rows = tuple(
        (
            Button(f"{n} 👍", callback_data=cb.encode(cb.Rate(paper.arxiv_id, 1, in_list=True))),
            Button(f"{n} 👎", callback_data=cb.encode(cb.Rate(paper.arxiv_id, -1, in_list=True))),
        )
        for n, (paper, _) in enumerate(picks, 1)
    )
    text = join([bold(t(lang, "coldstart.title")), t(lang, "coldstart.how"), *entries], "\n\n")
    return Reply(text, rows, preview_url=None)


def period_label(start: dt.date | None, end: dt.date | None, lang: Lang) -> str:
    if start is None:
        return t(lang, "period.all")
    if start == end:
        return start.isoformat()
    return t(lang, "period.range", start=start.isoformat(), end=end.isoformat() if end else "")


def render_recap(
    title: str,
    sections: Sequence[tuple[str, Sequence[Paper]]],
    footer: str,
    lang: Lang,
) -> Reply:
    """The weekly recap: one message, its sections numbered on (a paper in two sections
    keeps its first number), a button per number; within Telegram's limit (the sections are
    at most 10 + 5 + 10 papers, each line short)."""
    numbers: dict[str, int] = {}
    ordered: list[Paper] = []
    parts = [bold(title)]
    for heading, papers in sections:
        if not papers:
            continue
        lines = [bold(heading)]
        for paper in papers:
            if paper.arxiv_id not in numbers:
                numbers[paper.arxiv_id] = len(ordered) + 1
                ordered.append(paper)
            lines.append(_list_line(numbers[paper.arxiv_id], paper, lang))
        parts.append(join(lines, "\n"))
    parts.append(escape(footer))
    text = join(parts, "\n\n")
    while visible_length(text) > TEXT_LIMIT and len(parts) > 2:
        parts.pop(-2)  # the last section goes first; the counts stay
        text = join(parts, "\n\n")
    return Reply(text, tuple(_number_buttons(ordered, 1)), preview_url=None)
