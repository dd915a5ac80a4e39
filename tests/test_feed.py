"""The Atom feed: valid Atom 1.0 by a real parser (feedparser) and by RFC 4287's rules read
from the XML, stable ids and times, escaped text, no control characters, the reader's
language."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from bot.app.cli import main
from bot.core.models import Paper
from bot.publish.feed import feed_entries, feed_text
from bot.render.atom import ATOM, FeedEntry, entry_id, render_atom
from bot.source.ingest import ingest
from storage import summaries
from storage.summaries import SummaryKey
from tests.conftest import FIXTURES

API_DAYS = Path(__file__).parent / "fixtures" / "hf_api"
NS = {"a": ATOM}
TAG_URI = re.compile(r"^tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:[\x21-\x7e]+$")  # RFC 4151
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture
async def filled(db):
    await ingest(db, [str(FIXTURES), str(API_DAYS)])
    return db


def check_atom(text: str) -> ET.Element:
    """RFC 4287's constraints that a schema states, read from the document."""
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{{{ATOM}}}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"a:{name}", NS)) == 1, name
    assert RFC3339.match(feed.findtext("a:updated", namespaces=NS))
    feed_has_author = feed.find("a:author/a:name", NS) is not None
    ids = []
    for entry in feed.findall("a:entry", NS):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        ids.append(entry.findtext("a:id", namespaces=NS))
        assert TAG_URI.match(ids[-1]), ids[-1]
        assert RFC3339.match(entry.findtext("a:updated", namespaces=NS))
        assert RFC3339.match(entry.findtext("a:published", namespaces=NS))
        assert feed_has_author or entry.find("a:author/a:name", NS) is not None
        links = entry.findall("a:link", NS)
        alternates = [link for link in links if link.get("rel") == "alternate"]
        assert len(alternates) == 1 and alternates[0].get("type") == "text/html"
        summary = entry.find("a:summary", NS)
        assert summary is not None and summary.get("type") == "text"
    assert len(ids) == len(set(ids))
    return feed


async def test_the_feed_is_valid_atom_to_a_real_parser_and_to_the_rfc(filled):
    text = await feed_text(filled, "ko")
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = check_atom(text)
    entries = await feed_entries(filled, "ko")
    assert len(parsed.entries) == len(entries) == len(feed.findall("a:entry", NS)) > 10
    first = parsed.entries[0]
    paper = entries[0].paper
    assert (
        first.id == entry_id(paper.arxiv_id) == f"tag:paperboy.invalid,2026:arxiv/{paper.arxiv_id}"
    )
    hrefs = {link.href for link in first.links}
    assert {f"https://arxiv.org/abs/{paper.arxiv_id}", f"https://arxiv.org/pdf/{paper.arxiv_id}",
            f"https://huggingface.co/papers/{paper.arxiv_id}"} <= hrefs  # fmt: skip
    assert [a.name for a in first.authors][:2] == list(paper.authors[:2])
    assert f"📅 {paper.date}" in first.summary and "▲" in first.summary


async def test_the_same_archive_gives_the_same_bytes(filled):
    assert await feed_text(filled, "en") == await feed_text(filled, "en")


async def test_each_language_gets_its_summary_with_the_cards_fallbacks(filled):
    entries = await feed_entries(filled, "en")
    paper = entries[0].paper
    before = feedparser.parse(await feed_text(filled, "en")).entries[0].summary
    sections = {"What's New": "A generated English summary of this paper's contribution."}
    written = dt.datetime(2026, 8, 25, 9, 30, tzinfo=dt.UTC)
    await summaries.store(filled, paper.arxiv_id, SummaryKey("en", "qwen-test", "1"), sections,
                          10, written)  # fmt: skip
    en = feedparser.parse(await feed_text(filled, "en")).entries[0]
    assert "A generated English summary" in en.summary and en.summary != before
    assert "Summary written by qwen-test" in en.summary
    assert en.updated == "2026-08-25T09:30:00Z"  # the entry changed when its summary came
    ko = feedparser.parse(await feed_text(filled, "ko")).entries[0]
    assert "A generated English summary" not in ko.summary


def test_hostile_text_is_escaped_and_control_characters_dropped():
    paper = Paper(
        arxiv_id="2409.00001",
        title="<script>alert('x')</script> & Friends\x08\x0c",
        url="u",
        authors=("Ada <ada@example.org>", "Bob\x00"),
        sections={"What's New": "Uses <b>bold</b> & \x1b[31m colours ]]> and \ufffe."},
        date=dt.date(2024, 9, 1),
        votes=3,
    )
    moment = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    text = render_atom([FeedEntry(paper, dt.date(2024, 9, 1), moment)], "en")
    check_atom(text)
    entry = feedparser.parse(text).entries[0]
    assert entry.title == "<script>alert('x')</script> & Friends"
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Uses <b>bold</b> & [31m colours ]]> and ." in entry.summary
    assert [a.name for a in entry.authors] == ["Ada <ada@example.org>", "Bob"]


def test_many_authors_are_capped_with_a_count():
    authors = tuple(f"Author {i}" for i in range(120))
    paper = Paper(arxiv_id="2409.00002", title="Big", url="u", authors=authors)
    moment = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    text = render_atom([FeedEntry(paper, dt.date(2024, 9, 1), moment)], "en")
    names = [a.name for a in feedparser.parse(text).entries[0].authors]
    assert len(names) == 51 and names[-1] == "and 70 others"


def test_an_empty_archive_is_a_valid_empty_feed():
    text = render_atom([], "ko")
    check_atom(text)
    assert feedparser.parse(text).bozo == 0


def test_paperboy_feed_writes_a_file_of_the_last_days(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PAPERBOY_DB", str(tmp_path / "d.sqlite3"))
    assert main(["ingest", str(FIXTURES), "--no-index"]) == 0
    out = tmp_path / "feeds" / "ko.xml"
    assert main(["feed", "--lang", "ko", "--days", "3", "-o", str(out)]) == 0
    parsed = feedparser.parse(out.read_text(encoding="utf-8"))
    assert parsed.bozo == 0 and parsed.entries
    listed = {re.search(r"📅 (\S+)", e.summary).group(1) for e in parsed.entries}
    assert listed and all("2024-10-16" <= day <= "2024-10-18" for day in listed)


async def test_a_digest_summary_the_check_withheld_is_not_in_the_feed(db):
    await ingest(db, [str(FIXTURES)])
    entries = await feed_entries(db, "ko")
    paper = next(e.paper for e in entries if e.paper.sections)
    shown = next(iter(paper.sections.values()))[:40]
    assert shown in await feed_text(db, "ko")
    await summaries.set_digest_checks(db, {paper.arxiv_id: "off-topic"})
    text = await feed_text(db, "ko")
    assert shown not in text
    withheld = next(e for e in feedparser.parse(text).entries if paper.arxiv_id in e.id)
    assert paper.title.split()[0] in withheld.title
