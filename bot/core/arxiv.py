"""arXiv identifiers and the URLs derived from them (abstract, PDF, Hugging Face, thumbnail)."""

from __future__ import annotations

import re

# New-style identifiers only (YYMM.NNNN[N]); Hugging Face Daily Papers never lists old ones.
_ID = r"(?P<id>\d{4}\.\d{4,5})(?:v\d+)?"
_BARE_ID = re.compile(rf"^(?:arxiv:)?{_ID}$", re.IGNORECASE)
_URL_ID = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?"
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/){_ID}(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)

THUMBNAIL_URL = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{id}.png"


def parse_arxiv_ref(text: str) -> str | None:
    """Return the arXiv id when ``text`` is exactly an id or an arXiv / HF papers URL."""
    candidate = text.strip().strip("<>")
    match = _BARE_ID.match(candidate) or _URL_ID.match(candidate)
    return match.group("id") if match else None


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


def hf_url(arxiv_id: str) -> str:
    return f"https://huggingface.co/papers/{arxiv_id}"


def thumbnail_url(arxiv_id: str) -> str:
    return THUMBNAIL_URL.format(id=arxiv_id)
