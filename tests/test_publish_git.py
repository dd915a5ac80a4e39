"""Publishing the archive to a git remote (a local bare repository): first and second runs,
someone else's commits, rejected pushes, a remote that vanishes or hangs, a day rewritten
when its summaries arrive, half-written files, a token in the URL."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import time
from pathlib import Path

import pytest

import bot.publish.repository as repository
from bot.app.cli import main
from bot.pipeline import PUBLISH_TASK
from bot.publish.digest import export_day
from bot.publish.git import redact
from bot.publish.repository import END, START, Clone, day_path, publish_archive
from bot.source.ingest import ingest
from storage import archive, summaries
from storage.summaries import SummaryKey
from tests.bot_harness import bot_running
from tests.conftest import FIXTURES
from tests.fakebot.server import FakeBotApi

SINCE = dt.date(2023, 1, 1)
API_DAY = Path(__file__).parent / "fixtures" / "hf_api" / "2026-08-19.json"


def run(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "Someone", "GIT_COMMITTER_EMAIL": "s@example.org"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "archive.git"
    path.mkdir()
    run(path, "init", "--quiet", "--bare", "--initial-branch=main")
    return path


@pytest.fixture
async def filled(db):
    await ingest(db, [str(FIXTURES)])
    return db


def clone_of(remote: Path, tmp_path: Path, name: str = "work") -> Clone:
    return Clone(str(remote), "main", tmp_path / name)


def remote_log(remote: Path) -> list[str]:
    return run(remote, "log", "--format=%s", "main").splitlines()


def remote_file(remote: Path, path: str) -> str:
    return run(remote, "show", f"main:{path}")


def foreign_push(remote: Path, tmp_path: Path, name: str = "NOTES.md") -> str:
    other = tmp_path / f"other-{name}"
    run(tmp_path, "clone", "--quiet", str(remote), str(other))
    (other / name).write_text("A note from a person.\n")
    run(other, "add", name)
    run(other, "commit", "--quiet", "-m", f"add {name}")
    run(other, "push", "--quiet", "origin", "HEAD:main")
    return run(other, "rev-parse", "HEAD").strip()


def hook(remote: Path, script: str) -> None:
    path = remote / "hooks" / "pre-receive"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


async def test_a_first_publish_writes_every_day_the_readme_and_the_feeds(filled, remote, tmp_path):
    report = await publish_archive(filled, clone_of(remote, tmp_path), SINCE)
    assert report.pushed and report.commit and not report.problem
    days = await archive.digest_dates(filled, SINCE)
    assert remote_log(remote) == [report.message]
    assert report.message.startswith(f"{days[0]}..{days[-1]} digests ({len(days)} days, ")
    for day in days:
        assert remote_file(remote, day_path(day)) == await export_day(filled, day)
    readme = remote_file(remote, "README.md")
    latest = await export_day(filled, days[-1])
    assert readme.startswith("# Daily Papers") and f"{START}\n{latest.rstrip()}\n{END}" in readme
    assert "<feed" in remote_file(remote, "feeds/ko.xml")
    assert "<feed" in remote_file(remote, "feeds/en.xml")
    assert run(remote, "log", "--format=%an", "main").strip() == "Paperboy"


async def test_a_second_publish_with_nothing_new_commits_nothing(filled, remote, tmp_path):
    clone = clone_of(remote, tmp_path)
    await publish_archive(filled, clone, SINCE)
    again = await publish_archive(filled, clone, SINCE)
    assert again.commit is None and again.files == () and again.pushed
    assert again.line() == "publish: nothing changed, no commit"
    fresh = await publish_archive(filled, clone_of(remote, tmp_path, "fresh"), SINCE)
    assert fresh.commit is None  # a new clone (another machine) agrees
    assert len(remote_log(remote)) == 1


async def test_someone_elses_commit_is_kept_and_ours_goes_on_top(filled, remote, tmp_path, db):
    clone = clone_of(remote, tmp_path)
    await publish_archive(filled, clone, SINCE)
    theirs = foreign_push(remote, tmp_path)
    await ingest(db, [str(API_DAY)])  # a new day arrives
    report = await publish_archive(filled, clone, SINCE)
    assert report.pushed and report.message == "2026-08-19 digest (26 papers)"
    assert remote_log(remote)[:2] == [report.message, "add NOTES.md"]
    assert run(remote, "merge-base", "--is-ancestor", theirs, "main") == ""  # never forced
    assert remote_file(remote, "NOTES.md") == "A note from a person.\n"


async def test_a_push_rejected_by_a_concurrent_commit_is_rebased_and_retried(
    filled, remote, tmp_path, db
):
    clone = clone_of(remote, tmp_path)
    await publish_archive(filled, clone, SINCE)
    await ingest(db, [str(API_DAY)])
    await clone.sync()
    text = await export_day(db, dt.date(2026, 8, 19))
    await clone.write({day_path(dt.date(2026, 8, 19)): text})
    ours = await clone.commit("2026-08-19 digest (26 papers)")
    theirs = foreign_push(remote, tmp_path)  # between our commit and our push
    assert await clone.push() == ""
    log = remote_log(remote)
    assert log[:2] == ["2026-08-19 digest (26 papers)", "add NOTES.md"]
    assert run(remote, "merge-base", "--is-ancestor", theirs, "main") == ""
    assert run(remote, "rev-parse", "main").strip() != ours  # rebased: a new commit id


async def test_a_push_rejected_twice_stops_and_keeps_the_commit(filled, remote, tmp_path):
    hook(remote, "echo 'pushes are closed today' >&2; exit 1")
    clone = clone_of(remote, tmp_path)
    report = await publish_archive(filled, clone, SINCE)
    assert not report.pushed and "1 local commit(s) kept" in report.problem
    assert "pushes are closed today" in report.problem
    assert report.line().startswith("publish stopped: ")
    assert await clone.unpushed() == 1
    (remote / "hooks" / "pre-receive").unlink()
    later = await publish_archive(filled, clone, SINCE)
    assert later.pushed and later.commit is None  # nothing new, but the kept commit went
    assert len(remote_log(remote)) == 1


async def test_a_remote_that_hangs_mid_push_is_given_up_and_the_commit_kept(
    filled, remote, tmp_path, monkeypatch
):
    hook(remote, "sleep 20")
    monkeypatch.setattr(repository, "NETWORK_SECONDS", 1.5)
    clone = clone_of(remote, tmp_path)
    report = await publish_archive(filled, clone, SINCE)
    assert "took longer than 2 s" in report.problem and await clone.unpushed() == 1


async def test_a_remote_that_disappears_keeps_the_commit_for_when_it_is_back(
    filled, remote, tmp_path, db
):
    clone = clone_of(remote, tmp_path)
    await publish_archive(filled, clone, SINCE)
    await ingest(db, [str(API_DAY)])
    hook(remote, f"rm -rf '{remote}'; exit 1")  # the repository goes away during the push
    report = await publish_archive(filled, clone, SINCE)
    assert report.problem and await clone.unpushed() == 1
    remote.mkdir()
    run(remote, "init", "--quiet", "--bare", "--initial-branch=main")  # restored, empty
    back = await publish_archive(filled, clone, SINCE)
    assert back.pushed and remote_log(remote)[0] == "2026-08-19 digest (26 papers)"


async def test_a_day_is_rewritten_when_its_summaries_arrive(db, remote, tmp_path):
    await ingest(db, [str(API_DAY)])
    clone = clone_of(remote, tmp_path)
    await publish_archive(db, clone, SINCE)
    day = dt.date(2026, 8, 19)
    before = remote_file(remote, day_path(day))
    (paper, _), *_ = await archive.digest_listing(db, day)
    sections = {"What's New": "새로 작성된 한국어 요약입니다. 이 논문은 새로운 방법을 제안합니다."}
    await summaries.store(db, paper.arxiv_id, SummaryKey("ko", "qwen-test", "1"), sections, 10,
                          dt.datetime(2026, 8, 20, tzinfo=dt.UTC))  # fmt: skip
    report = await publish_archive(db, clone, SINCE)
    assert report.message == "2026-08-19 digest (26 papers)"
    after = remote_file(remote, day_path(day))
    assert after != before and "새로 작성된 한국어 요약입니다" in after


async def test_no_day_is_committed_half_written(filled, remote, tmp_path, monkeypatch):
    clone = clone_of(remote, tmp_path)
    real = repository.write_file
    written = []

    def failing(path: Path, text: str) -> None:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(path)
        real(path, text)

    monkeypatch.setattr(repository, "write_file", failing)
    report = await publish_archive(filled, clone, SINCE)
    assert "No space left" in report.problem and report.commit is None
    assert run(remote, "for-each-ref").strip() == ""  # nothing reached the remote
    monkeypatch.setattr(repository, "write_file", real)
    whole = await publish_archive(filled, clone, SINCE)
    assert whole.pushed and len(remote_log(remote)) == 1


async def test_a_dry_run_lists_the_changes_and_changes_nothing(filled, remote, tmp_path):
    clone = clone_of(remote, tmp_path)
    report = await publish_archive(filled, clone, SINCE, dry_run=True)
    assert "README.md" in report.files and "feeds/ko.xml" in report.files
    assert report.commit is None and not (clone.path / "README.md").exists()
    assert run(remote, "for-each-ref").strip() == ""


async def test_a_token_in_the_url_is_never_written_down_or_shown(
    filled, remote, tmp_path, monkeypatch, caplog
):
    secret = "ghp_SECRETtoken1234567890"
    url = f"https://x-access-token:{secret}@example.invalid/owner/archive.git"
    home = tmp_path / "home"
    home.mkdir()
    # The operator's git configuration maps the URL (as a credential helper would answer
    # for it); here to the local bare repository, so no network is touched.
    (home / ".gitconfig").write_text(f'[url "{remote}"]\n\tinsteadOf = {url}\n')
    monkeypatch.setenv("HOME", str(home))
    clone = Clone(url, "main", tmp_path / "work")
    report = await publish_archive(filled, clone, SINCE)
    assert report.pushed
    hook(remote, f"echo 'denied for {url}' >&2; exit 1")
    await ingest(filled, [str(API_DAY)])  # something new to push
    failed = await publish_archive(filled, clone, SINCE)
    assert "denied for https://***@example.invalid" in failed.problem
    every_file = b"".join(p.read_bytes() for p in clone.path.rglob("*") if p.is_file())
    assert secret.encode() not in every_file
    assert secret not in report.line() + failed.line() + caplog.text


def test_redaction_of_git_messages():
    message = "fatal: unable to access 'https://user:tok3n@github.com/o/r.git/': Could not resolve"
    assert redact(message) == (
        "fatal: unable to access 'https://***@github.com/o/r.git/': Could not resolve"
    )
    assert redact("token tok3n alone", "https://user:tok3n@host/r.git") == "token *** alone"


def test_paperboy_publish_dry_run_then_for_real(tmp_path, monkeypatch, capsys, remote):
    monkeypatch.setenv("PAPERBOY_DB", str(tmp_path / "d.sqlite3"))
    assert main(["ingest", str(FIXTURES), "--no-index"]) == 0
    monkeypatch.setenv("PAPERBOY_PUBLISH_GIT", str(remote))
    capsys.readouterr()
    assert main(["publish", "--since", "2023-01-01", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "would write paper_logs/2023/11/20.md" in out and "would write README.md" in out
    assert out[-1].startswith("would commit: 2023-11-20..2024-10-18 digests (12 days, ")
    assert run(remote, "for-each-ref").strip() == ""
    assert main(["publish", "--since", "2023-01-01"]) == 0
    assert capsys.readouterr().out.startswith("publish: 2023-11-20..2024-10-18 digests")
    assert main(["publish"]) == 0
    assert capsys.readouterr().out.strip() == "publish: nothing changed, no commit"


def test_paperboy_publish_without_a_remote_says_what_to_set(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PAPERBOY_DB", str(tmp_path / "d.sqlite3"))
    assert main(["ingest", str(FIXTURES), "--no-index"]) == 0
    assert main(["publish"]) == 2
    assert "PAPERBOY_PUBLISH_GIT is not set" in capsys.readouterr().err


async def test_the_bot_publishes_after_a_poll_without_waiting_on_the_remote(tmp_path, remote):
    hook(remote, "sleep 30")  # a remote that hangs
    env = {"PAPERBOY_PUBLISH_GIT": str(remote)}
    async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES), env=env) as bot:
        started = time.monotonic()
        await bot.pipeline.poll_now()
        assert time.monotonic() - started < 3  # the poll (and its deliveries) did not wait
        assert bot.pipeline.tasks.running(PUBLISH_TASK)
        user = FakeBotApi.user(4001, "en", "Ada")
        (reply,) = await bot.say(FakeBotApi.private_chat(user), user, "/help")
        assert "/top" in reply.text
    assert run(remote, "for-each-ref").strip() == ""  # stopped: the hung push never landed
    (remote / "hooks" / "pre-receive").unlink()
    async with bot_running(tmp_path / "bot.sqlite3", str(FIXTURES), env=env) as bot:
        await bot.pipeline.poll_now()
        await bot.pipeline.tasks.get(PUBLISH_TASK)
    assert remote_log(remote) == ["2024-10-16..2024-10-18 digests (2 days, 27 papers)"]


async def test_two_publishes_at_once_take_turns(filled, remote, tmp_path, db):
    first, second = clone_of(remote, tmp_path), clone_of(remote, tmp_path)  # one clone, two runs
    reports = await asyncio.gather(
        publish_archive(filled, first, SINCE), publish_archive(db, second, SINCE)
    )
    assert all(r.pushed and not r.problem for r in reports)
    assert sorted(r.commit is None for r in reports) == [False, True]  # one commit in all
    assert len(remote_log(remote)) == 1


async def test_a_readme_of_the_operators_is_kept_around_the_latest_digest(filled, remote, tmp_path):
    other = tmp_path / "mine"
    run(tmp_path, "clone", "--quiet", str(remote), str(other))
    (other / "README.md").write_text("# Our lab's paper archive\n\nRead me first.\n")
    run(other, "add", "README.md")
    run(other, "commit", "--quiet", "-m", "our README")
    run(other, "push", "--quiet", "origin", "HEAD:main")
    await publish_archive(filled, clone_of(remote, tmp_path), SINCE)
    first = remote_file(remote, "README.md")
    assert first.startswith("# Our lab's paper archive\n\nRead me first.\n\n" + START)
    edited = first.replace("Read me first.", "Read me first, really.") + "\nFooter of ours.\n"
    run(other, "pull", "--quiet", "--rebase", "origin", "main")
    (other / "README.md").write_text(edited)
    run(other, "commit", "--quiet", "-am", "edit around the markers")
    run(other, "push", "--quiet", "origin", "HEAD:main")
    again = await publish_archive(filled, clone_of(remote, tmp_path), SINCE)
    assert again.commit is None  # the digest between the markers is unchanged
    assert remote_file(remote, "README.md") == edited
