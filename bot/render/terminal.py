"""How the ``paperboy`` CLI shows papers: readable terminal text, or JSON for scripts."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from typing import Any

from bot.core.arxiv import hf_url, pdf_url
from bot.core.fulltext import FullText, NoFullText
from bot.core.models import Paper, SearchHit, Snippet
from bot.core.summary_choice import Generated

BOLD, RESET = "\x1b[1m", "\x1b[0m"
MAX_AUTHORS = 3


def paper_json(paper: Paper) -> dict[str, Any]:
    """The fields every JSON listing carries."""
    return {
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "url": paper.url,
        "votes": paper.votes,
        "date": paper.date.isoformat() if paper.date else None,
        "authors": list(paper.authors),
        "thumbnail": paper.thumbnail,
        "github_stars": paper.github_stars,
        "organization_name": paper.organization_name,
    }


def hit_json(hit: SearchHit) -> dict[str, Any]:
    data = paper_json(hit.paper)
    data["snippet"] = {"text": hit.snippet.text, "spans": [list(s) for s in hit.snippet.spans]}
    return data


def paper_detail_json(
    paper: Paper, dates: list[dt.date], generated: Mapping[str, Generated]
) -> dict[str, Any]:
    data = paper_json(paper)
    data.update(
        {
            "pdf_url": pdf_url(paper.arxiv_id),
            "hf_url": hf_url(paper.arxiv_id),
            "dates": [d.isoformat() for d in dates],
            # A digest summary that failed the summary check is not the paper's: kept apart.
            "sections": {} if paper.digest_withheld else dict(paper.sections),
            "summary": "" if paper.digest_withheld else paper.summary,
            "digest_summary_withheld": paper.digest_withheld,
            "withheld_summary": paper.summary_text if paper.digest_withheld else "",
            "abstract": paper.abstract,
            "ai_summary": paper.ai_summary,
            "ai_keywords": list(paper.ai_keywords),
            "github_repo": paper.github_repo,
            "github_stars": paper.github_stars,
            "project_page": paper.project_page,
            "organization": paper.organization,
            "organization_name": paper.organization_name,
            "generated": {
                lang: {"model": summary.model, "sections": dict(summary.sections)}
                for lang, summary in generated.items()
            },
        }
    )
    return data


def short_authors(authors: tuple[str, ...]) -> str:
    if len(authors) <= MAX_AUTHORS:
        return ", ".join(authors)
    return f"{', '.join(authors[:MAX_AUTHORS])} et al. ({len(authors)})"


def votes_label(votes: int | None) -> str:
    return f"▲{votes}" if votes is not None else "▲-"


def highlight(snippet: Snippet, color: bool) -> str:
    """The snippet with matched terms in bold (terminal) or between « » (plain output)."""
    start, end = (BOLD, RESET) if color else ("«", "»")
    return "".join(f"{start}{p}{end}" if matched else p for p, matched in snippet.pieces())


def paper_line(rank: int, paper: Paper) -> str:
    date = paper.date.isoformat() if paper.date else "?"
    head = f"{rank:>3}. {votes_label(paper.votes):>5}  {paper.title}"
    meta = f"{'':11}{paper.arxiv_id} · {date}"
    if paper.authors:
        meta += f" · {short_authors(paper.authors)}"
    return f"{head}\n{meta}"


def hit_lines(rank: int, hit: SearchHit, color: bool) -> str:
    lines = [paper_line(rank, hit.paper)]
    if hit.snippet.text:
        wrapped = textwrap.fill(highlight(hit.snippet, color), width=100)
        lines.append(textwrap.indent(wrapped, " " * 11))
    return "\n".join(lines)


def paper_detail(paper: Paper, dates: list[dt.date], generated: Mapping[str, Generated]) -> str:
    lines = [
        paper.title,
        paper.url,
        f"Listed: {', '.join(d.isoformat() for d in dates) or '?'}    Votes: "
        f"{paper.votes if paper.votes is not None else '-'}",
    ]
    if paper.authors:
        lines.append(f"Authors: {', '.join(paper.authors)}")
    lines.append(f"PDF: {pdf_url(paper.arxiv_id)}    Hugging Face: {hf_url(paper.arxiv_id)}")
    if paper.digest_withheld:
        lines += ["", "(The digest's summary is withheld: it failed the summary check.)"]
    else:
        for name, text in paper.sections.items():
            lines += ["", f"## {name}", text]
        if paper.summary:
            lines += ["", "## Summary", paper.summary]
    if paper.github_repo or paper.project_page:
        stars = f" (★{paper.github_stars})" if paper.github_stars else ""
        lines.append("")
        if paper.github_repo:
            lines.append(f"Code: {paper.github_repo}{stars}")
        if paper.project_page:
            lines.append(f"Project: {paper.project_page}")
    if paper.ai_summary:
        lines += ["", "## AI summary", paper.ai_summary]
    if paper.ai_keywords:
        lines += ["", "Keywords: " + ", ".join(paper.ai_keywords)]
    if paper.abstract:
        lines += ["", "## Abstract", paper.abstract]
    for lang, summary in generated.items():
        for name, text in summary.sections.items():
            lines += ["", f"## {name} ({lang}, written by {summary.model})", text]
    return "\n".join(lines)


def fulltext_detail(arxiv_id: str, text: FullText | NoFullText) -> str:
    """What Paperboy read of a paper, for ``paperboy fulltext``: every section under its
    heading path, the references' titles, and what a cap cut; or why there is no text."""
    if isinstance(text, NoFullText):
        return f"{arxiv_id}: no full text: {text.reason}"
    version = f"v{text.version}" if text.version else "version unknown"
    lines = [f"{text.title}", f"arXiv {arxiv_id} ({version}), {text.words():,} words"]
    if text.cut:
        lines.append(f"Cut to size: {text.cut}")
    for section in text.sections:
        lines += ["", f"## {section.heading}", section.text]
    if text.references:
        lines += ["", f"## References ({len(text.references)} titles)"]
        lines += [f"- {title}" for title in text.references]
    return "\n".join(lines)


def fulltext_json(arxiv_id: str, text: FullText | NoFullText) -> dict[str, Any]:
    if isinstance(text, NoFullText):
        return {"arxiv_id": arxiv_id, "fulltext": None, "reason": text.reason}
    return {
        "arxiv_id": arxiv_id,
        "title": text.title,
        "version": text.version,
        "cut": text.cut or None,
        "sections": [{"heading": s.heading, "text": s.text} for s in text.sections],
        "references": list(text.references),
    }
