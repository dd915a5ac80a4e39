"""``git`` itself, run as a subprocess: a clean environment, a deadline, output redacted.

Why the git binary rather than a library: it is the one implementation of every transport
and every way operators authenticate (SSH keys and agents, credential helpers, ``insteadOf``
rewrites, ``http.extraHeader``) and it is on every machine that pushes to GitHub; pygit2
needs libgit2 built with SSH, GitPython shells out to git anyway. The environment keeps what
authentication needs (HOME, the SSH agent, XDG and git config locations) and drops what
could point git elsewhere (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE...); git never prompts.

The remote URL is passed on each fetch and push, never stored in ``.git/config``, and every
line git prints passes ``redact`` first: a URL with a token in it is never written down by
Paperboy, nor logged, nor shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from dataclasses import dataclass
from pathlib import Path

LOCAL_SECONDS = 60.0  # a local command (add, commit, rebase) on a 1,000-day archive
NETWORK_SECONDS = 120.0  # a fetch or a push
AUTHOR = ("Paperboy", "paperboy@users.noreply.github.com")
_KEPT = (
    "PATH", "HOME", "USER", "LOGNAME", "SSH_AUTH_SOCK", "SSH_AGENT_PID", "GIT_SSH_COMMAND",
    "GIT_SSH", "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR",
    "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy", "TMPDIR",
)  # fmt: skip
_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.I)


class GitError(Exception):
    """A git command failed or ran out of time; the message is redacted."""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def redact(text: str, remote: str | None = None) -> str:
    """``text`` without credentials: any ``scheme://user:secret@`` becomes ``scheme://***@``,
    and the remote's own user-info part wherever it appears alone."""
    text = _CREDENTIALS.sub(r"\g<scheme>***@", text)
    if remote and (found := re.match(r"[a-z][a-z0-9+.-]*://([^/@\s]+)@", remote, re.I)):
        for part in sorted(found.group(1).split(":"), key=len, reverse=True):
            if len(part) >= 4 and part not in ("x-access-token", "oauth2", "git"):
                text = text.replace(part, "***")
    return text


def environment() -> dict[str, str]:
    env = {name: os.environ[name] for name in _KEPT if name in os.environ}
    env.update(
        {
            "LANG": "C",
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",  # a missing credential fails, never waits on a prompt
            "GIT_ASKPASS": "echo",
            "SSH_ASKPASS": "echo",
            "GIT_AUTHOR_NAME": AUTHOR[0],
            "GIT_AUTHOR_EMAIL": AUTHOR[1],
            "GIT_COMMITTER_NAME": AUTHOR[0],
            "GIT_COMMITTER_EMAIL": AUTHOR[1],
        }
    )
    # SSH: never stop on an unknown host key question (BatchMode), as a cron job would not.
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


async def git(
    cwd: Path, *args: str, remote: str | None = None, seconds: float = LOCAL_SECONDS,
    check: bool = True,
) -> Run:  # fmt: skip
    """Run ``git args`` in ``cwd``; raises ``GitError`` (redacted) on a failure when
    ``check``, and always when it takes longer than ``seconds`` (the process is killed)."""
    try:
        # A session of its own: on a timeout the whole group goes, the remote end of a local
        # push and its hooks included, so a killed push cannot land later.
        process = await asyncio.create_subprocess_exec(
            "git", *args, cwd=cwd, env=environment(), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
    except FileNotFoundError:
        raise GitError("git is not installed (the git command was not found)") from None
    try:
        out, err = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        await _kill(process)
        raise GitError(f"git {args[0]} took longer than {seconds:.0f} s; stopped") from None
    except asyncio.CancelledError:  # the bot is stopping: no git left running behind it
        await _kill(process)
        raise
    run = Run(process.returncode or 0, redact(out.decode(errors="replace"), remote),
              redact(err.decode(errors="replace"), remote))  # fmt: skip
    if check and run.code != 0:
        raise GitError(f"git {args[0]} failed: {_why(run)}")
    return run


async def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()


def _why(run: Run) -> str:
    """The lines that say why: what the remote said (a hook's refusal), then git's last."""
    lines = [line.strip() for line in (run.err or run.out).splitlines() if line.strip()]
    said = [line for line in lines if line.startswith("remote:")][:3]
    last = [line for line in lines[-2:] if line not in said]
    return " / ".join(said + last) or f"exit {run.code}"
