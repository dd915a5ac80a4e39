"""Which summary a reader sees: a digest's own Korean sections win over generated ones
unless the summary check withheld them; otherwise the reader's language, then Korean, then
the English fallback (the API's AI summary and abstract, which every card already shows when
it has no sections). A withheld digest summary is never shown as the paper's: the paper
keeps ``digest_withheld`` so the card can say so quietly."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.models import Paper


@dataclass(frozen=True)
class Generated:
    """A stored summary Paperboy wrote: its sections and the model that wrote them."""

    model: str
    sections: Mapping[str, str]
    created_at: str = ""  # UTC, as storage writes it; the feed's entry changed then


def for_reader(paper: Paper, lang: str, generated: Mapping[str, Generated]) -> Paper:
    """``paper`` with the sections a reader of ``lang`` should see, marked when generated."""
    if paper.digest_withheld:
        paper = dataclasses.replace(paper, sections={}, summary="")
    own = bool(paper.sections or paper.summary)  # a digest's, in Korean
    if lang != "ko" and lang in generated:
        return _with(paper, generated[lang])
    if own:
        return paper
    if "ko" in generated:
        return _with(paper, generated["ko"])
    return paper


def _with(paper: Paper, summary: Generated) -> Paper:
    return dataclasses.replace(
        paper, sections=summary.sections, summary="", summary_model=summary.model
    )
