import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import next_delivery, parse_hhmm

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("8:30", "08:30"),
        ("23:59", "23:59"),
        ("00:00", "00:00"),
        ("24:00", None),
        ("7", None),
        ("12:5", None),
        ("ab", None),
    ],
)
def test_parse_hhmm(text, parsed):
    assert parse_hhmm(text) == parsed


def test_instant_is_now():
    now = utc(2024, 6, 1, 12, 0)
    assert next_delivery(now, None, SEOUL) == now


def test_later_today_or_tomorrow_in_the_chat_zone():
    now = utc(2024, 6, 1, 0, 0)  # 09:00 in Seoul
    assert next_delivery(now, "09:30", SEOUL) == utc(2024, 6, 1, 0, 30)
    assert next_delivery(now, "08:00", SEOUL) == utc(2024, 6, 1, 23, 0)
    assert next_delivery(now, "09:00", SEOUL) == now


def test_dst_spring_forward_and_fall_back():
    # 2024-03-10: New York skips 02:00-03:00; 08:00 EDT is 12:00 UTC.
    assert next_delivery(utc(2024, 3, 10, 5, 0), "08:00", NEW_YORK) == utc(2024, 3, 10, 12, 0)
    assert next_delivery(utc(2024, 3, 9, 14, 0), "08:00", NEW_YORK) == utc(2024, 3, 10, 12, 0)
    # A skipped time is still delivered that day, just after the jump.
    assert next_delivery(utc(2024, 3, 10, 5, 0), "02:30", NEW_YORK) == utc(2024, 3, 10, 7, 30)
    # 2024-11-03: 01:30 happens twice; the first (EDT, 05:30 UTC) is taken.
    assert next_delivery(utc(2024, 11, 3, 4, 0), "01:30", NEW_YORK) == utc(2024, 11, 3, 5, 30)
    assert next_delivery(utc(2024, 11, 3, 4, 0), "08:00", NEW_YORK) == utc(2024, 11, 3, 13, 0)
