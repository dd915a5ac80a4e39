"""Papers as an Atom 1.0 feed (RFC 4287), for readers who live outside Telegram.

Written with ElementTree, so every text is escaped by the XML writer, a model's ``<script>``
included; characters XML 1.0 cannot hold (control characters from bad JSON escapes, which
real digests have) are dropped first. Entry ids are ``tag:`` URIs (RFC 4151) from the arXiv
id, the same in every run; ``updated`` comes from the data (the listing date, or when the
summary shown was written), never from the clock, so the same archive gives the same bytes
and publishing twice commits nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.arxiv import abs_url, hf_url, pdf_url
from bot.core.i18n import Lang, t
from bot.core.models import Paper
from bot.render.cards import summary_blocks, votes_text

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "tag:paperboy.invalid,2026:"  # .invalid: a name no one else can mint under
AUTHORS_LISTED = 50  # then one more author element, "and N others"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class FeedEntry:
    """A paper as read in the feed's language, when it was first and last listed, and when
    its entry last changed."""

    paper: Paper
    first_listed: dt.date
    updated: dt.datetime


def entry_id(arxiv_id: str) -> str:
    return f"{TAG_AUTHORITY}arxiv/{arxiv_id}"


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def render_atom(entries: Sequence[FeedEntry], lang: Lang, link: str | None = None) -> str:
    """The feed document. ``link``: where the feed is published (its rel="self"), if known."""
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    _text(feed, "id", f"{TAG_AUTHORITY}feed/{lang}")
    _text(feed, "title", t(lang, "feed.title"))
    _text(feed, "subtitle", t(lang, "feed.subtitle"))
    newest = max((e.updated for e in entries), default=dt.datetime(2023, 5, 4, tzinfo=dt.UTC))
    _text(feed, "updated", _stamp(newest))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")  # for entries a listing gave no author
    _text(author, "name", "Paperboy")
    _text(feed, "generator", "Paperboy")
    if link:
        ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": link})
    for entry in entries:
        feed.append(_entry(entry, lang))
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'


def _entry(entry: FeedEntry, lang: Lang) -> ET.Element:
    paper = entry.paper
    node = ET.Element(f"{{{ATOM}}}entry")
    _text(node, "id", entry_id(paper.arxiv_id))
    _text(node, "title", " ".join(paper.title.split()))
    _text(node, "updated", _stamp(entry.updated))
    _text(node, "published", _stamp(_midnight(entry.first_listed)))
    for name in paper.authors[:AUTHORS_LISTED]:
        _text(ET.SubElement(node, f"{{{ATOM}}}author"), "name", name)
    if len(paper.authors) > AUTHORS_LISTED:
        more = t(lang, "feed.more_authors", count=len(paper.authors) - AUTHORS_LISTED)
        _text(ET.SubElement(node, f"{{{ATOM}}}author"), "name", more)
    links = (
        ("alternate", "text/html", "arXiv", abs_url(paper.arxiv_id)),
        ("related", "application/pdf", "PDF", pdf_url(paper.arxiv_id)),
        ("related", "text/html", "Hugging Face", hf_url(paper.arxiv_id)),
    )
    for rel, kind, title, href in links:
        ET.SubElement(node, f"{{{ATOM}}}link", {"rel": rel, "type": kind, "title": title,
                                                "href": href})  # fmt: skip
    _text(node, "summary", _summary(paper, lang), type="text")
    return node


def _summary(paper: Paper, lang: Lang) -> str:
    """What a card shows, as plain text: the date and votes, then each section."""
    listed = paper.date.isoformat() if paper.date else ""
    lines = [f"📅 {listed} · {votes_text(paper.votes, lang)}".strip(" ·")]
    for label, text in summary_blocks(paper, lang):
        lines += ["", label, text]
    if paper.summary_model:
        lines += ["", t(lang, "feed.generated", model=paper.summary_model)]
    return "\n".join(lines)


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    node.text = xml_text(value)
    return node


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    """RFC 3339 in UTC, to the second: what Atom's date constructs require."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
