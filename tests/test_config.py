"""Configuration is validated once, and every bad value is named with what it expects."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.application import budget_limits, sender_workers
from bot.app.config import ConfigError, load_settings
from bot.core.settings import DEFAULT_SOURCE
from bot.deliver.budget import BudgetLimits
from tests.conftest import ROOT

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults_without_any_variable():
    settings = load_settings({}, env_file=None)
    assert settings.bot_token is None
    assert settings.api_url == "https://api.telegram.org"
    assert settings.db_path == Path("data/paperboy.sqlite3")
    assert settings.sources == (DEFAULT_SOURCE, "hf-api")
    assert settings.hf_api_url == "https://huggingface.co/api/daily_papers"
    assert settings.poll_interval == 900
    assert settings.timezone == ZoneInfo("Asia/Seoul")
    assert settings.admins == frozenset()
    assert settings.log_level == "INFO"


def test_every_variable_is_read():
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "PAPERBOY_DB": "/tmp/x.sqlite3",
            "PAPERBOY_SOURCES": "digests/, https://example.org/{date}.md",
            "PAPERBOY_POLL_INTERVAL": "120",
            "PAPERBOY_TIMEZONE": "Europe/Berlin",
            "PAPERBOY_ADMINS": "42, 7",
            "LOG_LEVEL": "debug",
            "PAPERBOY_SEND_RATE": "25.5",
            "PAPERBOY_GROUP_SEND_RATE": "10",
        },
        env_file=None,
    )
    assert settings.bot_token == TOKEN
    assert settings.api_url == "http://127.0.0.1:8081"
    assert settings.db_path == Path("/tmp/x.sqlite3")
    assert settings.sources == ("digests/", "https://example.org/{date}.md")
    assert settings.poll_interval == 120
    assert settings.timezone == ZoneInfo("Europe/Berlin")
    assert settings.admins == frozenset({42, 7})
    assert settings.log_level == "DEBUG"
    assert (settings.send_rate, settings.group_send_rate) == (25.5, 10)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
        ("TELEGRAM_API_URL", "ftp://x"),
        ("PAPERBOY_SOURCES", "a,,b"),
        ("PAPERBOY_SOURCES", "ftp://example.org/x.md"),
        ("PAPERBOY_POLL_INTERVAL", "fast"),
        ("PAPERBOY_POLL_INTERVAL", "5"),
        ("PAPERBOY_TIMEZONE", "Mars/Olympus"),
        ("PAPERBOY_TIMEZONE", "../etc/passwd"),
        ("PAPERBOY_ADMINS", "alice"),
        ("LOG_LEVEL", "LOUD"),
        ("PAPERBOY_HF_API_URL", "huggingface.co/api"),
        ("PAPERBOY_SEND_RATE", "fast"),
        ("PAPERBOY_SEND_RATE", "0"),
        ("PAPERBOY_GROUP_SEND_RATE", "2.5"),
        ("PAPERBOY_SEND_RATE", "31"),  # above the free 30 needs paid broadcasts
        ("PAPERBOY_PAID_BROADCAST", "maybe"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str):
    with pytest.raises(ConfigError) as error:
        load_settings({name: value}, env_file=None)
    message = str(error.value)
    assert message.startswith(name)
    assert "\n" not in message


def test_paid_broadcast_raises_the_delivery_rate_and_replies_keep_the_free_budget():
    free = load_settings({}, env_file=None)
    assert (free.paid_broadcast, free.send_rate) == (False, 30.0)
    assert budget_limits(free) == BudgetLimits(per_second=30, per_group_minute=20)
    assert sender_workers(free) == 8
    paid = load_settings({"PAPERBOY_PAID_BROADCAST": "on"}, env_file=None)
    assert (paid.paid_broadcast, paid.send_rate) == (True, 1000.0)
    assert budget_limits(paid) == BudgetLimits(30, 20, paid_per_second=1000)
    assert sender_workers(paid) == 100
    slower = load_settings(
        {"PAPERBOY_PAID_BROADCAST": "on", "PAPERBOY_SEND_RATE": "200"}, env_file=None
    )
    assert budget_limits(slower).paid_per_second == 200
    with pytest.raises(ConfigError, match="PAPERBOY_SEND_RATE"):
        load_settings({"PAPERBOY_PAID_BROADCAST": "on", "PAPERBOY_SEND_RATE": "1001"}, None)


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path):
    env = tmp_path / ".env"
    env.write_text("PAPERBOY_DB=from-file.sqlite3\nLOG_LEVEL=WARNING\n", encoding="utf-8")
    settings = load_settings({"LOG_LEVEL": "ERROR"}, env_file=env)
    assert settings.db_path == Path("from-file.sqlite3")
    assert settings.log_level == "ERROR"


def test_blank_values_mean_default(tmp_path: Path):
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "", "PAPERBOY_ADMINS": " "}, env_file=None)
    assert settings.bot_token is None and settings.admins == frozenset()


def test_language_model_settings():
    settings = load_settings(
        {
            "PAPERBOY_LLM_URL": "http://localhost:11434/v1/",
            "PAPERBOY_LLM_MODEL": "qwen2.5:7b",
            "PAPERBOY_LLM_API_KEY": "sk-secret",
            "PAPERBOY_SUMMARY_LANGUAGES": "ko, EN",
            "PAPERBOY_LLM_CONCURRENCY": "8",
            "PAPERBOY_SUMMARY_WAIT": "5",
        },
        env_file=None,
    )
    assert settings.llm_url == "http://localhost:11434/v1"
    assert (settings.llm_model, settings.llm_api_key) == ("qwen2.5:7b", "sk-secret")
    assert settings.summary_languages == ("ko", "en")
    assert (settings.llm_concurrency, settings.summary_wait) == (8, 300)
    assert "sk-secret" not in repr(settings)
    default = load_settings({}, env_file=None)
    assert default.llm_url is None and default.summary_languages == ("ko",)
    assert default.summary_wait == 1200


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"PAPERBOY_LLM_URL": "http://localhost:11434/v1"}, "PAPERBOY_LLM_MODEL"),
        ({"PAPERBOY_LLM_URL": "ftp://x", "PAPERBOY_LLM_MODEL": "m"}, "PAPERBOY_LLM_URL"),
        ({"PAPERBOY_SUMMARY_LANGUAGES": "ko,fr"}, "PAPERBOY_SUMMARY_LANGUAGES"),
        ({"PAPERBOY_SUMMARY_LANGUAGES": "ko,ko"}, "PAPERBOY_SUMMARY_LANGUAGES"),
        ({"PAPERBOY_LLM_CONCURRENCY": "0"}, "PAPERBOY_LLM_CONCURRENCY"),
        ({"PAPERBOY_SUMMARY_WAIT": "soon"}, "PAPERBOY_SUMMARY_WAIT"),
    ],
)
def test_bad_language_model_settings_name_the_variable(environ, names):
    with pytest.raises(ConfigError, match=names):
        load_settings(environ, env_file=None)


def test_the_digest_dir_is_a_directory_or_not_yet_made(tmp_path: Path):
    assert load_settings({}, env_file=None).digest_dir is None
    fresh = tmp_path / "site"  # made when the first digest is written
    assert load_settings({"PAPERBOY_DIGEST_DIR": str(fresh)}, env_file=None).digest_dir == fresh
    afile = tmp_path / "notes.txt"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="PAPERBOY_DIGEST_DIR"):
        load_settings({"PAPERBOY_DIGEST_DIR": str(afile)}, env_file=None)


def test_the_example_env_file_does_not_cap_a_paid_broadcast():
    """Issue 27: .env.example set PAPERBOY_SEND_RATE=30, which capped paid broadcasts."""
    example = ROOT / ".env.example"
    free = load_settings({}, env_file=example)
    paid = load_settings({"PAPERBOY_PAID_BROADCAST": "on"}, env_file=example)
    assert free.send_rate == 30 and not free.paid_broadcast
    assert paid.send_rate == 1000 and paid.paid_broadcast
