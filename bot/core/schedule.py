"""When a delivery is due: a chat's local HH:MM in its own time zone, DST-correct."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python's weekday() order


def parse_hhmm(text: str) -> str | None:
    """'8:30' → '08:30'; None when it is not a time of day."""
    match = _HHMM.match(text.strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def next_delivery(now: dt.datetime, hhmm: str | None, zone: ZoneInfo) -> dt.datetime:
    """The first moment at or after ``now`` (aware) when it is ``hhmm`` in ``zone``; ``now``
    itself for instant delivery.

    A time that does not exist that day (skipped by a DST change) is delivered at the same
    wall-clock distance after the change; an ambiguous one at its first occurrence.
    """
    if hhmm is None:
        return now
    hour, minute = (int(part) for part in hhmm.split(":"))
    local_now = now.astimezone(zone)
    day = local_now.date()
    for _ in range(3):
        candidate = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        moment = candidate.astimezone(dt.UTC)
        if moment >= now:
            return moment
        day += dt.timedelta(days=1)
    raise AssertionError("unreachable: a time of day recurs within three days")


def next_weekly(now: dt.datetime, weekly: str, zone: ZoneInfo) -> dt.datetime:
    """The first moment at or after ``now`` that is ``weekly`` ("sun 09:00") in ``zone``."""
    day_name, hhmm = weekly.split()
    target = WEEKDAYS.index(day_name)
    moment = next_delivery(now, hhmm, zone)
    while moment.astimezone(zone).weekday() != target:
        moment = next_delivery(moment + dt.timedelta(hours=12), hhmm, zone)
    return moment
