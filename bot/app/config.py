"""Configuration: read once from the environment (and ``.env``), validated, passed down.

Nothing else in Paperboy reads ``os.environ``. A bad value is a ``ConfigError`` naming the
variable and what it expects; the CLI turns it into one line and exit code 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.core.i18n import LANGUAGES
from bot.core.settings import (
    DEFAULT_API_URL,
    DEFAULT_DB,
    DEFAULT_HF_API_URL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_SOURCES,
    DEFAULT_TIMEZONE,
    MIN_POLL_INTERVAL,
    Settings,
)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message is meant for the operator."""


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Settings from ``environ`` (default: the process environment) over an optional ``.env``.

    Real environment variables win over the file, so a deployment can override it.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name)
        return value.strip() if value is not None and value.strip() else None

    return Settings(
        bot_token=_token(get("TELEGRAM_BOT_TOKEN")),
        api_url=_http_url(
            "TELEGRAM_API_URL",
            get("TELEGRAM_API_URL") or DEFAULT_API_URL,
            f"an http(s) URL of a Bot API server, like {DEFAULT_API_URL}",
        ),
        db_path=Path(get("PAPERBOY_DB") or DEFAULT_DB),
        sources=_sources(get("PAPERBOY_SOURCES")),
        hf_api_url=_http_url(
            "PAPERBOY_HF_API_URL", get("PAPERBOY_HF_API_URL") or DEFAULT_HF_API_URL
        ),
        poll_interval=_poll_interval(get("PAPERBOY_POLL_INTERVAL")),
        timezone=_timezone(get("PAPERBOY_TIMEZONE") or DEFAULT_TIMEZONE),
        admins=_admins(get("PAPERBOY_ADMINS")),
        log_level=_log_level(get("LOG_LEVEL") or "INFO"),
        **_send_rate(get),
        group_send_rate=int(
            _number("PAPERBOY_GROUP_SEND_RATE", get("PAPERBOY_GROUP_SEND_RATE"), 20, 1, 1000, True)
        ),
        digest_dir=_digest_dir(get("PAPERBOY_DIGEST_DIR")),
        **_publishing(get),
        semantic=_switch("PAPERBOY_SEMANTIC", get("PAPERBOY_SEMANTIC"), True),
        backfill=_choice("PAPERBOY_BACKFILL", get("PAPERBOY_BACKFILL"), ("auto", "off")),
        fetch_rate=_number("PAPERBOY_FETCH_RATE", get("PAPERBOY_FETCH_RATE"), 2.0, 0.1, 100.0),
        **_webhook(get),
        **_llm(get),
    )


def _send_rate(get: Callable[[str], str | None]) -> dict[str, object]:
    """Free messages go at most 30 a second; above that only paid broadcasts, up to 1,000."""
    paid = _switch("PAPERBOY_PAID_BROADCAST", get("PAPERBOY_PAID_BROADCAST"), False)
    if paid:
        rate = _number("PAPERBOY_SEND_RATE", get("PAPERBOY_SEND_RATE"), 1000.0, 0.1, 1000.0)
    else:
        rate = _number("PAPERBOY_SEND_RATE", get("PAPERBOY_SEND_RATE"), 30.0, 0.1, 1000.0)
        if rate > 30:
            raise ConfigError(
                f"PAPERBOY_SEND_RATE above 30 needs PAPERBOY_PAID_BROADCAST=on; got {rate:g}"
            )
    return {"send_rate": rate, "paid_broadcast": paid}


def _webhook(get: Callable[[str], str | None]) -> dict[str, object]:
    """Webhook mode's settings. Telegram only calls https URLs; plain http is accepted for a
    loopback host (a local Bot API server, the tests)."""
    url = get("PAPERBOY_WEBHOOK_URL")
    if url is not None:
        parts = urlsplit(url)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ConfigError(f"PAPERBOY_WEBHOOK_URL must be a public https URL; got {url!r}")
        if parts.query or not parts.netloc:
            raise ConfigError(f"PAPERBOY_WEBHOOK_URL must be a plain https URL; got {url!r}")
    listen = get("PAPERBOY_WEBHOOK_LISTEN") or "127.0.0.1:8443"
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"PAPERBOY_WEBHOOK_LISTEN must be host:port; got {listen!r}")
    secret = get("PAPERBOY_WEBHOOK_SECRET")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError(
            "PAPERBOY_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return {"webhook_url": url, "webhook_listen": (host, int(port)), "webhook_secret": secret}


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str:
    if value is None:
        return allowed[0]
    if value.lower() not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value.lower()


def _switch(name: str, value: str | None, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() in ("on", "true", "1", "yes"):
        return True
    if value.lower() in ("off", "false", "0", "no"):
        return False
    raise ConfigError(f"{name} must be on or off; got {value!r}")


_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")


def _publishing(get: Callable[[str], str | None]) -> dict[str, object]:
    """The git remote the archive is published to, and its branch (a plain name: git would
    read "-f" or "a..b" as something else)."""
    remote = (get("PAPERBOY_PUBLISH_GIT") or "").strip() or None
    branch = get("PAPERBOY_PUBLISH_BRANCH") or "main"
    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith((".lock", "/")):
        raise ConfigError(
            f"PAPERBOY_PUBLISH_BRANCH must be a branch name like main; got {branch!r}"
        )
    if remote is not None and remote.startswith("-"):
        raise ConfigError("PAPERBOY_PUBLISH_GIT must be a git URL or a path, not an option")
    return {"publish_git": remote, "publish_branch": branch}


def _digest_dir(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"PAPERBOY_DIGEST_DIR must be a directory; {value!r} is a file")
    return path


def _llm(get: Callable[[str], str | None]) -> dict[str, object]:
    """The language model's settings; a URL without a model is an error, not a silent no."""
    url = get("PAPERBOY_LLM_URL")
    model = get("PAPERBOY_LLM_MODEL") or ""
    if url is not None:
        url = _http_url("PAPERBOY_LLM_URL", url, "an http(s) URL of an OpenAI-compatible API")
        if not model:
            raise ConfigError("PAPERBOY_LLM_MODEL must name the model when PAPERBOY_LLM_URL is set")
    languages = tuple(
        x.strip().lower() for x in (get("PAPERBOY_SUMMARY_LANGUAGES") or "ko").split(",")
    )
    if (
        not languages
        or not set(languages) <= set(LANGUAGES)
        or len(set(languages)) != len(languages)
    ):
        raise ConfigError(
            f"PAPERBOY_SUMMARY_LANGUAGES must be a comma list of {', '.join(LANGUAGES)}; "
            f"got {get('PAPERBOY_SUMMARY_LANGUAGES')!r}"
        )
    return {
        "llm_url": url,
        "llm_model": model,
        "llm_api_key": get("PAPERBOY_LLM_API_KEY"),
        "summary_languages": languages,
        "llm_concurrency": int(
            _number("PAPERBOY_LLM_CONCURRENCY", get("PAPERBOY_LLM_CONCURRENCY"), 4, 1, 64, True)
        ),
        "summary_wait": 60
        * _number("PAPERBOY_SUMMARY_WAIT", get("PAPERBOY_SUMMARY_WAIT"), 20, 0, 1440),
        **_asking(get),
    }


def _asking(get: Callable[[str], str | None]) -> dict[str, object]:
    """Asking a paper: the full-text URL template must hold {id}; the budgets are bounded."""
    template = get("PAPERBOY_FULLTEXT_URL") or "https://arxiv.org/html/{id}"
    parts = urlsplit(template.replace("{id}", "2409.00001"))
    if "{id}" not in template or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            "PAPERBOY_FULLTEXT_URL must be an http(s) URL with {id} where the arXiv id goes,"
            f" like https://arxiv.org/html/{{id}}; got {template!r}"
        )
    return {
        "fulltext_url": template,
        "ask_context": int(
            _number("PAPERBOY_ASK_CONTEXT", get("PAPERBOY_ASK_CONTEXT"), 6000, 1000, 100_000, True)
        ),
        "ask_per_day": int(
            _number("PAPERBOY_ASK_PER_DAY", get("PAPERBOY_ASK_PER_DAY"), 20, 0, 10_000, True)
        ),
    }


def _token(value: str | None) -> str | None:
    if value is None:
        return None
    bot_id, sep, secret = value.partition(":")
    if not (sep and bot_id.isdigit() and len(secret) >= 20 and " " not in value):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN must look like '123456789:AA...' (the token @BotFather gave you)"
        )
    return value


def _http_url(name: str, value: str, what: str = "an http(s) URL without a query") -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ConfigError(f"{name} must be {what}; got {value!r}")
    return value.rstrip("/")


def _sources(value: str | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_SOURCES
    entries = tuple(entry.strip() for entry in value.split(","))
    if not all(entries):
        raise ConfigError(
            "PAPERBOY_SOURCES must be a comma-separated list of directories, files or "
            f"http(s) URL templates, with no empty entries; got {value!r}"
        )
    for entry in entries:
        if "://" in entry and urlsplit(entry).scheme not in ("http", "https"):
            raise ConfigError(f"PAPERBOY_SOURCES: only http(s) URLs are supported, got {entry!r}")
    return entries


def _poll_interval(value: str | None) -> int:
    if value is None:
        return DEFAULT_POLL_INTERVAL
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < MIN_POLL_INTERVAL:
        raise ConfigError(
            f"PAPERBOY_POLL_INTERVAL must be a whole number of seconds, at least "
            f"{MIN_POLL_INTERVAL}; got {value!r}"
        )
    return seconds


def _timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"PAPERBOY_TIMEZONE must be an IANA time zone name like 'Asia/Seoul' or "
            f"'Europe/Berlin'; got {value!r}"
        ) from None


def _admins(value: str | None) -> frozenset[int]:
    if value is None:
        return frozenset()
    ids = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.lstrip("-").isdigit() for part in ids):
        raise ConfigError(
            f"PAPERBOY_ADMINS must be comma-separated numeric Telegram user ids; got {value!r}"
        )
    return frozenset(int(part) for part in ids)


def _number(
    name: str, value: str | None, default: float, low: float, high: float, whole: bool = False
) -> float:
    if value is None:
        return default
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{name} must be {kind} from {low:g} to {high:g}; got {value!r}")
    return number


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {value!r}")
    return level
