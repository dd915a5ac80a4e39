"""A paper as a card: the linked title, date, votes, authors, the summary's sections and the
buttons under it. Every length limit is enforced here: a card longer than 4096 characters has
its longest sections trimmed (before escaping, so a cut never lands inside a tag or an
entity)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.arxiv import abs_url, hf_url, pdf_url, thumbnail_url
from bot.core.i18n import Lang, t
from bot.core.limits import TEXT_LIMIT
from bot.core.models import Paper, Tally
from bot.render import callbacks as cb
from bot.render.html import Markup, blockquote, bold, escape, join, link, shorten, visible_length
from bot.render.reply import Button, Reply

MAX_TITLE = 300
MAX_AUTHOR = 80
SHOWN_AUTHORS = 3
MIN_SECTION = 40  # a section trimmed below this is dropped rather than kept as a stub

_LABELS = {
    "What's New": "card.section.whats_new",
    "Technical Details": "card.section.technical",
    "Performance Highlights": "card.section.performance",
}
_OPEN_SECTIONS = ("What's New", "Performance Highlights")  # shown as paragraphs


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


def summary_blocks(paper: Paper, lang: Lang) -> list[tuple[str, str]]:
    """(label, text) of each part a card shows, in its order, as plain text (the feed's)."""
    return [(b.label, _bullets(b.text) if b.bullets else b.text) for b in _blocks(paper, lang)]


def _bullets(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join("• " + line.lstrip("-*• ").strip() for line in lines)


def _card_markup(
    paper: Paper, lang: Lang, blocks: list[_Block], reason: str | None = None
) -> Markup:
    head = [bold(link(shorten(paper.title, MAX_TITLE), abs_url(paper.arxiv_id)))]
    if reason:  # why a chat got it beyond its topics: a followed name
        head.insert(0, escape(shorten(reason, 200)))
    meta = []
    if paper.date:
        meta.append(f"📅 {paper.date.isoformat()}")
    meta.append(votes_text(paper.votes, lang))
    if paper.summary_model:
        meta.append(f"🤖 {shorten(paper.summary_model, 40)}")  # the summary is generated
    if paper.digest_withheld:
        meta.append(t(lang, "card.digest_withheld"))  # the digest's summary failed the check
    head.append(escape(" · ".join(meta)))
    if paper.authors:
        head.append(escape("👥 " + authors_text(paper.authors, lang)))
    if paper.organization_name:
        head.append(escape("🏢 " + shorten(paper.organization_name, 80)))
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


def _count(mark: str, count: int) -> str:
    return f"{mark} {count}" if count else mark


def render_card(
    paper: Paper,
    lang: Lang,
    saved: bool | None = False,
    similar: bool = True,
    tally: Tally | None = None,
    reason: str | None = None,
) -> Reply:
    """A paper card. ``saved=None`` leaves out the rating, save and similar buttons (inline
    results); ``similar=False`` leaves out the similar button (no embedding model);
    ``tally`` is the chat's 👍/👎 so far (none yet when left out); ``reason`` heads the card
    when a followed name brought it ("👤 Kaiming He")."""
    blocks = _blocks(paper, lang)
    text = _card_markup(paper, lang, blocks, reason)
    while visible_length(text) > TEXT_LIMIT and blocks:
        excess = visible_length(text) - TEXT_LIMIT
        longest = max(blocks, key=lambda b: len(b.text))
        target = len(longest.text) - excess
        if target < MIN_SECTION:
            blocks.remove(longest)
        else:
            longest.text = shorten(longest.text, target)
        text = _card_markup(paper, lang, blocks, reason)
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
    if saved is not None:  # an interactive card: 📚 beside the links
        rows[0] = (
            *rows[0],
            Button(t(lang, "btn.cite"), callback_data=cb.encode(cb.Cite(paper.arxiv_id))),
        )
        tally = tally or Tally()
        label = t(lang, "btn.saved" if saved else "btn.save")
        row = [
            Button(_count("👍", tally.likes), callback_data=cb.encode(cb.Rate(paper.arxiv_id, 1))),
            Button(
                _count("👎", tally.dislikes), callback_data=cb.encode(cb.Rate(paper.arxiv_id, -1))
            ),
            Button(label, callback_data=cb.encode(cb.ToggleSave(paper.arxiv_id))),
        ]
        if similar:
            row.append(
                Button(t(lang, "btn.similar"), callback_data=cb.encode(cb.Similar(paper.arxiv_id)))
            )
        if paper.authors or paper.organization:
            row.append(Button("👤", callback_data=cb.encode(cb.FollowPick(paper.arxiv_id))))
        rows.append(tuple(row))
    preview = paper.thumbnail or thumbnail_url(paper.arxiv_id)
    return Reply(text=text, buttons=tuple(rows), preview_url=preview)
