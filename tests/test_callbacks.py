"""Callback data: what the bot's buttons carry decodes back; forged and stale data does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.limits import CALLBACK_DATA_LIMIT
from bot.render import callbacks as cb

VALID = [
    cb.OpenPaper("2406.11230"),
    cb.ToggleSave("2410.09342"),
    cb.Rate("2410.09342", 1),
    cb.Rate("2410.09342", -1),
    cb.Similar("2410.09342"),
    cb.SearchPage(12, 3),
    cb.SetOption("time", "07:00"),
    cb.SetOption("time", "instant"),
    cb.SetOption("fmt", "compact"),
    cb.SetOption("votes", "50"),
    cb.SetOption("lang", "ko"),
    cb.SetOption("quiet", "1"),
    cb.SetOption("pause", "0"),
    cb.ToggleTopic("llm"),
    cb.Noop(),
]


@pytest.mark.parametrize("callback", VALID)
def test_every_button_round_trips_within_64_bytes(callback):
    data = cb.encode(callback)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert cb.decode(data) == callback


@pytest.mark.parametrize(
    "data",
    [
        "p:2406.112",  # not an arXiv id
        "p:../../etc/passwd",
        "bm:",
        "r+:",
        "r0:2410.09342",  # a rating is up or down
        "r:2410.09342",
        "s:abc:1",
        "s:-1:0",
        "set:tz:Europe/Berlin",  # no button changes the zone
        "set:timezone:UTC",  # a column name is not a setting name
        "set:votes:1e9",
        "set:lang:fr",
        "set:fmt:poster",
        "set:active:1",  # a column no button may touch
        "tp:llm; DROP TABLE chats",
        "tp:nonsense",
        "topic:llm",  # an old version's prefix
        "bookmark:2406.11230",
        "",
        None,
    ],
)
def test_forged_and_stale_data_decodes_to_nothing(data):
    assert cb.decode(data) is None


@given(st.text(max_size=80))
def test_any_data_decodes_to_none_or_to_data_that_encodes_back(data):
    decoded = cb.decode(data)
    if decoded is not None:
        assert cb.decode(cb.encode(decoded)) == decoded


def test_data_over_the_limit_is_refused_when_encoding():
    with pytest.raises(ValueError, match="64 bytes"):
        cb.encode(cb.SetOption("time", "x" * 60))
