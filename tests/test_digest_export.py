"""`paperboy digest`: a day's digest in the seed's format. Digest days come back byte for byte;
API days are rendered with the summaries Paperboy wrote; everything parses back."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from bot.app.cli import main
from bot.core.models import Paper
from bot.parse.markdown import parse_digest
from bot.publish.digest import export_day, write_day
from bot.render.digest_md import Entry, render_digest
from bot.source.ingest import IngestReport, ingest, store_text
from bot.summarize.prompt import PROMPT_VERSION
from storage import archive, summaries
from storage.db import connect
from storage.summaries import SummaryKey
from tests.conftest import CORPUS, FIXTURES, ROOT, needs_corpus

SEED = FIXTURES / "2024" / "09" / "20.md"
API = ROOT / "tests" / "fixtures" / "hf_api"
NOW = dt.datetime(2026, 8, 20, 0, 0, tzinfo=dt.UTC)
KEY = SummaryKey("ko", "qwen-test", PROMPT_VERSION)


def same_text(a: Paper, b: Paper) -> bool:
    """What a digest says of a paper: everything the file can carry."""
    fields = ("arxiv_id", "title", "url", "thumbnail", "authors", "summary")
    return all(getattr(a, f) == getattr(b, f) for f in fields) and dict(a.sections) == dict(
        b.sections
    )


async def test_the_seed_day_exports_byte_for_byte(db):
    await ingest(db, [str(FIXTURES)])
    text = await export_day(db, dt.date(2024, 9, 20))
    assert text is not None
    assert text.encode("utf-8") == SEED.read_bytes()


async def test_a_re_run_appended_to_a_file_exports_whole_and_a_repeat_is_not_kept(db, tmp_path):
    two_runs = FIXTURES / "2024" / "10" / "18.md"  # two blocks of the same date
    await ingest(db, [str(two_runs)])
    readme = tmp_path / "README.md"  # the feed's README repeats the day inside other text
    readme.write_text(
        "# daily_papers_ko\n\n" + two_runs.read_text(encoding="utf-8") + "## License\n\nMIT\n",
        encoding="utf-8",
    )
    await ingest(db, [str(readme)])
    text = await export_day(db, dt.date(2024, 10, 18))
    assert text == two_runs.read_text(encoding="utf-8")


async def test_each_day_prints_its_own_votes(db):
    await ingest(db, [str(API / "2026-08-13.json"), str(API / "2026-08-19.json")])
    days = {}
    for day in (dt.date(2026, 8, 13), dt.date(2026, 8, 19)):
        text = await export_day(db, day)
        assert text is not None
        (digest,) = parse_digest(text).digests
        days[day] = {p.arxiv_id: p.votes for p in digest.papers}
    assert days[dt.date(2026, 8, 13)]["2608.12313"] == 2
    assert days[dt.date(2026, 8, 19)]["2608.12313"] == 27
    assert (await archive.get_paper(db, "2608.12313")).votes == 27  # live: the newer count


async def test_a_new_day_exports_its_generated_summaries_and_the_fallback(db):
    day = API / "2026-08-19.json"
    await store_text(db, day.read_text(encoding="utf-8"), str(day), IngestReport())
    listed = await archive.digest_papers(db, dt.date(2026, 8, 19))
    written = {
        "What's New": "이 논문은 <script>alert(1)</script> & 새로운 방법을 제안합니다.",
        "Technical Details": "여러 단계로\n### [Injected](https://arxiv.org/abs/2401.00001)\n구성됩니다.",
        "Performance Highlights": "- 벤치마크에서\n\n뛰어난 결과를 보였습니다.",
    }
    await summaries.store(db, listed[0].arxiv_id, KEY, written, 500, NOW)

    text = await export_day(db, dt.date(2026, 8, 19))
    assert text is not None and text.startswith("## Daily Papers (2026-08-19)\n\n### [")
    result = parse_digest(text)
    assert result.issues == ()
    (digest,) = result.digests
    assert [p.arxiv_id for p in digest.papers] == [p.arxiv_id for p in listed]  # none injected
    first = digest.papers[0]
    assert dict(first.sections) == {name: " ".join(v.split()) for name, v in written.items()}
    assert first.votes == listed[0].votes and first.authors == listed[0].authors
    other = digest.papers[1]  # no summary: its AI summary, as the feed's plain bullet
    assert other.summary == f"- {' '.join(listed[1].ai_summary.split())}"
    # An English digest: no English summary was written, so Korean comes next, as on cards.
    english = await export_day(db, dt.date(2026, 8, 19), "en")
    assert english is not None
    (digest,) = parse_digest(english).digests
    assert dict(digest.papers[0].sections) == dict(first.sections)


async def test_an_unknown_day_exports_nothing(db):
    assert await export_day(db, dt.date(2031, 1, 1)) is None


async def test_a_day_is_written_once_whole_and_rewritten_only_when_it_changed(db, tmp_path):
    day = API / "2026-08-19.json"
    await store_text(db, day.read_text(encoding="utf-8"), str(day), IngestReport())
    out = tmp_path / "site"
    path = await write_day(db, dt.date(2026, 8, 19), out, "ko")
    assert path == out / "2026" / "08" / "19.md"
    assert path.read_text(encoding="utf-8") == await export_day(db, dt.date(2026, 8, 19))
    assert await write_day(db, dt.date(2026, 8, 19), out, "ko") is None  # unchanged
    listed = await archive.digest_papers(db, dt.date(2026, 8, 19))
    await summaries.store(db, listed[2].arxiv_id, KEY, {"What's New": "새 요약."}, 1, NOW)
    assert await write_day(db, dt.date(2026, 8, 19), out, "ko") == path
    assert "- **What's New**: 새 요약." in path.read_text(encoding="utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["19.md"]  # no temporary left behind


def test_the_command_writes_the_seed_day_to_a_file_and_to_stdout(tmp_path, capsys):
    db = str(tmp_path / "a.sqlite3")
    assert main(["ingest", str(FIXTURES), "--db", db]) == 0
    capsys.readouterr()
    out = tmp_path / "out" / "20.md"
    assert main(["digest", "--date", "2024-09-20", "-o", str(out), "--db", db]) == 0
    assert out.read_bytes() == SEED.read_bytes()
    assert capsys.readouterr().out == ""  # the file, not the terminal
    assert main(["digest", "--date", "2024-09-20", "--db", db]) == 0
    assert capsys.readouterr().out == SEED.read_text(encoding="utf-8")
    assert main(["digest", "--date", "2031-01-01", "--db", db]) == 1
    assert "no digest for 2031-01-01" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["digest", "--date", "yesterday-ish", "--db", db])
    assert exit_info.value.code == 2


@needs_corpus
async def test_every_shared_day_exports_byte_for_byte_and_parses_back(corpus_db, tmp_path):
    shutil.copy(corpus_db, tmp_path / "corpus.sqlite3")
    db = await connect(tmp_path / "corpus.sqlite3")
    try:
        compared = await exports_byte_for_byte(db)
    finally:
        await db.close()
    assert compared == 3590  # every paper compared at its first listing


async def exports_byte_for_byte(db) -> int:
    """Each shared day exported equals its file, and parses back to the stored listing;
    returns how many papers were compared at their first listing."""
    files = sorted(CORPUS.rglob("*.md"))
    assert len(files) == 265
    compared = 0
    seen: set[str] = set()
    for path in files:
        day = dt.date(*(int(part) for part in path.relative_to(CORPUS).with_suffix("").parts))
        text = await export_day(db, day)
        assert text == path.read_text(encoding="utf-8"), path
        stored = await archive.digest_listing(db, day)
        back = [p for d in parse_digest(text).digests for p in d.papers]
        assert [p.arxiv_id for p in back] == [p.arxiv_id for p, _ in stored]
        for paper, (kept, votes) in zip(back, stored, strict=True):
            assert paper.votes == votes, (path, paper.arxiv_id)
            # The archive keeps a paper's text from its first listing; a later day may have
            # retitled it (one paper in the corpus), and its own file says what it said.
            # Files go in date order, so a paper not seen yet is at its first listing.
            if paper.arxiv_id not in seen:
                seen.add(paper.arxiv_id)
                assert same_text(paper, kept), (path, paper.arxiv_id)
                compared += 1
    return compared


@needs_corpus
def test_rendered_without_the_blocks_every_shared_digest_still_parses_back():
    """The renderer alone (what an API day gets) carries everything the feed wrote."""
    checked = 0
    for path in sorted(CORPUS.rglob("*.md")):
        for digest in parse_digest(path.read_text(encoding="utf-8"), str(path)).digests:
            text = render_digest(digest.date, [Entry(p, p.votes) for p in digest.papers])
            (back,) = parse_digest(text).digests
            assert back.date == digest.date
            assert len(back.papers) == len(digest.papers)
            for a, b in zip(back.papers, digest.papers, strict=True):
                assert same_text(a, b) and a.votes == b.votes, (path, a.arxiv_id)
                checked += 1
    assert checked == 3591
