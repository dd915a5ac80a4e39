"""Which parser a text needs: a markdown digest, or a daily papers API response."""

from __future__ import annotations

import contextlib
import datetime as dt

from bot.core.models import ParseResult
from bot.parse.hf_api import parse_hf_api
from bot.parse.markdown import parse_digest


def parse_any(text: str, source: str, requested: dt.date | None = None) -> ParseResult:
    """A markdown digest, or a daily papers API response (JSON: ``.json`` or a ``[``)."""
    if source.endswith(".json") or text.lstrip().startswith("["):
        if requested is None:  # saved responses are named after the date asked for
            stem = source.rsplit("/", 1)[-1].removesuffix(".json")
            with contextlib.suppress(ValueError):
                requested = dt.date.fromisoformat(stem)
        return parse_hf_api(text, source, requested)
    return parse_digest(text, source)
