"""A paper's HTML rendering (arXiv's LaTeXML pages) → its sections, captions, tables and
reference titles, or a reason why the page holds no paper.

Parsed with selectolax's Lexbor engine: a real HTML5 parser, in C, about ten times faster
than BeautifulSoup with lxml on these pages (bench.ask prints the figures); an arXiv page
runs to megabytes of MathML. What a reader never wants quoted is dropped: the navigation
LaTeXML and arXiv wrap around the paper, MathML (each formula becomes its LaTeX source,
once), footnote marks, undefined-macro noise; references keep their titles only.

LaTeXML's quirks, each a ``NoFullText`` with its reason rather than garbled text: a paper
never converted is a 200 placeholder page with no document; a conversion that stopped says
so in a banner; one that ran on with undefined macros is red ``ltx_ERROR`` spans throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.core.fulltext import HEADING_JOIN, FullText, NoFullText, Section
from bot.core.limits import (
    FULLTEXT_CHARS,
    FULLTEXT_SECTIONS,
    REFERENCE_CHARS,
    REFERENCES_KEPT,
)

MIN_WORDS = 150  # fewer in the body: an abstract-only page or a failed conversion
# Undefined-macro spans (LaTeXML's red ltx_ERROR) are dropped; past this share of the text,
# and this many, what is left is garbled. A paper whose own \method macro failed 40 times
# loses 0.5% of its text and keeps it; tests/data/fulltext/broken.html loses 61%.
MAX_ERROR_SHARE = 0.05
MIN_ERRORS = 8
_SECTIONING = re.compile(
    r"\bltx_(section|subsection|subsubsection|paragraph|subparagraph|appendix|chapter|part"
    r"|abstract|bibliography|acknowledgements?)\b"
)
_DROPPED = (
    "script, style, nav, header, footer, button, noscript, .ltx_page_navbar, .ltx_page_footer,"
    " .ltx_page_header, .ltx_authors, .ltx_dates, .ltx_note_mark, .ltx_tag_note, .ltx_TOC,"
    " .ltx_pagination, .ltx_rdf, .package-alerts, .ltx_keywords, .ltx_classification"
)
_FATAL = re.compile(r"fatal error|exited abruptly|conversion (?:failed|errors? have)", re.I)
_VERSION = re.compile(r"/(?:html|abs|pdf)/[^/\s\"']*?v(\d{1,3})\b")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)\]])")
_AFTER_OPENING = re.compile(r"([(\[])\s+")
MAX_DEPTH = 150  # elements deep the walk follows; deeper nesting is read as one block
_SENTENCE_END = re.compile(r"(?<=[a-z0-9\)\]])\.\s+")


def parse_paper_html(html: str | bytes) -> FullText | NoFullText:
    """The paper on a LaTeXML page; ``NoFullText`` with a reason for anything else."""
    tree = LexborHTMLParser(html)
    document = _document(tree)
    if document is None:
        return NoFullText("the page holds no converted paper (a placeholder: never converted)")
    if _fatal_banner(tree):
        return NoFullText("the HTML conversion stopped halfway (the page says it failed)")
    version = _version(tree)
    for node in tree.css(_DROPPED):
        node.decompose()
    _formulas_as_source(tree)
    _footnotes_inline(tree)
    errors = tree.css(".ltx_ERROR")
    share = 0.0
    if len(errors) >= MIN_ERRORS:  # only then is the whole text's length worth reading
        garbage = sum(len(node.text()) for node in errors)
        share = garbage / max(1, len(document.text()))
    if share > MAX_ERROR_SHARE:
        return NoFullText(
            f"the HTML conversion is garbled ({len(errors)} LaTeX errors, {share:.0%} of its text)"
        )
    for node in errors:
        node.decompose()
    title_node = document.css_first(".ltx_title_document") or tree.css_first("title")
    title = _text(title_node) if title_node is not None else ""
    if title_node is not None and "ltx_title_document" in _classes(title_node):
        title_node.decompose()
    blocks: list[tuple[tuple[str, ...], str]] = []
    references: list[str] = []
    for path, kind, text in _walk(document, ()):
        if kind == "reference":
            if len(references) < REFERENCES_KEPT and text:
                references.append(text[:REFERENCE_CHARS])
        elif text:
            blocks.append((path, text))
    sections = _sections(blocks)
    body_words = sum(len(s.text.split()) for s in sections if s.heading != "Abstract")
    if body_words < MIN_WORDS:
        return NoFullText(f"too little text on the page ({body_words} words beyond the abstract)")
    return capped(FullText(title, tuple(sections), tuple(references), version))


def capped(text: FullText, limit: int = FULLTEXT_CHARS) -> FullText:
    """``text`` within ``limit`` characters and ``FULLTEXT_SECTIONS`` sections: its first
    sections kept whole (the part cut through ends at a paragraph), saying what was left."""
    if text.chars <= limit and len(text.sections) <= FULLTEXT_SECTIONS:
        return text
    kept: list[Section] = []
    used = 0
    for section in text.sections[:FULLTEXT_SECTIONS]:
        if used + len(section.text) <= limit:
            kept.append(section)
            used += len(section.text)
            continue
        room = limit - used
        part = [p for p in _fit(section.paragraphs(), room)]
        if part:
            kept.append(Section(section.heading, "\n\n".join(part)))
        break
    references = text.references if used + sum(map(len, text.references)) <= limit else ()
    cut = (
        f"kept the first {len(kept)} of {len(text.sections)} sections"
        f" ({sum(len(s.text) for s in kept):,} characters of {text.chars:,})"
    )
    return FullText(text.title, tuple(kept), references, text.version, cut)


def _fit(paragraphs: list[str], room: int) -> Iterator[str]:
    for paragraph in paragraphs:
        room -= len(paragraph) + 2
        if room < 0:
            return
        yield paragraph


def _document(tree: LexborHTMLParser) -> LexborNode | None:
    """The paper: LaTeXML's ``article.ltx_document``, else the ``ltx_document`` holding the
    most paragraphs. arXiv gives its banners and footer that class too ("this paper uses
    packages not yet supported"), ahead of the paper."""
    article = tree.css_first("article.ltx_document")
    if article is not None:
        return article
    candidates = [
        node
        for node in tree.css(".ltx_document")
        if node.tag != "footer" and "package-alerts" not in _classes(node)
    ]
    return max(candidates, key=lambda node: len(node.css(".ltx_para")), default=None)


def _fatal_banner(tree: LexborHTMLParser) -> bool:
    """arXiv's banner over a conversion that died: the text outside the paper says so."""
    for node in tree.css(".ltx_page_main > div, .package-alerts, [role=status], .ltx_ERROR_fatal"):
        if "ltx_document" in _classes(node) and node.css_first(".ltx_section"):
            continue
        if _FATAL.search(node.text(separator=" ")[:2000]):
            return True
    return False


def _version(tree: LexborHTMLParser) -> int:
    for node in tree.css("base[href], link[rel=canonical], meta[property='og:url']"):
        value = node.attributes.get("href") or node.attributes.get("content") or ""
        if match := _VERSION.search(value):
            return int(match.group(1))
    return 0


def _formulas_as_source(tree: LexborHTMLParser) -> None:
    """Each MathML formula as its LaTeX source, once: MathML repeats every formula as
    presentation, content and annotation, and a quote must not depend on which."""
    for node in tree.css("math"):
        source = (node.attributes.get("alttext") or "").strip()
        node.replace_with(f" {source} " if source else " ")


def _footnotes_inline(tree: LexborHTMLParser) -> None:
    """A footnote's text in parentheses where its mark was, so a sentence stays readable."""
    for node in tree.css(".ltx_note"):
        content = node.css_first(".ltx_note_content")
        text = _text(content) if content is not None else ""
        node.replace_with(f" ({text}) " if text else " ")


def _walk(
    node: LexborNode, path: tuple[str, ...], depth: int = 0
) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """(heading path, kind, text) for every block under ``node``, in reading order. Past
    ``MAX_DEPTH`` a node is one block: no real paper nests so deep, a hostile page may."""
    if depth > MAX_DEPTH:
        yield path, "text", _text(node)
        return
    child = node.child
    while child is not None:
        if not _skipped(child):
            yield from _block(child, path, depth)
        child = child.next


def _skipped(node: LexborNode) -> bool:
    """Text and comments between blocks, and a section's own title (already in the path)."""
    tag = node.tag or ""
    headings = ("h1", "h2", "h3", "h4", "h5", "h6")
    return tag.startswith("-") or tag in headings or "ltx_title" in _classes(node)


def _block(
    node: LexborNode, path: tuple[str, ...], depth: int
) -> Iterator[tuple[tuple[str, ...], str, str]]:
    tag = node.tag or ""
    classes = _classes(node)
    if "ltx_bibitem" in classes:
        yield path, "reference", _reference_title(node)
    elif _SECTIONING.search(classes) or tag == "section":
        heading = _heading(node, classes)
        yield from _walk(node, (*path, heading) if heading else path, depth + 1)
    elif tag == "figure" or "ltx_figure" in classes or "ltx_float" in classes:
        yield path, "figure", _figure(node)
    elif "ltx_para" in classes or tag in ("p", "blockquote", "pre"):
        yield path, "text", _paragraph(node)
    elif tag == "table" and ("ltx_equation" in classes or "ltx_eqn_table" in classes):
        yield path, "text", _rows(node, " ").replace("\n", " ")
    elif (
        tag in ("table", "ul", "ol", "dl")
        and node.child is not None
        and "ltx_biblist" not in classes
    ):
        yield path, "text", _rows(node) if tag == "table" else _text(node, "\n")
    else:  # a wrapper (a bibliography list among them): its blocks
        yield from _walk(node, path, depth + 1)


def _heading(node: LexborNode, classes: str) -> str:
    title = node.css_first(".ltx_title, h1, h2, h3, h4, h5, h6")
    if title is not None:
        return _text(title)
    if "ltx_abstract" in classes:
        return "Abstract"
    if "ltx_bibliography" in classes:
        return "References"
    return ""


def _paragraph(node: LexborNode) -> str:
    """A paragraph's text: its blocks (paragraphs, display math, lists) and any text left
    loose between them (older LaTeXML puts a formula there), one space apart, in order."""
    parts = []
    child = node.child
    while child is not None:
        if child.tag == "-text":
            text = child.text(deep=False) or ""
        elif child.tag == "table":  # display math: its cells a space apart
            text = _rows(child, " ").replace("\n", " ")
        else:
            text = _text(child)
        if child.tag != "-comment" and text.strip():
            parts.append(text.strip())
        child = child.next
    return _tidy(_NEWLINES.sub(" ", " ".join(parts)))


def _figure(node: LexborNode) -> str:
    """A figure, table or algorithm float: its caption, then each table row as cells joined
    by |, or each line of the algorithm."""
    caption = node.css_first("figcaption, .ltx_caption")
    lines = [_text(caption)] if caption is not None else []
    for table in node.css("table"):
        if "ltx_equation" in _classes(table):
            continue
        lines.append(_rows(table))
    lines += [_text(line) for line in node.css(".ltx_listingline")]  # an algorithm's lines
    return "\n".join(line for line in lines if line)


def _rows(table: LexborNode, between: str = " | ") -> str:
    """A table's rows, one a line, their cells joined by ``between`` (empty cells of a
    formula's layout left out when ``between`` is a space)."""
    rows = []
    for row in table.css("tr"):
        cells = [_text(cell) for cell in row.css("td, th")]
        if between == " ":
            cells = [cell for cell in cells if cell]
        if any(cells):
            rows.append(between.join(cells))
    return "\n".join(rows)


def _reference_title(item: LexborNode) -> str:
    """A reference's title: BibTeX's second block when LaTeXML kept the blocks apart, else
    the sentence after the authors."""
    blocks = [_text(b) for b in item.css(".ltx_bibblock")]
    blocks = [b for b in blocks if b]
    if len(blocks) >= 2:
        return blocks[1].rstrip(".")
    whole = blocks[0] if blocks else _text(item)
    sentences = [s for s in _SENTENCE_END.split(whole) if s.strip()]
    return (sentences[1] if len(sentences) >= 2 else whole).strip().rstrip(".")


def _sections(blocks: list[tuple[tuple[str, ...], str]]) -> list[Section]:
    """Consecutive blocks under one heading path, joined into one section."""
    sections: list[Section] = []
    current: tuple[str, ...] | None = None
    texts: list[str] = []
    for path, text in blocks:
        if path != current and texts:
            sections.append(Section(HEADING_JOIN.join(current or ()) or "Text", "\n\n".join(texts)))
            texts = []
        current = path
        texts.append(text)
    if texts:
        sections.append(Section(HEADING_JOIN.join(current or ()) or "Text", "\n\n".join(texts)))
    return sections


def _classes(node: LexborNode) -> str:
    return node.attributes.get("class") or ""


def _text(node: LexborNode, lines: str = " ") -> str:
    """A node's text, whitespace made single spaces (``lines`` between table rows)."""
    raw = node.text(deep=True, separator="", strip=False)
    return _tidy(_NEWLINES.sub(" ", raw) if lines == " " else raw)


def _tidy(raw: str) -> str:
    """Single spaces, none before closing punctuation or after an opening bracket."""
    raw = _SPACES.sub(" ", raw)
    return _AFTER_OPENING.sub(r"\1", _BEFORE_PUNCTUATION.sub(r"\1", raw)).strip()
