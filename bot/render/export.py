"""Papers as export records: JSON lines (everything) and CSV rows (one flat line a paper)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.core.models import Paper
from bot.core.summary_choice import Generated
from bot.render.terminal import paper_detail_json

CSV_FIELDS = (
    "arxiv_id",
    "title",
    "url",
    "first_date",
    "last_date",
    "votes",
    "authors",
    "summary",
    "generated_ko",
    "generated_en",
    "digest_summary_withheld",
    "ai_summary",
    "abstract",
)


def record(
    paper: Paper, dates: list[dt.date], generated: Mapping[str, Generated]
) -> dict[str, Any]:
    """One JSON line: the paper as ``paperboy show --json`` gives it."""
    return paper_detail_json(paper, dates, generated)


def csv_row(
    paper: Paper, dates: list[dt.date], generated: Mapping[str, Generated]
) -> dict[str, str]:
    """One CSV row; sections are written as "Name: text" lines in one cell."""

    def sections(found: Mapping[str, str]) -> str:
        return "\n".join(f"{name}: {text}" for name, text in found.items())

    row = {
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "url": paper.url,
        "first_date": dates[0].isoformat() if dates else "",
        "last_date": dates[-1].isoformat() if dates else "",
        "votes": "" if paper.votes is None else str(paper.votes),
        "authors": "; ".join(paper.authors),
        "summary": "" if paper.digest_withheld else sections(paper.sections) or paper.summary,
        "digest_summary_withheld": "yes" if paper.digest_withheld else "",
        "generated_ko": sections(generated["ko"].sections) if "ko" in generated else "",
        "generated_en": sections(generated["en"].sections) if "en" in generated else "",
        "ai_summary": paper.ai_summary,
        "abstract": paper.abstract,
    }
    return {name: formula_safe(value) for name, value in row.items()}


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): a title like
# "=HYPERLINK(...)" from a hostile feed must stay text when the export is opened.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it but never runs it: a leading formula character
    gets a single quote before it, as OWASP recommends."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell
