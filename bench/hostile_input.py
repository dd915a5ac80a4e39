"""Issue 27's hostile inputs at their full sizes, each ingested by ``paperboy ingest`` in a
process of its own: its wall time, its peak RSS and the line it ended with.

Run: ``python -m bench.hostile_input`` (about 2 minutes; builds about 1.3 GB of files in a
temporary directory, then deletes them). Targets: each case under 10 s and 300 MB. Before the
budgets: 100 MB of newlines 115 s and 15.2 GB; a gzip bomb and a 1.5 GB stream still running
at 120 s and 13 GB; a drip-feed forever; a lying zip 2.1 GB; 60 members of 19.9 MB 2.4 GB; a
53 MB summary stored whole; 100k API entries 36 s and 1.6 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.hostile_inputs import (
    HostileMirror,
    crowded_api_day,
    huge_field_digest,
    lying_zip,
    many_members_zip,
    newlines_file,
)
from tests.loopback import on_own_thread

MB = 1 << 20
GB = 1 << 30


def ingest(db: Path, source: str) -> tuple[float, float, int, str]:
    """``paperboy ingest source`` in a child: seconds, peak RSS in MB, exit code, last line."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", "--no-index", "--db", str(db), source],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PAPERBOY_SEMANTIC": "off"},
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    took = time.perf_counter() - started
    lines = [line for line in output.splitlines() if line.strip()]
    said = next((line for line in lines if source.split("/")[-1] in line and ":" in line), "")
    return took, usage.ru_maxrss / 1024, child.returncode, (said or (lines[-1] if lines else ""))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_input")
    parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        on_own_thread(HostileMirror(bomb_bytes=GB, drip_seconds=5.0)) as mirror,
    ):
        root = Path(tmp)
        cases: list[tuple[str, Callable[[], str]]] = [
            ("100 MB of newlines", lambda: str(newlines_file(root / "newlines.md", 100 * MB))),
            ("5 MB of newlines", lambda: str(newlines_file(root / "five.md", 5 * MB))),
            ("gzip bomb, 1 MB to 1 GB", lambda: f"{mirror.url}/bomb.md"),
            ("endless plain body", lambda: f"{mirror.url}/endless.md"),
            ("drip-feed, a byte every 5 s", lambda: f"{mirror.url}/drip.md"),
            ("zip claiming 1,000 B for 1 GB", lambda: str(lying_zip(root / "liar.zip", GB))),
            (
                "60 members of 19.9 MB",
                lambda: str(many_members_zip(root / "crowd.zip", 60, int(19.9 * MB))),
            ),
            (
                "53 MB summary line",
                lambda: str(huge_field_digest(root / "2024-01-02.md", 53 * 1_000_000 // 3)),
            ),
            (
                "API day of 100k entries",
                lambda: str(crowded_api_day(root / "2024-01-03.json", 99_999)),
            ),
        ]
        print(f"{'case':32s} {'seconds':>8s} {'peak MB':>8s} exit  what it said")
        for name, build in cases:
            source = build()
            db = root / "bench.sqlite3"
            took, peak, code, said = ingest(db, source)
            print(f"{name:32s} {took:8.1f} {peak:8.0f} {code:4d}  {said[-110:]}", flush=True)
            db.unlink(missing_ok=True)
            if not source.startswith("http"):
                Path(source).unlink(missing_ok=True)
    print("targets: under 10 s and 300 MB each, with a clear line")


if __name__ == "__main__":
    main()
