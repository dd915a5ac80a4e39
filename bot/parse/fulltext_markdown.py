"""A paper as Markdown (the form some mirrors serve, e.g. a Hugging Face paper page's
``.md``) → its sections, by headings, with the same checks and cap as the HTML form."""

from __future__ import annotations

from markdown_it import MarkdownIt

from bot.core.fulltext import HEADING_JOIN, FullText, NoFullText, Section
from bot.parse.fulltext_html import MIN_WORDS, capped

_MD = MarkdownIt("commonmark").enable("table")
_BLOCKS = ("paragraph_open", "blockquote_open", "th_open", "td_open")


def parse_paper_markdown(text: str) -> FullText | NoFullText:
    """Sections by heading path; code and HTML blocks left out (neither is prose to quote)."""
    tokens = _MD.parse(text)
    path: list[tuple[int, str]] = []
    title = ""
    sections: list[Section] = []
    texts: list[str] = []
    row: list[str] = []

    def close() -> None:
        if texts:
            heading = HEADING_JOIN.join(h for _, h in path) or "Text"
            sections.append(Section(heading, "\n\n".join(texts)))
            texts.clear()

    for index, token in enumerate(tokens):
        inline = tokens[index + 1] if index + 1 < len(tokens) else None
        content = " ".join(inline.content.split()) if inline and inline.type == "inline" else ""
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1 and not title:
                title = content
                continue
            close()
            path = [(lv, h) for lv, h in path if lv < level] + [(level, content)]
        elif token.type == "tr_close" and row:
            texts.append(" | ".join(row))
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(content)
        elif token.type in _BLOCKS and content:
            texts.append(content)
    close()
    words = sum(len(s.text.split()) for s in sections if s.heading.lower() != "abstract")
    if words < MIN_WORDS:
        return NoFullText(f"too little text on the page ({words} words beyond the abstract)")
    return capped(FullText(title, tuple(sections)))
