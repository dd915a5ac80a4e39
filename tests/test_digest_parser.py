"""The digest parser on real digests of every era, on the feed's README, and on bad input."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.arxiv import thumbnail_url
from bot.parse.markdown import parse_digest
from tests.conftest import CORPUS, FIXTURES, fixture_text, needs_corpus

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def papers_of(relative: str):
    result = parse_digest(fixture_text(relative), relative)
    assert result.issues == ()
    return [p for d in result.digests for p in d.papers]


def test_first_era_plain_bullets_without_votes():
    result = parse_digest(fixture_text("2023/11/20"), "2023/11/20.md")
    (digest,) = result.digests
    assert digest.date == dt.date(2023, 11, 20)
    assert len(digest.papers) == 11
    first = digest.papers[0]
    assert first.arxiv_id == "2311.10122"
    assert first.title.startswith("Video-LLaVA: Learning United Visual Representation")
    assert first.url == "https://arxiv.org/abs/2311.10122"
    assert first.votes is None
    assert first.sections == {}
    assert first.summary.startswith("- 대규모 비전-언어 모델 (LVLM)은")
    assert first.summary.count("\n- ") == 6  # seven bullets, kept as written
    assert first.date == dt.date(2023, 11, 20)


def test_keyed_sections_in_order_with_votes_authors_and_thumbnail():
    papers = papers_of("2024/06/12")
    first = papers[0]
    assert first.arxiv_id == "2406.07550"
    assert list(first.sections)[:3] == ["What's New", "Technical Details", "Performance Highlights"]
    assert first.votes is not None and first.votes > 0
    assert first.authors and all(name == name.strip() for name in first.authors)
    assert first.thumbnail == thumbnail_url("2406.07550")
    assert first.summary == ""


def test_plain_bullet_era_with_votes():
    papers = papers_of("2024/03/15")
    assert all(p.votes is not None for p in papers)
    assert all(p.summary.startswith("- ") and not p.sections for p in papers)


def test_triple_star_keys_python_repr_authors_and_a_rerun_appended():
    result = parse_digest(fixture_text("2024/10/18"), "2024/10/18.md")
    assert [d.date for d in result.digests] == [dt.date(2024, 10, 18)] * 2
    assert [len(d.papers) for d in result.digests] == [7, 2]
    first = result.digests[0].papers[0]
    assert first.arxiv_id == "2410.09342"
    assert first.authors[:2] == ("Zihan Zhou", "Zhixing Tan")
    assert len(first.authors) == 14
    assert not any("'" in name or "[" in name for name in first.authors)
    assert list(first.sections) == ["What's New", "Technical Details", "Performance Highlights"]
    assert result.digests[1].line == 87


def test_curly_apostrophe_section_name_is_straightened():
    papers = papers_of("2024/07/19")
    names = {name for p in papers for name in p.sections}
    assert "What's New" in names
    assert not any("\u2019" in name for name in names)


def test_control_characters_become_the_intended_text():
    text = fixture_text("2024/08/07") + fixture_text("2024/07/19")
    assert CONTROL.search(text), "fixtures should carry the broken escapes"
    papers = papers_of("2024/08/07") + papers_of("2024/07/19")
    for paper in papers:
        assert not CONTROL.search(paper.title + paper.summary_text), paper.arxiv_id
    joined = "\n".join(p.summary_text for p in papers)
    assert "\\textit{" in joined or "\\b" in joined or "\\f" in joined


def test_python_repr_section_values_become_lines():
    papers = papers_of("2024/08/07")
    for paper in papers:
        for text in paper.sections.values():
            assert not text.startswith("['"), paper.arxiv_id


def test_keyed_sub_items_stay_inside_the_section_that_lists_them():
    paper = next(p for p in papers_of("2024/08/07") if "LLaVA-OneVision" in p.title)
    assert list(paper.sections) == ["What's New", "Technical Details", "Performance Highlights"]
    assert "- LLM: Qwen-2" in paper.sections["Technical Details"]


def test_avatars_are_not_paper_art():
    papers = {p.arxiv_id: p for p in papers_of("2024/06/12")}
    # One entry shows a cdn-avatars photo, another a relative /avatars/ path.
    assert papers["2406.05629"].thumbnail == thumbnail_url("2406.05629")
    assert papers["2406.07520"].thumbnail == thumbnail_url("2406.07520")


def test_videos_are_not_paper_art_but_uploaded_images_are():
    for relative in ("2023/11/21", "2023/12/12"):
        for paper in papers_of(relative):
            assert paper.thumbnail is not None
            assert not paper.thumbnail.endswith(".mp4")
            assert paper.thumbnail.startswith("https://")
    uploaded = [p for p in papers_of("2023/11/21") if "cdn-uploads" in (p.thumbnail or "")]
    assert uploaded, "early digests use uploaded paper images, which are kept"


def test_vote_dash_is_unknown_votes():
    papers = {p.arxiv_id: p for p in papers_of("2024/08/01")}
    assert papers["2404.01300"].votes is None
    assert sum(p.votes is None for p in papers.values()) == 1


def test_trailing_spaces_never_reach_the_text():
    for relative in ("2023/11/20", "2024/06/12", "2024/10/16"):
        for paper in papers_of(relative):
            for text in [paper.title, paper.summary, *paper.sections.values()]:
                assert all(line == line.rstrip() for line in text.splitlines())


def test_every_fixture_entry_has_id_title_and_summary():
    for path in sorted(FIXTURES.rglob("*.md")):
        result = parse_digest(path.read_text(encoding="utf-8"), str(path))
        assert result.issues == (), path
        for digest in result.digests:
            for paper in digest.papers:
                assert re.fullmatch(r"\d{4}\.\d{4,5}", paper.arxiv_id)
                assert paper.title and paper.summary_text


def readme_around(digest_text: str) -> str:
    """The feed's README shape: a project header, the latest digest, then other sections."""
    return (
        "# Daily Papers\n\n## Project Description\n\nThis project translates and summarizes "
        "[daily papers](https://huggingface.co/papers) into Korean.\n\n\n"
        + digest_text
        + "\n\n\n## License\n\nCC BY-NC 4.0\n\n## Citation\n\n```bibtex\n"
        "### [not a paper](https://arxiv.org/abs/0000.00000)\n@misc{daily_papers}\n```\n\n"
        "## Star History\n\n![Star History Chart](https://api.star-history.com/svg)\n"
    )


def test_readme_parses_to_the_one_digest_it_wraps():
    digest_text = fixture_text("2024/06/12")
    expected = parse_digest(digest_text)
    result = parse_digest(readme_around(digest_text), "README.md")
    assert result.issues == ()
    assert len(result.digests) == 1
    assert result.digests[0].papers == expected.digests[0].papers


def test_a_file_that_is_not_a_digest_is_reported_at_line_one():
    result = parse_digest("# Notes\n\nNothing to see.\n", "notes.md")
    assert result.digests == ()
    assert [str(i) for i in result.issues] == [
        "notes.md:1: not a digest: no '## Daily Papers (YYYY-MM-DD)' heading"
    ]


def test_a_bad_entry_is_reported_with_its_line_and_the_rest_still_loads():
    text = (
        "## Daily Papers (2024-06-20)\n\n"
        "### [Good one](https://arxiv.org/abs/2406.00001)\n\n- **What's New**: 좋다\n\n"
        "### Broken heading without a link\n\n- **What's New**: lost?\n\n"
        "### [Not arXiv](https://example.com/paper)\n\n- text\n\n"
        "### [Good two](https://arxiv.org/abs/2406.00002)\n\nVote: many\n\n- 요약\n"
    )
    result = parse_digest(text, "bad.md")
    assert [p.arxiv_id for p in result.digests[0].papers] == ["2406.00001", "2406.00002"]
    messages = [str(i) for i in result.issues]
    assert messages[0].startswith("bad.md:7: entry heading is not")
    assert messages[1].startswith("bad.md:11: entry heading is not")
    assert messages[2] == "bad.md:17: unreadable vote count 'many'"
    assert result.digests[0].papers[1].votes is None


def test_bad_digest_date_and_duplicate_entry_are_reported():
    text = (
        "## Daily Papers (2024-02-30)\n\n### [A](https://arxiv.org/abs/2402.00001)\n\n- a\n\n"
        "## Daily Papers (2024-03-01)\n\n### [B](https://arxiv.org/abs/2403.00001)\n\n- b\n\n"
        "### [B again](https://arxiv.org/abs/2403.00001v2)\n\n- b\n"
    )
    result = parse_digest(text, "x.md")
    assert [d.date for d in result.digests] == [dt.date(2024, 3, 1)]
    assert [str(i) for i in result.issues] == [
        "x.md:1: bad digest date '2024-02-30'",
        "x.md:13: 2403.00001 listed twice in this digest; kept the first",
    ]


def test_entry_without_summary_is_kept_and_reported():
    text = "## Daily Papers (2024-03-01)\n\n### [T](https://arxiv.org/abs/2403.00009)\n\nVote: 3\n"
    result = parse_digest(text, "y.md")
    assert result.digests[0].papers[0].votes == 3
    assert [str(i) for i in result.issues] == ["y.md:3: 2403.00009 has no summary"]


def test_title_brackets_and_latex_are_kept_as_text():
    text = (
        "## Daily Papers (2024-03-01)\n\n"
        "### [M$^{2}$UGen [v2]: <think> & \\textsc{X}](https://arxiv.org/abs/2403.00010)\n\n- a\n"
    )
    (paper,) = parse_digest(text).digests[0].papers
    assert paper.title == "M$^{2}$UGen [v2]: <think> & \\textsc{X}"


def test_headings_inside_code_fences_are_not_entries():
    text = "## Daily Papers (2024-03-01)\n\n```\n### [x](https://arxiv.org/abs/2403.00011)\n```\n"
    result = parse_digest(text)
    assert result.digests[0].papers == ()


@needs_corpus
def test_the_whole_shared_corpus_parses():
    files = sorted(CORPUS.rglob("*.md"))
    results = [parse_digest(p.read_text(encoding="utf-8"), str(p)) for p in files]
    assert len(files) == 265
    assert [str(i) for r in results for i in r.issues] == []
    digests = [d for r in results for d in r.digests]
    papers = [p for d in digests for p in d.papers]
    assert len(digests) == 268
    assert len(papers) == 3591
    assert len({p.arxiv_id for p in papers}) == 3590
    for paper in papers:
        assert paper.arxiv_id and paper.title and paper.summary_text, paper.arxiv_id
        assert not CONTROL.search(paper.title + paper.summary_text), paper.arxiv_id
        assert all("'" not in a[:1] and "[" not in a for a in paper.authors), paper.arxiv_id
    assert sum(p.votes is not None for p in papers) == 3474
    assert sum(bool(p.authors) for p in papers) == 3580
    assert sum(p.thumbnail is not None for p in papers) == 3580
    assert max(len(p.authors) for p in papers) > 400


def test_a_form_feed_inside_a_value_is_not_a_line_break():
    # str.splitlines() breaks at \x0c; markdown-it does not. Read that way, every heading after
    # the form feed was a line off and the next entry's heading was swallowed by this one.
    text = (
        "## Daily Papers (2024-08-08)\n\n"
        "### [First](https://arxiv.org/abs/2408.00001)\n\n"
        "- **What's New**: 제안된 \x0cramework는 뛰어납니다.\n\n"
        "### [Second](https://arxiv.org/abs/2408.00002)\n\n"
        "Vote: 4\n\n"
        "- **What's New**: 두 번째 논문.\n\n"
    )
    (digest,) = parse_digest(text).digests
    first, second = digest.papers
    assert "###" not in first.sections["What's New"]
    assert (second.title, second.votes, dict(second.sections)) == (
        "Second",
        4,
        {"What's New": "두 번째 논문."},
    )
    assert digest.markdown == text
