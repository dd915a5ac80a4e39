"""The Hugging Face daily papers API (``/api/daily_papers?date=YYYY-MM-DD``) as digests.

One response is a JSON list of entries; each becomes a ``Paper`` listed on the date it was
submitted to Daily Papers (``paper.submittedOnDailyAt``, else the requested date), never its
arXiv ``publishedAt``. Entries are deduplicated by arXiv id; an unreadable entry is reported
and the rest still load.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from typing import Any

from bot.core.arxiv import abs_url, parse_arxiv_ref, thumbnail_url
from bot.core.limits import ENTRIES_PER_DAY
from bot.core.models import Digest, Paper, ParseIssue, ParseResult
from bot.parse.bounds import bounded
from bot.parse.textclean import clean_text

PAGE_SIZE = 100  # the API's maximum ``limit``


def _text(value: Any) -> str:
    return " ".join(clean_text(value).split()) if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def entry_to_paper(entry: dict[str, Any], requested: dt.date | None) -> Paper:
    """One API entry → a Paper; raises ValueError (with a reason) when it has no arXiv id."""
    paper = entry.get("paper")
    if not isinstance(paper, dict):
        raise ValueError("entry has no 'paper' object")
    arxiv_id = parse_arxiv_ref(str(paper.get("id", "")))
    if arxiv_id is None:
        raise ValueError(f"no arXiv id in paper.id {str(paper.get('id'))[:40]!r}")
    title = _text(paper.get("title")) or _text(entry.get("title"))
    if not title:
        raise ValueError(f"{arxiv_id} has no title")
    authors = tuple(
        dict.fromkeys(
            _text(a.get("name"))
            for a in paper.get("authors") or []
            if isinstance(a, dict) and _text(a.get("name"))
        )
    )
    keywords = tuple(_text(k) for k in paper.get("ai_keywords") or [] if _text(k))
    thumbnail = _url(entry.get("thumbnail"))
    if thumbnail is None or "/avatars/" in thumbnail or thumbnail.endswith(".mp4"):
        thumbnail = thumbnail_url(arxiv_id)
    listed = _date(paper.get("submittedOnDailyAt")) or requested
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        url=abs_url(arxiv_id),
        thumbnail=thumbnail,
        votes=_int(paper.get("upvotes")),
        authors=authors,
        date=listed,
        abstract=clean_text(paper.get("summary") or entry.get("summary") or ""),
        ai_summary=_text(paper.get("ai_summary")),
        ai_keywords=keywords,
        github_repo=_url(paper.get("githubRepo")),
        github_stars=_int(paper.get("githubStars")),
        project_page=_url(paper.get("projectPage")),
        num_comments=_int(entry.get("numComments")),
        **_organization(entry.get("organization") or paper.get("organization")),
    )


def _organization(value: Any) -> dict[str, str | None]:
    """The listing's organization: its short name (``google``) and full name (``Google``)."""
    if not isinstance(value, dict):
        return {}
    name = _text(value.get("name"))[:100] or None
    full = _text(value.get("fullname"))[:200] or name
    return {"organization": name, "organization_name": full} if name else {}


def parse_hf_api(text: str, source: str, requested: dt.date | None = None) -> ParseResult:
    """A saved or fetched API response → digests, one per listing date, in API order."""
    try:
        data = json.loads(text)
    except ValueError as error:
        return ParseResult(source, (), (ParseIssue(source, 1, f"not JSON: {error}"),))
    if not isinstance(data, list):
        return ParseResult(
            source,
            (),
            (ParseIssue(source, 1, "not a daily papers response: expected a JSON list"),),
        )
    issues: list[ParseIssue] = []
    if len(data) > ENTRIES_PER_DAY:
        issues.append(
            ParseIssue(
                source,
                ENTRIES_PER_DAY + 1,
                f"{len(data):,} entries, over the {ENTRIES_PER_DAY:,} a listing may have;"
                " the rest skipped",
            )
        )
    by_date: OrderedDict[dt.date, OrderedDict[str, Paper]] = OrderedDict()
    for index, entry in enumerate(data[:ENTRIES_PER_DAY]):
        try:
            if not isinstance(entry, dict):
                raise ValueError("entry is not an object")
            paper = bounded(entry_to_paper(entry, requested), source, index + 1, issues)
        except ValueError as error:
            issues.append(ParseIssue(source, index + 1, f"entry {index + 1}: {error}"))
            continue
        if paper.date is None:
            issues.append(ParseIssue(source, index + 1, f"entry {index + 1}: no listing date"))
            continue
        day = by_date.setdefault(paper.date, OrderedDict())
        day.setdefault(paper.arxiv_id, paper)  # deduplicate by arXiv id, first wins
    digests = tuple(Digest(date, tuple(papers.values())) for date, papers in by_date.items())
    return ParseResult(source, digests, tuple(issues), len(data))


def day_url(base: str, day: dt.date, page: int, limit: int = PAGE_SIZE) -> str:
    return f"{base}?date={day.isoformat()}&p={page}&limit={limit}"
