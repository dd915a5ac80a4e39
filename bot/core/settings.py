"""The operator's settings, typed: what ``bot.app.config`` reads and validates once at start."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DB = "data/paperboy.sqlite3"
DEFAULT_SOURCE = (
    "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/{yyyy}/{mm}/{dd}.md"
)
HF_API_SOURCE = "hf-api"  # the Hugging Face daily papers API, as a PAPERBOY_SOURCES entry
DEFAULT_SOURCES = (DEFAULT_SOURCE, HF_API_SOURCE)
DEFAULT_HF_API_URL = "https://huggingface.co/api/daily_papers"
DEFAULT_POLL_INTERVAL = 900
MIN_POLL_INTERVAL = 60
DEFAULT_TIMEZONE = "Asia/Seoul"


@dataclass(frozen=True)
class Settings:
    """Every setting Paperboy has, typed and validated."""

    bot_token: str | None = None
    api_url: str = DEFAULT_API_URL
    db_path: Path = Path(DEFAULT_DB)
    sources: tuple[str, ...] = DEFAULT_SOURCES
    hf_api_url: str = DEFAULT_HF_API_URL
    poll_interval: int = DEFAULT_POLL_INTERVAL
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    admins: frozenset[int] = frozenset()
    log_level: str = "INFO"
    send_rate: float = 30.0  # messages per second overall; with paid_broadcast, deliveries'
    paid_broadcast: bool = False  # deliveries with allow_paid_broadcast: Telegram charges Stars
    group_send_rate: int = 20  # broadcast messages per minute, per group
    # The language model that writes summaries (OpenAI-compatible); None: no summaries.
    llm_url: str | None = None
    llm_model: str = ""
    llm_api_key: str | None = field(default=None, repr=False)  # never printed or logged
    summary_languages: tuple[str, ...] = ("ko",)
    llm_concurrency: int = 4
    summary_wait: float = 1200.0  # seconds a new day's delivery waits for its summaries
    # Where each recent day's digest is also written, as YYYY/MM/DD.md; None: nowhere.
    digest_dir: Path | None = None
    # Semantic search and similar papers with the shipped embedding model; off: words alone.
    semantic: bool = True
    # The history on first run: "auto" backfills an empty archive in the background.
    backfill: str = "auto"
    fetch_rate: float = 2.0  # requests a second to one host, for the backfill
    # The public archive (issue 30): a git remote (URL or path) and branch the days, the
    # README and the feeds are pushed to; None: not published.
    publish_git: str | None = field(default=None, repr=False)  # may carry a token: not printed
    publish_branch: str = "main"
    # Asking a paper (issue 29): where full texts come from ({id}: the arXiv id), the prompt's
    # token budget, and questions a chat may ask a day.
    fulltext_url: str = "https://arxiv.org/html/{id}"
    ask_context: int = 6000
    ask_per_day: int = 20
    # Webhook mode: Telegram POSTs updates to this public URL; None: long polling.
    webhook_url: str | None = None
    webhook_listen: tuple[str, int] = ("127.0.0.1", 8443)  # where PTB's server listens
    webhook_secret: str | None = field(default=None, repr=False)  # None: one per start

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))
