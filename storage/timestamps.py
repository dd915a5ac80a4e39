"""How the archive writes a moment: UTC, second precision, sortable as text."""

from __future__ import annotations

import datetime as dt
import functools

_FORMAT = "%Y-%m-%dT%H:%M:%S"


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(_FORMAT)


@functools.lru_cache(maxsize=256)
def from_utc_text(text: str) -> dt.datetime:
    """Cached: the rows of one fan-out share their due time, and strptime is slow."""
    return dt.datetime.strptime(text, _FORMAT).replace(tzinfo=dt.UTC)
