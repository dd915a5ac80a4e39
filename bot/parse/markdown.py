"""Parse Daily Papers markdown digests (every era of the format) into ``Digest`` objects.

markdown-it finds the block structure (headings outside code fences and HTML blocks); the
lines between two headings are then read as one entry. Problems become ``ParseIssue``s with
the file and line, and parsing goes on with the next entry: one bad entry never loses a file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from bot.core.arxiv import abs_url, parse_arxiv_ref, thumbnail_url
from bot.core.limits import (
    ENTRIES_PER_DAY,
    ENTRY_CHARS,
    FILE_BYTES,
    HEADINGS_PER_FILE,
    ISSUES_PER_FILE,
)
from bot.core.models import Digest, Paper, ParseIssue, ParseResult
from bot.parse.bounds import bounded
from bot.parse.textclean import (
    clean_text,
    normalize_section_name,
    parse_authors,
    unrepr_list,
)

# Only what is needed to find headings reliably: inline parsing is not needed and is the
# slow part of markdown-it, so the "zero" preset keeps it to plain text.
_MD = MarkdownIt("zero").enable(["heading", "fence", "code", "html_block"])

_NEWLINE = re.compile(r"\r\n?|\n")
_DIGEST_HEADING = re.compile(r"^Daily Papers \((?P<date>[^)]*)\)\s*$", re.IGNORECASE)
_ENTRY_HEADING = re.compile(r"^\[(?P<title>.+)\]\((?P<url>[^()\s]+)\)\s*$")
_IMAGE = re.compile(r"^!\[[^\]]*\]\((?P<url>[^)\s]*)\)\s*$")
_WATCH_VIDEO = re.compile(r"^\[Watch Video\]\(?(?P<url>[^)\s]*)\)?\s*$", re.IGNORECASE)
_VIDEO_TAG = re.compile(r"^(?:<div>\s*)?<video\b", re.IGNORECASE)
_VOTE = re.compile(r"^Vote:\s*(?P<value>.*)$")
_AUTHORS = re.compile(r"^Authors:\s*(?P<value>.*)$")
_BULLET = re.compile(r"^[-*+]\s+(?P<text>.*)$")
# "- **What's New**: text", "- ***What's New***: text", "- **What's New:** text"
_KEYED = re.compile(
    r"^\*{2,3}(?P<key>[^*\n]{1,80}?)(?::\*{2,3}|\*{2,3}\s*:)\s*(?P<value>.*)$", re.DOTALL
)
MAIN_SECTIONS = ("What's New", "Technical Details", "Performance Highlights")
_PAPER_ART_HOSTS = (
    "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/",
    "https://cdn-uploads.huggingface.co/production/uploads/",
)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def parse_digest(text: str, source: str = "<digest>") -> ParseResult:
    """Parse one markdown file: a digest file (one or more digests) or the feed's README.

    Anything outside ``## Daily Papers (date)`` sections (the README's project description,
    license, citation) is ignored; a file with no such section is reported as not a digest.
    The file is read a piece at a time (``_pieces``: heading to heading), so memory grows
    with one entry, not with the file: 100 MB of newlines once took 15 GB in one parse.
    """
    issues: list[ParseIssue] = []
    digests: list[Digest] = []
    current: _DigestBuilder | None = None
    saw_digest_heading = False

    pieces = _pieces(text)
    if len(pieces) > HEADINGS_PER_FILE:
        issues.append(
            ParseIssue(
                source,
                pieces[HEADINGS_PER_FILE].line + 1,
                f"over {HEADINGS_PER_FILE:,} headings in one file; the rest skipped",
            )
        )
        del pieces[HEADINGS_PER_FILE:]
    for piece in pieces:
        if piece.size > ENTRY_CHARS:
            issues.append(
                ParseIssue(
                    source,
                    piece.line + 1,
                    f"{piece.size:,} characters under one heading, over the"
                    f" {ENTRY_CHARS:,} an entry may have; skipped",
                )
            )
            # Only a day heading is read from it (its entries in other pieces still count).
            headings = [piece.heading] if piece.heading and piece.heading[0] <= 2 else []
            lines = []
        else:
            headings = _headings(piece.text)
            lines = _NEWLINE.split(piece.text)
        for index, (level, at, content) in enumerate(headings):
            line_no = piece.line + at
            if level <= 2:
                if current is not None:
                    _finish(current, text[current.start : piece.offset(at)], digests)
                    current = None
                match = _DIGEST_HEADING.match(content) if level == 2 else None
                if match:
                    saw_digest_heading = True
                    date = _parse_date(match.group("date"))
                    if date is None:
                        issues.append(
                            ParseIssue(
                                source, line_no + 1, f"bad digest date {match.group('date')!r}"
                            )
                        )
                    else:
                        current = _DigestBuilder(date, line_no + 1, piece.offset(at))
                continue
            if current is None or level != 3:
                continue
            end = headings[index + 1][1] if index + 1 < len(headings) else len(lines)
            body = [(piece.line + n + 1, lines[n]) for n in range(at + 1, min(end, len(lines)))]
            paper = _parse_entry(content, line_no + 1, body, current.date, source, issues)
            if paper is not None:
                current.add(
                    bounded(paper, source, line_no + 1, issues), line_no + 1, source, issues
                )
        if current is not None and piece.size > ENTRY_CHARS:
            current.damaged = True  # a refused piece: the day's markdown is not whole

    if current is not None:
        _finish(current, text[current.start :], digests)
    if not saw_digest_heading:
        issues.append(
            ParseIssue(source, 1, "not a digest: no '## Daily Papers (YYYY-MM-DD)' heading")
        )
    if len(issues) > ISSUES_PER_FILE:
        more = len(issues) - ISSUES_PER_FILE
        issues[ISSUES_PER_FILE:] = [ParseIssue(source, 0, f"{more:,} more problems not listed")]
    return ParseResult(source=source, digests=tuple(digests), issues=tuple(issues))


def _finish(day: _DigestBuilder, markdown: str, digests: list[Digest]) -> None:
    """A day read: kept, unless a refused piece left it without a paper (not an empty day)."""
    if day.papers or not day.damaged:
        digests.append(day.build(markdown))


@dataclass(frozen=True)
class _Piece:
    """The text from one candidate heading to the next (``whole[start:end]``, sliced only
    when read: a refused piece is never copied), its first line (0-based), and the heading
    as the line says it (for a piece too long to parse)."""

    whole: str
    start: int
    end: int
    line: int
    heading: tuple[int, int, str] | None

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def text(self) -> str:
        return self.whole[self.start : self.end]

    def offset(self, line: int) -> int:
        """The file offset of this piece's ``line`` (0-based, relative)."""
        position = self.start
        for _ in range(line):
            position = self.whole.index("\n", position) + 1
        return position


# A line that may be a level-2 or level-3 heading, or a code fence (headings inside one are
# not headings). Found by one regular-expression scan, never a Python loop over every line.
_CANDIDATE = re.compile(
    r"^(?:(?P<hashes>#{2,3})[ \t]+(?P<text>[^\n]*)|(?P<fence>```|~~~)[^\n]*)$", re.M
)


def _pieces(text: str) -> list[_Piece]:
    """``text`` cut before each ``##``/``###`` line outside a code fence. Each piece is then
    parsed alone by markdown-it, so its memory is one piece's, and line numbers stay the
    file's."""
    cuts: list[tuple[int, tuple[int, int, str] | None]] = [(0, None)]
    fence: str | None = None
    for match in _CANDIDATE.finditer(text):
        if match.group("fence"):
            marker = match.group("fence")
            fence = None if fence == marker else (fence or marker)
        elif fence is None and match.start() > 0:
            level = len(match.group("hashes"))
            cuts.append(
                (match.start(), (level, 0, match.group("text").strip().rstrip("#").strip()))
            )
        elif fence is None:
            level = len(match.group("hashes"))
            cuts[0] = (0, (level, 0, match.group("text").strip().rstrip("#").strip()))
    pieces = []
    line = 0
    for index, (start, heading) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else len(text)
        if index:
            line += text.count("\n", cuts[index - 1][0], start)
        pieces.append(_Piece(text, start, end, line, heading))
    return pieces


@dataclass
class _DigestBuilder:
    date: dt.date
    line: int
    start: int  # the file offset of its heading
    papers: list[Paper] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    damaged: bool = False  # a piece of it was refused: its markdown is not kept
    overflowed: bool = False  # entries past ENTRIES_PER_DAY were skipped

    def add(self, paper: Paper, line: int, source: str, issues: list[ParseIssue]) -> None:
        if len(self.papers) >= ENTRIES_PER_DAY:
            if not self.overflowed:
                issues.append(
                    ParseIssue(
                        source,
                        line,
                        f"over {ENTRIES_PER_DAY:,} entries in one day; the rest skipped",
                    )
                )
            self.overflowed = self.damaged = True
            return
        if paper.arxiv_id in self.seen:
            issues.append(
                ParseIssue(
                    source, line, f"{paper.arxiv_id} listed twice in this digest; kept the first"
                )
            )
            return
        self.seen.add(paper.arxiv_id)
        self.papers.append(paper)

    def build(self, markdown: str) -> Digest:
        # Kept byte for byte for export, unless a piece of it was refused or it is too big
        # to be a day's digest.
        kept = "" if self.damaged or len(markdown) > FILE_BYTES else markdown
        return Digest(self.date, tuple(self.papers), self.line, kept)


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(level, 0-based line, text) of every ATX heading markdown-it sees."""
    tokens = _MD.parse(text)
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            found.append((int(token.tag[1:]), token.map[0], tokens[i + 1].content.strip()))
    return found


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _parse_entry(
    heading: str,
    line_no: int,
    body: list[tuple[int, str]],
    date: dt.date,
    source: str,
    issues: list[ParseIssue],
) -> Paper | None:
    match = _ENTRY_HEADING.match(heading)
    arxiv_id = parse_arxiv_ref(match.group("url")) if match else None
    if match is None or arxiv_id is None:
        issues.append(
            ParseIssue(
                source, line_no, f"entry heading is not '[title](arXiv link)': {heading[:80]!r}"
            )
        )
        return None
    title = " ".join(clean_text(match.group("title")).split())

    media: str | None = None
    has_media = False
    votes: int | None = None
    authors: tuple[str, ...] = ()
    bullets: list[list[str]] = []

    for number, raw in body:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            if bullets:
                bullets[-1].append("")
            continue
        if bullets and not _BULLET.match(line) and (line[:1].isspace() or not _is_meta(stripped)):
            bullets[-1].append(line)  # a continuation: numbered or indented lines of a value
            continue
        if image := _IMAGE.match(stripped):
            has_media = True
            media = media or image.group("url")
        elif _WATCH_VIDEO.match(stripped) or _VIDEO_TAG.match(stripped):
            has_media = True
        elif vote := _VOTE.match(stripped):
            value = vote.group("value").strip()
            if value.lstrip("-").isdigit():
                votes = int(value)
            elif value not in ("-", ""):
                issues.append(ParseIssue(source, number, f"unreadable vote count {value!r}"))
        elif author_line := _AUTHORS.match(stripped):
            authors = parse_authors(author_line.group("value"))
        elif bullet := _BULLET.match(line):
            bullets.append([bullet.group("text")])
        else:
            bullets.append([line])  # stray summary text before any bullet

    sections, summary = _summary(bullets)
    if not sections and not summary:
        issues.append(ParseIssue(source, line_no, f"{arxiv_id} has no summary"))
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        url=abs_url(arxiv_id),
        thumbnail=_thumbnail(media, has_media, arxiv_id),
        votes=votes,
        authors=authors,
        sections=sections,
        summary=summary,
        date=date,
    )


def _is_meta(line: str) -> bool:
    return bool(
        _IMAGE.match(line)
        or _WATCH_VIDEO.match(line)
        or _VIDEO_TAG.match(line)
        or _VOTE.match(line)
        or _AUTHORS.match(line)
    )


def _summary(bullets: list[list[str]]) -> tuple[dict[str, str], str]:
    """Split bullets into keyed sections and the plain-bullet summary.

    A section ending in ':' introduces a list the feed wrote as top-level keyed bullets
    ("- **LLM**: ...", "- **Projector**: ..."); those stay items of that section rather than
    becoming sections of their own.
    """
    sections: dict[str, str] = {}
    plain: list[str] = []
    listing: str | None = None  # the section whose ':' opened a list
    for parts in bullets:
        text = "\n".join(parts)
        keyed = _KEYED.match(text)
        if keyed:
            name = normalize_section_name(keyed.group("key"))
            value = clean_text(unrepr_list(clean_text(keyed.group("value"))))
            if listing is not None and name not in MAIN_SECTIONS:
                sections[listing] = f"{sections[listing]}\n- {name}: {value}"
                continue
            sections[name] = f"{sections[name]}\n{value}".strip() if name in sections else value
            listing = name if value.endswith(":") else None
        else:
            cleaned = clean_text(text)
            if cleaned:
                plain.append(f"- {cleaned}")
    return sections, "\n".join(plain)


def _thumbnail(media: str | None, has_media: bool, arxiv_id: str) -> str | None:
    """Paper art as listed, else the arXiv-id thumbnail when the entry had some media.

    Avatars, relative paths and videos are not pictures of the paper; Hugging Face renders a
    social thumbnail for every listed paper, so that URL stands in for them.
    """
    if media and media.startswith(_PAPER_ART_HOSTS) and media.lower().endswith(_IMAGE_SUFFIXES):
        return media
    if has_media:
        return thumbnail_url(arxiv_id)
    return None
