import datetime as dt
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from bot.core.limits import MEMBER_BYTES as MEMBER_LIMIT
from bot.source.ingest import ingest
from bot.source.inputs import expand_sources, expand_template, is_template
from storage.archive import archive_stats
from tests.conftest import FIXTURES

TEMPLATE = (
    "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/{yyyy}/{mm}/{dd}.md"
)


def test_templates_expand_for_yesterday_then_today():
    urls = expand_sources([TEMPLATE, "digests/"], dt.date(2024, 3, 1))
    assert urls == [
        "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/2024/02/29.md",
        "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/2024/03/01.md",
        "digests/",
    ]


def test_date_placeholder_and_non_templates():
    assert expand_template("https://x/{date}.md", dt.date(2024, 1, 9)) == "https://x/2024-01-09.md"
    assert not is_template("https://x/latest.md")
    assert is_template(TEMPLATE)


def _archive(tmp_path: Path, kind: str) -> Path:
    """The fixture digests as a repository snapshot: under a top folder, with a README and a
    stray non-digest file, as GitHub packs them."""
    files = {
        f"daily_papers_ko-main/paper_logs/{p.relative_to(FIXTURES).as_posix()}": p.read_bytes()
        for p in sorted(FIXTURES.rglob("*.md"))
    }
    files["daily_papers_ko-main/CONTRIBUTING.md"] = b"# How to contribute\n"
    files["daily_papers_ko-main/summarize.py"] = b"print('not read')\n"
    path = tmp_path / f"snapshot.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
    else:
        with tarfile.open(path, "w:gz") as archive:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
async def test_an_archive_ingests_like_its_files(db, tmp_path: Path, kind: str):
    report = await ingest(db, [str(_archive(tmp_path, kind))])
    assert report.issues == [] or all("has no summary" in i.message for i in report.issues)
    stats = await archive_stats(db)
    assert (stats.papers, stats.digests) == (161, 12)
    again = await ingest(db, [str(_archive(tmp_path, kind))])  # idempotent
    assert again.papers_new == 0 and again.entries_new == 0


async def test_a_broken_or_hostile_archive_is_a_problem_not_a_crash(db, tmp_path: Path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    bomb = tmp_path / "big.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.md", b"#" * (MEMBER_LIMIT + 1))
        archive.writestr("bad.md", b"\xff\xfe not utf-8")
    report = await ingest(db, [str(broken), str(bomb)])
    messages = [f"{i.source}: {i.message}" for i in report.issues]
    assert any("broken.tar.gz: not a readable archive" in m for m in messages)
    assert any(f"huge.md: over {MEMBER_LIMIT:,} bytes unpacked, skipped" in m for m in messages)
    assert any("no digest in the archive" in m for m in messages)
    assert any("bad.md: not UTF-8 text" in m for m in messages)
    assert (await archive_stats(db)).papers == 0
