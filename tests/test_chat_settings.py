"""The one definition of /settings: typed words, button data and stored values agree."""

from __future__ import annotations

import pytest

from bot.core.chat_settings import (
    SETTINGS,
    ChatSettings,
    Format,
    Rank,
    SettingError,
    parse_setting,
    read_setting,
)
from bot.render import callbacks as cb
from bot.render.menus import render_settings


@pytest.mark.parametrize(
    ("words", "column", "value"),
    [
        (["time", "8:30"], "delivery_time", "08:30"),
        (["시간", "07:05"], "delivery_time", "07:05"),
        (["time", "instant"], "delivery_time", None),
        (["time", "즉시"], "delivery_time", None),
        (["tz", "Europe/Berlin"], "timezone", "Europe/Berlin"),
        (["시간대", "Asia/Seoul"], "timezone", "Asia/Seoul"),
        (["format", "COMPACT"], "format", Format.COMPACT),
        (["votes", "10"], "min_votes", 10),
        (["language", "KO"], "language", "ko"),
        (["quiet", "켜기"], "quiet", True),
        (["quiet", "off"], "quiet", False),
        (["pause"], "paused", True),
        (["재개"], "paused", False),
        (["rank", "ForYou"], "rank", Rank.FORYOU),
        (["순서", "votes"], "rank", Rank.VOTES),
        (["foryou-only", "5"], "foryou_only", 5),
        (["맞춤만", "off"], "foryou_only", 0),
    ],
)
def test_typed_settings_read_as_stored_values(words, column, value):
    change = parse_setting(words)
    assert change.setting.column == column
    assert change.value == value
    assert type(change.value) is type(value)


@pytest.mark.parametrize(
    ("words", "names_setting"),
    [
        ([], False),
        (["colour", "blue"], False),
        (["time"], False),  # a value is missing
        (["pause", "now"], False),  # pause takes none
        (["time", "25:00"], True),
        (["tz", "Mars/Olympus"], True),
        (["votes", "-3"], True),
        (["votes", "1234567"], True),
        (["format", "poster"], True),
        (["language", "fr"], True),
        (["quiet", "maybe"], True),
        (["rank", "random"], True),
        (["foryou-only", "51"], True),
        (["foryou-only", "-1"], True),
    ],
)
def test_words_that_make_no_setting_are_refused(words, names_setting):
    with pytest.raises(SettingError) as caught:
        parse_setting(words)
    assert (caught.value.setting is not None) == names_setting


def test_a_bad_zone_has_its_own_explanation():
    with pytest.raises(SettingError) as caught:
        parse_setting(["tz", "Nowhere/Land"])
    assert caught.value.setting.error == "settings.bad_zone"
    assert caught.value.value == "Nowhere/Land"


def test_every_column_is_a_chat_settings_field_and_names_are_unique():
    fields = set(ChatSettings.__dataclass_fields__)
    assert {s.column for s in SETTINGS.values()} <= fields
    assert len({s.column for s in SETTINGS.values()}) == len(SETTINGS)


def test_every_menu_button_decodes_to_a_change_of_its_setting():
    chat = ChatSettings(chat_id=1, type="private", delivery_time="08:00", quiet=True)
    menu = render_settings(chat, "Asia/Seoul", "en")
    options = [cb.decode(b.callback_data) for row in menu.buttons for b in row]
    assert options and all(isinstance(o, cb.SetOption) for o in options)
    names = {o.name for o in options}
    assert names == {"time", "fmt", "votes", "rank", "lang", "quiet", "pause"}
    for option in options:
        change = read_setting(option.name, option.value)
        assert change.text == option.value  # round trip: what the button sends is stored
    quiet = next(o for o in options if o.name == "quiet")
    assert read_setting(quiet.name, quiet.value).value is False  # the button turns it off
