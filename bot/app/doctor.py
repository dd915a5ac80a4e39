"""``paperboy doctor``: is this installation right? One line a check, ✓ or ✗ with the fix.

Read-only: it asks Telegram (getMe, getChat), the sources, the language model and the
database, and changes nothing. Exit 1 when any check failed.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
import httpx

from bot.core.settings import HF_API_SOURCE, Settings
from bot.parse.hf_api import day_url
from bot.publish.git import GitError, git, redact
from bot.source.inputs import expand_template, is_template, is_url
from bot.understand.embedder import MODEL as EMBEDDING_MODEL
from storage.health import health, newest_digest, subscribed_chats
from storage.migrations import MIGRATIONS

CHATS_CHECKED = 200  # subscribed chats asked about; more are counted, not asked


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    detail: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.what}: {self.detail}"


async def diagnose(
    settings: Settings, db_path: Path, http: httpx.AsyncClient, today: dt.date
) -> list[Check]:
    checks = [Check(True, "configuration", "every setting reads and validates")]
    checks.append(await _token(settings, http))
    checks.append(await _database(db_path))
    for source in settings.sources:
        check = await _source(source, settings, http, today)
        newest = await _newest(db_path, source) if _is_file(db_path) else None
        if check.ok:
            seen = f"newest digest from it: {newest}" if newest else "no digest from it yet"
            check = Check(True, check.what, f"{check.detail}; {seen}")
        checks.append(check)
    if settings.llm_url:
        checks.append(await _llm(settings, http))
        checks.append(await _fulltext(settings, http))
    if settings.publish_git:
        checks.append(await _publish(settings))
    if settings.bot_token and _is_file(db_path):
        checks.append(await _chats(settings, db_path, http))
    return checks


async def _telegram(settings: Settings, http: httpx.AsyncClient, method: str, **params: object):
    url = f"{settings.api_url}/bot{settings.bot_token}/{method}"
    response = await http.post(url, data={k: str(v) for k, v in params.items()})
    return response.json()


async def _token(settings: Settings, http: httpx.AsyncClient) -> Check:
    if not settings.bot_token:
        return Check(False, "token", "TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
    try:
        answer = await _telegram(settings, http, "getMe")
    except (httpx.HTTPError, ValueError) as error:
        return Check(False, "token", f"{settings.api_url} did not answer ({error}); check "
                     "TELEGRAM_API_URL and the network")  # fmt: skip
    if not answer.get("ok"):
        return Check(False, "token", f"Telegram says {answer.get('description')!r}: the token "
                     "was revoked or mistyped; get a new one from @BotFather")  # fmt: skip
    return Check(True, "token", f"@{answer['result'].get('username')} (getMe)")


def damaged_help(path: Path, detail: str) -> str:
    """The one paragraph every command gives for a damaged database: what is wrong, how to
    restore the last backup, and SQLite's ``.recover`` when there is none."""
    return (
        f"the database {path} is damaged (SQLite's check: {detail}); Paperboy will not serve"
        " from it.\n"
        f"  Restore the last backup: stop the bot, copy the backup over {path}, delete"
        f" {path}-wal and {path}-shm if they exist, and start again (backups: `paperboy"
        " backup PATH`; docs/operations.md).\n"
        f"  No backup? Recover what SQLite can read: `sqlite3 {path} .recover | sqlite3"
        " recovered.sqlite3`, check it with `paperboy doctor --db recovered.sqlite3`, then put"
        f" it in place of {path}."
    )


def _recover_hint(path: Path) -> str:
    return (
        f"restore the last backup over it, or recover it: `sqlite3 {path} .recover |"
        " sqlite3 recovered.sqlite3`"
    )


async def _database(path: Path) -> Check:
    if not _is_file(path):
        return Check(False, "database", f"{path} does not exist yet: `paperboy run` or "
                     "`paperboy ingest` creates it")  # fmt: skip
    try:
        found = await health(path, EMBEDDING_MODEL)
    except aiosqlite.Error as error:
        return Check(False, "database", f"{path} is damaged ({error}); {_recover_hint(path)}")
    size = _megabytes(path)
    if found.verdict != "ok":
        return Check(
            False, "database", f"{path} is damaged ({found.verdict}); {_recover_hint(path)}"
        )
    if found.version < len(MIGRATIONS):
        state = f"schema {found.version} of {len(MIGRATIONS)} (`paperboy run` migrates it)"
    else:
        state = f"schema {found.version}"
    waiting = (
        f", {found.without_vector:,} waiting for a vector (`paperboy index`)"
        if found.without_vector
        else ""
    )
    return Check(
        True,
        "database",
        f"{path}: integrity ok, {state}, {found.papers:,} papers{waiting}, {size:.1f} MB",
    )


async def _source(
    source: str, settings: Settings, http: httpx.AsyncClient, today: dt.date
) -> Check:
    what = f"source {source}"
    if source == HF_API_SOURCE:
        url = day_url(settings.hf_api_url, today - dt.timedelta(days=1), 0, 1)
    elif is_template(source):
        url = expand_template(source, today)
    elif is_url(source):
        url = source
    else:
        if _readable(Path(source)):
            return Check(True, what, "readable")
        return Check(False, what, "no such file or directory: fix PAPERBOY_SOURCES")
    try:
        response = await http.get(url)
    except httpx.HTTPError as error:
        return Check(False, what, f"unreachable ({error.__class__.__name__}); check the network")
    if response.status_code in (200, 304, 404):
        note = " (404: nothing published today)" if response.status_code == 404 else ""
        return Check(True, what, f"reachable, HTTP {response.status_code}{note}")
    return Check(False, what, f"HTTP {response.status_code} from {url}")


async def _newest(db_path: Path, source: str) -> str | None:
    """The newest digest date the archive holds from ``source`` (a template by its fixed
    part, a directory by its path)."""
    prefix = source.split("{", 1)[0] if is_template(source) else source
    return await newest_digest(db_path, source, prefix)


async def _llm(settings: Settings, http: httpx.AsyncClient) -> Check:
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    try:
        response = await http.get(f"{settings.llm_url}/models", headers=headers)
    except httpx.HTTPError as error:
        return Check(
            False, "language model", f"{settings.llm_url} unreachable ({error.__class__.__name__})"
        )
    if response.status_code in (401, 403):
        return Check(
            False, "language model", "the endpoint refuses the key: check PAPERBOY_LLM_API_KEY"
        )
    if response.status_code != 200:
        return Check(
            False, "language model", f"HTTP {response.status_code} from {settings.llm_url}/models"
        )
    try:
        models = {item.get("id") for item in response.json().get("data", [])}
    except (ValueError, AttributeError):
        models = set()
    if models and settings.llm_model not in models:
        return Check(False, "language model", f"{settings.llm_model!r} is not among the "
                     f"endpoint's models ({', '.join(sorted(map(str, models))[:5])})")  # fmt: skip
    return Check(True, "language model", f"{settings.llm_model} at {settings.llm_url}")


async def _publish(settings: Settings) -> Check:
    """The archive's remote answers (``git ls-remote``) and would take a push (``git push
    --dry-run`` of a throwaway commit to a branch that is never created)."""
    remote = settings.publish_git
    assert remote is not None
    shown = redact(remote)
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder)
        try:
            listed = await git(probe, "ls-remote", "--heads", remote, remote=remote,
                               seconds=30, check=False)  # fmt: skip
            if listed.code != 0:
                return Check(False, "publishing", f"{shown} unreachable: {_last(listed.err)};"
                             " check PAPERBOY_PUBLISH_GIT and your git credentials")  # fmt: skip
            await git(probe, "init", "--quiet")
            await git(probe, "commit", "--quiet", "--allow-empty", "-m", "paperboy doctor")
            pushed = await git(probe, "push", "--dry-run", remote,
                               "HEAD:refs/heads/paperboy-doctor-probe", remote=remote,
                               seconds=30, check=False)  # fmt: skip
        except GitError as error:
            return Check(False, "publishing", f"{shown}: {error}")
    if pushed.code != 0:
        return Check(False, "publishing", f"{shown} refuses a push: {_last(pushed.err)};"
                     " the credentials git uses need write access")  # fmt: skip
    branch = settings.publish_branch
    has = f"refs/heads/{branch}" in listed.out
    state = f"branch {branch} holds the archive" if has else f"branch {branch} not created yet"
    return Check(True, "publishing", f"{shown} reachable and writable; {state}")


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no answer"


PROBE_PAPER = "2310.06825"  # a paper arXiv renders as HTML: the full-text source is asked for it


async def _fulltext(settings: Settings, http: httpx.AsyncClient) -> Check:
    """The source /ask reads papers from answers (a 200, or a 429 that says it is there);
    only the status is read, never the page."""
    url = settings.fulltext_url.replace("{id}", PROBE_PAPER)
    try:
        async with http.stream("GET", url, timeout=20.0) as response:
            status = response.status_code
    except httpx.HTTPError as error:
        return Check(False, "full-text source", f"{url} unreachable ({error.__class__.__name__}):"
                     " check PAPERBOY_FULLTEXT_URL and the network")  # fmt: skip
    if status in (200, 304, 429, 503):
        resting = " (it asks to slow down now)" if status in (429, 503) else ""
        return Check(True, "full-text source", f"{url} answers{resting}")
    return Check(False, "full-text source", f"HTTP {status} for {url}: check"
                 " PAPERBOY_FULLTEXT_URL ({id} stands for the arXiv id)")  # fmt: skip


async def _chats(settings: Settings, db_path: Path, http: httpx.AsyncClient) -> Check:
    chats = await subscribed_chats(db_path)
    lost: list[str] = []
    for chat_id in chats[:CHATS_CHECKED]:
        answer = await _telegram(settings, http, "getChat", chat_id=chat_id)
        if not answer.get("ok"):
            lost.append(f"{chat_id} ({answer.get('description')})")
    asked = min(len(chats), CHATS_CHECKED)
    if lost:
        return Check(False, "subscribed chats", f"{len(lost)} of {asked} no longer reach the "
                     f"bot: {'; '.join(lost[:5])}. Their deliveries will fail; /stop there or "
                     "re-add the bot")  # fmt: skip
    more = f" (the first {asked} of {len(chats)} asked)" if len(chats) > asked else ""
    return Check(True, "subscribed chats", f"{asked} reach the bot{more}")


# The few file-system looks, synchronous by nature (and instant): kept out of the coroutines.
def _is_file(path: Path) -> bool:
    return path.is_file()


def _readable(path: Path) -> bool:
    return path.exists() and os.access(path, os.R_OK)


def _megabytes(path: Path) -> float:
    """The database with its -wal and -shm files."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
