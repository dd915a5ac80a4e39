"""What to read: ``PAPERBOY_SOURCES`` entries and command-line inputs as concrete files and
URLs, URL templates expanded for the dates a new digest may have appeared on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from bot.core.models import ParseIssue
from bot.source.unpack import is_archive

_PLACEHOLDER = re.compile(r"\{(date|yyyy|mm|dd)\}")
LOOKBACK_DAYS = 2  # today and yesterday: the feed publishes late in the (UTC) day


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


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


def expand_sources(entries: Iterable[str], today: dt.date) -> list[str]:
    """Concrete inputs for one poll: templates for the latest dates, newest last."""
    inputs: list[str] = []
    for entry in entries:
        if is_template(entry):
            for back in range(LOOKBACK_DAYS - 1, -1, -1):
                inputs.append(expand_template(entry, today - dt.timedelta(days=back)))
        else:
            inputs.append(entry)
    return inputs


def expand_inputs(inputs: Iterable[str]) -> tuple[list[str], list[ParseIssue]]:
    """Files and URLs to read, directories walked recursively for ``*.md`` and ``*.json``
    in path order."""
    found: list[str] = []
    issues: list[ParseIssue] = []
    for item in inputs:
        if is_url(item):
            found.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix in (".md", ".json") or is_archive(p.name))
            )
            if not files:
                issues.append(ParseIssue(item, 0, "directory holds no .md, .json or archives"))
            found.extend(str(p) for p in files)
        elif path.is_file():
            found.append(item)
        else:
            issues.append(ParseIssue(item, 0, "no such file or directory"))
    return found, issues
