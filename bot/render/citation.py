"""A paper as a citation: a BibTeX ``@misc`` entry and a RIS record (Zotero's native import).

Pure text, no Telegram: the 📚 button shows the BibTeX entry, ``paperboy export --format
bibtex|ris`` writes every paper. What a reference manager reads must always parse: LaTeX's
special characters are escaped, titles keep their capitals in an extra pair of braces, and a
paper with hundreds of authors lists the first ``BIBTEX_AUTHORS`` and "and others".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.core.i18n import Lang, t
from bot.core.limits import TEXT_LIMIT
from bot.core.models import Paper
from bot.render.html import join, pre
from bot.render.reply import Reply

BIBTEX_AUTHORS = 50  # authors listed in a BibTeX entry; more become "and others"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ARXIV_DATE = re.compile(r"^(\d{2})(\d{2})\.")
# LaTeX's specials and what stands for each. Braces become \textbraceleft{} and
# \textbraceright{}, not \{ and \}: BibTeX counts braces without regard to backslashes, so
# a lone escaped brace would unbalance the field and swallow the rest of the entry.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _SPECIALS))
_KEY_STOP = frozenset(
    "a an the of on in for to and with via from towards toward is are".split()  # noqa: SIM905
)


def latex(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (in one pass: an escape is never
    escaped again), on one line."""
    return _SPECIAL.sub(lambda m: _SPECIALS[m.group()], " ".join(text.split()))


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def year_month(paper: Paper) -> tuple[int | None, int | None]:
    """The year and month of the arXiv id (2409.12917: September 2024), else of its date."""
    found = _ARXIV_DATE.match(paper.arxiv_id)
    if found:
        return 2000 + int(found.group(1)), int(found.group(2))
    if paper.date is not None:
        return paper.date.year, paper.date.month
    return None, None


def bibtex_key(paper: Paper) -> str:
    """``he2024scaling``: the first author's last name, the year, the title's first word
    that says something; ASCII only (a Hangul name gives way to ``arxiv``)."""
    last = _ascii_word(paper.authors[0].split()[-1]) if paper.authors else ""
    year, _ = year_month(paper)
    words = [_ascii_word(w) for w in re.findall(r"\w+", paper.title)]
    word = next((w for w in words if w and w not in _KEY_STOP), "")
    return f"{last or 'arxiv'}{year or ''}{word[:20]}"


def _author(name: str) -> str:
    escaped = latex(name)
    # A name with " and " in it would split into two authors: braced, it stays one.
    return f"{{{escaped}}}" if re.search(r"\band\b", escaped, re.I) else escaped


def bibtex(paper: Paper, key: str | None = None) -> str:
    """One ``@misc`` entry for an arXiv paper."""
    year, month = year_month(paper)
    authors = [_author(a) for a in paper.authors[:BIBTEX_AUTHORS] if a.strip()]
    if len(paper.authors) > BIBTEX_AUTHORS:
        authors.append("others")
    fields = [
        ("title", f"{{{latex(paper.title)}}}"),
        ("author", " and ".join(authors)),
        ("year", str(year) if year else ""),
        ("month", _MONTHS[month - 1] if month else ""),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv"),
        ("url", f"https://arxiv.org/abs/{paper.arxiv_id}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key or bibtex_key(paper)},\n{body}\n}}\n"


class UniqueKeys:
    """Keys unique within one .bib file: the 2nd, 3rd, … paper with one key gets a, b, …"""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, paper: Paper) -> str:
        key = bibtex_key(paper)
        count = self._seen.get(key, 0)
        self._seen[key] = count + 1
        return key if count == 0 else key + _suffix(count)


def bibtex_file(papers: Iterable[Paper]) -> str:
    """Entries for ``papers``, their keys unique."""
    keys = UniqueKeys()
    return "\n".join(bibtex(paper, keys(paper)) for paper in papers)


def _suffix(count: int) -> str:
    """a, b, …, z, aa, ab, … for the 2nd, 3rd, … paper with one key."""
    letters = ""
    count -= 1
    while True:
        letters = chr(ord("a") + count % 26) + letters
        count = count // 26 - 1
        if count < 0:
            return letters


def ris(paper: Paper) -> str:
    """One RIS record (``TY  - UNPB``, an unpublished work: a preprint), with the abstract."""
    year, month = year_month(paper)
    lines = [("TY", "UNPB"), ("TI", paper.title)]
    lines += [("AU", author) for author in paper.authors if author.strip()]
    if year:
        lines.append(("PY", str(year)))
        lines.append(("DA", f"{year}/{month:02d}" if month else str(year)))
    if paper.abstract:
        lines.append(("AB", paper.abstract))
    lines += [
        ("UR", f"https://arxiv.org/abs/{paper.arxiv_id}"),
        ("AN", f"arXiv:{paper.arxiv_id}"),
        ("DB", "arXiv"),
    ]
    # One line a tag: RIS has no continuation lines.
    body = "\n".join(f"{tag}  - {' '.join(value.split())}" for tag, value in lines)
    return f"{body}\nER  - \n"


def ris_file(papers: Iterable[Paper]) -> str:
    return "\n".join(ris(paper) for paper in papers)


def citation_reply(paper: Paper, lang: Lang) -> Reply:
    """The 📚 answer: the BibTeX entry in a preformatted block, within Telegram's limit (a
    paper's entry is at most about 3,000 characters: 50 authors, a 500-character title)."""
    entry = bibtex(paper)
    if len(entry) > TEXT_LIMIT - 200:
        entry = entry[: TEXT_LIMIT - 200]  # never reached with the field limits; a guard
    text = join([t(lang, "cite.title", arxiv_id=paper.arxiv_id), pre(entry, "bibtex")], "\n")
    return Reply(text, (), preview_url=None)


def bib_documents(papers: Iterable[Paper], limit: int) -> list[bytes]:
    """``papers`` as .bib files of at most ``limit`` bytes each (UTF-8), split between
    entries, the keys unique across all of them."""
    keys = UniqueKeys()
    documents: list[bytes] = []
    current = b""
    for paper in papers:
        entry = (bibtex(paper, keys(paper)) + "\n").encode()
        if current and len(current) + len(entry) > limit:
            documents.append(current)
            current = b""
        current += entry
    if current:
        documents.append(current)
    return documents
