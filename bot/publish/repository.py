"""The public archive as a git repository in the seed's layout: ``paper_logs/YYYY/MM/DD.md``
a day, ``README.md`` with the latest digest between markers, and ``feeds/{ko,en}.xml``.

One publish: bring the working clone level with the remote (our own unpushed commits
rebased on top), write every file whose text changed (each whole, by rename), commit them in
one commit, push. Safe: never a force-push; a rejected push is fetched, rebased and tried
once more, then left for the next publish with the commits kept; nothing is committed while
a file is half-written; a second publish with nothing new commits nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.i18n import LANGUAGES
from bot.publish.digest import DIGEST_LANGUAGE, export_day, write_file
from bot.publish.feed import feed_text
from bot.publish.git import NETWORK_SECONDS, GitError, git, redact
from storage import archive
from storage.db import Database

log = logging.getLogger(__name__)

LOCK_SECONDS = 300.0  # a publish waits this long for another one (a backfill) to finish
OURS = ("paper_logs", "README.md", "feeds")  # what Paperboy writes; anything else is left be
START = "<!-- paperboy:latest:start -->"
END = "<!-- paperboy:latest:end -->"
HEADER = """# Daily Papers (한국어)

Hugging Face Daily Papers를 매일 한국어로 요약합니다: What's New, Technical Details,
Performance Highlights. 하루 한 파일, `paper_logs/YYYY/MM/DD.md`.
Feeds: [한국어](feeds/ko.xml) · [English](feeds/en.xml). Published by Paperboy.

"""


@dataclass(frozen=True)
class PublishReport:
    files: tuple[str, ...]  # written (or, in a dry run, that would be), relative paths
    message: str = ""  # the commit's message
    commit: str | None = None  # the new commit; None: nothing new
    pushed: bool = False  # the remote holds everything committed
    problem: str = ""  # why it stopped; the local commits are kept for the next publish

    def line(self) -> str:
        if self.problem:
            return f"publish stopped: {self.problem}"
        if not self.files:
            return "publish: nothing changed, no commit"
        pushed = "pushed" if self.pushed else "not pushed"
        return f"publish: {self.message} — {len(self.files)} files, {pushed}"


def publish_dir(db_path: Path) -> Path:
    """Paperboy's working clone, beside the database it publishes."""
    return db_path.parent / "publish"


def day_path(day: dt.date) -> str:
    return f"paper_logs/{day:%Y}/{day:%m}/{day:%d}.md"


def readme(current: str | None, latest: str) -> str:
    """The README with the latest digest between the markers; the operator's own text
    around them is kept. A README of theirs without markers keeps its text, the block goes
    after it; a repository without one gets Paperboy's short header and the block."""
    block = f"{START}\n{latest.rstrip()}\n{END}"
    if current and START in current and END in current.split(START, 1)[1]:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        return f"{before}{block}{after}"
    if current and current.strip():
        return f"{current.rstrip()}\n\n{block}\n"
    return f"{HEADER}{block}\n"


def commit_message(days: list[tuple[dt.date, int]]) -> str:
    """``2026-12-07 digest (38 papers)`` for a day; a span for many; feeds alone else."""
    if not days:
        return "README and feeds updated"
    if len(days) == 1:
        day, papers = days[0]
        return f"{day} digest ({papers:,} papers)"
    total = sum(papers for _, papers in days)
    return f"{days[0][0]}..{days[-1][0]} digests ({len(days):,} days, {total:,} papers)"


class Clone:
    """Paperboy's working clone of the remote: the URL is given to each fetch and push and
    never stored (``.git/config`` holds no remote)."""

    def __init__(self, remote: str, branch: str, path: Path) -> None:
        self.remote = remote
        self.branch = branch
        self.path = path
        self.tracking = f"refs/paperboy/remote/{branch}"

    async def git(self, *args: str, **options: object) -> str:
        return (await git(self.path, *args, remote=self.remote, **options)).out  # type: ignore[arg-type]

    async def sync(self) -> None:
        """Level with the remote: a new clone takes its branch; unpushed commits of ours are
        rebased on top of what others pushed; a file left by an interrupted publish is
        dropped (every file is written again from the archive)."""
        if not (self.path / ".git").is_dir():
            self.path.mkdir(parents=True, exist_ok=True)
            await self.git("init", "--quiet", f"--initial-branch={self.branch}")
        await self.git("reset", "--quiet", "--hard", check=False)
        await self.git("clean", "--quiet", "-d", "--force", "--", *OURS, check=False)
        if not await self._fetch():
            return  # an empty remote, or a new branch: ours will be its first commit
        if not await self._has_commits():
            await self.git("reset", "--quiet", "--hard", self.tracking)
            return
        run = await git(self.path, "rebase", "--quiet", self.tracking, remote=self.remote,
                        check=False)  # fmt: skip
        if run.code != 0:
            await self.git("rebase", "--abort", check=False)
            raise GitError(
                "our unpushed commits do not apply on the remote's branch (someone changed"
                " the same files); resolve it in the clone or remove it to start afresh"
            )

    async def _fetch(self) -> bool:
        """The remote's branch into our tracking ref; False when it has no such branch."""
        refspec = f"+refs/heads/{self.branch}:{self.tracking}"
        run = await git(self.path, "fetch", "--quiet", "--no-tags", self.remote, refspec,
                        remote=self.remote, seconds=NETWORK_SECONDS, check=False)  # fmt: skip
        if run.code == 0:
            return True
        if "couldn't find remote ref" in run.err:
            await self.git("update-ref", "-d", self.tracking, check=False)
            return False
        raise GitError(f"git fetch failed: {' / '.join(run.err.strip().splitlines()[-2:])}")

    async def _has_commits(self) -> bool:
        return (await git(self.path, "rev-parse", "--verify", "--quiet", "HEAD",
                          check=False)).code == 0  # fmt: skip

    def read(self, relative: str) -> str | None:
        try:
            return (self.path / relative).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    async def write(self, files: dict[str, str]) -> None:
        for relative, text in files.items():
            await asyncio.to_thread(write_file, self.path / relative, text)

    async def commit(self, message: str) -> str | None:
        """One commit of everything Paperboy wrote; None when nothing differs."""
        await self.git("add", "--all", "--", *OURS)
        staged = await git(self.path, "diff", "--cached", "--quiet", check=False)
        if staged.code == 0:
            return None
        await self.git("commit", "--quiet", "--no-verify", "-m", message)
        return (await self.git("rev-parse", "HEAD")).strip()

    async def unpushed(self) -> int:
        if not await self._has_commits():
            return 0
        tracked = await git(self.path, "rev-parse", "--verify", "--quiet", self.tracking,
                            check=False)  # fmt: skip
        span = f"{self.tracking}..HEAD" if tracked.code == 0 else "HEAD"
        return int((await self.git("rev-list", "--count", span)).strip() or 0)

    async def push(self) -> str:
        """Push our commits (never forcing); a rejection is fetched, rebased and pushed once
        more. Returns '' when the remote holds them, else why not (the commits are kept)."""
        if await self.unpushed() == 0:
            return ""
        for attempt in (1, 2):
            try:
                await self.git("push", "--quiet", self.remote, f"HEAD:refs/heads/{self.branch}",
                               seconds=NETWORK_SECONDS)  # fmt: skip
                await self.git("update-ref", self.tracking, "HEAD")
                return ""
            except GitError as error:
                if attempt == 2:
                    kept = await self.unpushed()
                    return f"{error}; {kept} local commit(s) kept for the next publish"
                log.info("push rejected (%s); fetching and trying once more", error)
                try:
                    await self.sync()
                except GitError as again:
                    return f"{again}; the local commits are kept"
        return "unreachable"  # pragma: no cover


async def publish_archive(
    db: Database,
    clone: Clone,
    since: dt.date,
    dry_run: bool = False,
    feeds: tuple[str, ...] = LANGUAGES,
) -> PublishReport:
    """Write, commit and push the days from ``since``, the README and the feeds. One publish
    at a time per clone, across processes (the bot and ``paperboy publish``)."""
    try:
        async with _locked(clone.path):
            return await _publish(db, clone, since, dry_run, feeds)
    except (GitError, OSError, TimeoutError) as error:
        return PublishReport((), problem=redact(str(error), clone.remote))


async def _publish(
    db: Database, clone: Clone, since: dt.date, dry_run: bool, feeds: tuple[str, ...]
) -> PublishReport:
    await clone.sync()
    files, days = await _files(db, clone, since, feeds)
    changed = {path: text for path, text in files.items() if clone.read(path) != text}
    message = commit_message([(day, papers) for day, papers in days if day_path(day) in changed])
    if dry_run:
        return PublishReport(tuple(sorted(changed)), message)
    await clone.write(changed)
    commit = await clone.commit(message) if changed else None
    problem = await clone.push()
    return PublishReport(tuple(sorted(changed)), message, commit, not problem, problem)


@contextlib.asynccontextmanager
async def _locked(path: Path, seconds: float = LOCK_SECONDS) -> AsyncIterator[None]:
    """An exclusive lock on the clone (a file beside it), waited for at most ``seconds``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "w") as handle:  # noqa: ASYNC230
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(
                        f"another publish held {path} for {seconds:.0f} s; try again later"
                    ) from None
                await asyncio.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def _files(
    db: Database, clone: Clone, since: dt.date, feeds: tuple[str, ...]
) -> tuple[dict[str, str], list[tuple[dt.date, int]]]:
    """Every file's text as the archive has it now: the days, the README, the feeds."""
    files: dict[str, str] = {}
    days: list[tuple[dt.date, int]] = []
    for day in await archive.digest_dates(db, since):
        text = await export_day(db, day, DIGEST_LANGUAGE)
        if text is not None:
            files[day_path(day)] = text
            days.append((day, len(await archive.digest_listing(db, day))))
    latest = await archive.latest_digest_date(db)
    if latest is not None:
        text = files.get(day_path(latest)) or await export_day(db, latest, DIGEST_LANGUAGE)
        if text is not None:
            files["README.md"] = readme(clone.read("README.md"), text)
    for lang in feeds:
        files[f"feeds/{lang}.xml"] = await feed_text(db, lang)  # type: ignore[arg-type]
    return files, days
