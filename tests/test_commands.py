import datetime as dt

import pytest

from bot.core.commands import ArgumentError, TopRequest, parse_top_args

LATEST = dt.date(2024, 12, 31)


def test_defaults_to_ten_of_the_latest_digest():
    request = parse_top_args([])
    assert request == TopRequest(10, "latest", None)
    assert request.span(LATEST) == (LATEST, LATEST)


@pytest.mark.parametrize(
    ("args", "count", "span"),
    [
        (["5", "week"], 5, (dt.date(2024, 12, 25), LATEST)),
        (["month", "3"], 3, (dt.date(2024, 12, 2), LATEST)),
        (["all"], 10, (None, None)),
        (["today"], 10, (LATEST, LATEST)),
        (["주간"], 10, (dt.date(2024, 12, 25), LATEST)),
        (["2024-06-20"], 10, (dt.date(2024, 6, 20), dt.date(2024, 6, 20))),
        (["999"], 50, (LATEST, LATEST)),
        (["0"], 1, (LATEST, LATEST)),
    ],
)
def test_count_and_period_in_any_order(args, count, span):
    request = parse_top_args(args)
    assert request.count == count
    assert request.span(LATEST) == span


@pytest.mark.parametrize(
    "args", [["yesterday"], ["5", "6"], ["week", "month"], ["-3"], ["2024-13-01"]]
)
def test_unknown_words_are_an_error(args):
    with pytest.raises(ArgumentError):
        parse_top_args(args)
