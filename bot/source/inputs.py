"""Digest sources from ``PAPERBOY_SOURCES``: directories and files as they are, URL templates
expanded for the dates a new digest may have appeared on."""

from __future__ import annotations

import datetime as dt
import re

_PLACEHOLDER = re.compile(r"\{(date|yyyy|mm|dd)\}")
LOOKBACK_DAYS = 2  # today and yesterday: the feed publishes late in the (UTC) day


def is_template(entry: str) -> bool:
    return bool(_PLACEHOLDER.search(entry))


def expand_template(template: str, day: dt.date) -> str:
    values = {
        "date": day.isoformat(),
        "yyyy": f"{day.year:04d}",
        "mm": f"{day.month:02d}",
        "dd": f"{day.day:02d}",
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def expand_sources(entries: tuple[str, ...] | list[str], today: dt.date) -> list[str]:
    """Concrete inputs for one poll: templates for the latest dates, newest last."""
    inputs: list[str] = []
    for entry in entries:
        if is_template(entry):
            for back in range(LOOKBACK_DAYS - 1, -1, -1):
                inputs.append(expand_template(entry, today - dt.timedelta(days=back)))
        else:
            inputs.append(entry)
    return inputs
