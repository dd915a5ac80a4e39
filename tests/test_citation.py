"""BibTeX and RIS that real parsers read (pybtex, rispy): odd titles, LaTeX, hundreds of
authors, Hangul names; and, when ../shared is there, every paper of the shared corpus."""

from __future__ import annotations

import pytest
import rispy
from pybtex.database import parse_string

from bot.core.models import Paper
from bot.parse.detect import parse_any
from bot.render.citation import BIBTEX_AUTHORS, bibtex, bibtex_file, bibtex_key, latex, ris_file
from tests.conftest import ROOT

HOSTILE = [
    Paper("2409.12917", "Training Language Models to Self-Correct via RL", "u",
          authors=("Aviral Kumar", "Vincent Zhuang")),
    Paper("2410.00001", r"50% of {Braces} & $\alpha$_beta #1 ~ ^ \LaTeX \\ end}", "u",
          authors=("Tom and Jerry", "José Álvarez-Núñez", "O'Brien, Pat")),
    Paper("2401.00002", "@misc{evil, title={x}} injection", "u", authors=("김철수", "이영희")),
    Paper("2312.00003", "Gemini: A Family of Highly Capable Models", "u",
          authors=tuple(f"Author {n} Name{n}" for n in range(700))),
    Paper("2402.00004", "The Title", "u", authors=()),
    Paper("2402.00005", "The Title", "u", authors=()),  # the same key as the one before
]  # fmt: skip


def test_the_key_is_name_year_and_word():
    assert bibtex_key(HOSTILE[0]) == "kumar2024training"
    assert bibtex_key(HOSTILE[2]) == "arxiv2024misc"  # Hangul names give way to arxiv
    assert bibtex_key(HOSTILE[1]) == "jerry202450"  # "Tom and Jerry": one name, its last word


def test_specials_are_escaped():
    assert latex("50% & $x$_1 #2") == r"50\% \& \$x\$\_1 \#2"
    assert latex("a\\b{c}") == r"a\textbackslash{}b\textbraceleft{}c\textbraceright{}"
    assert latex("~^") == r"\textasciitilde{}\textasciicircum{}"


def test_every_entry_parses_with_a_real_bibtex_parser():
    text = bibtex_file(HOSTILE)
    parsed = parse_string(text, "bibtex")
    assert len(parsed.entries) == len(HOSTILE)  # unique keys, nothing swallowed
    keys = list(parsed.entries)
    assert keys[-2] == "arxiv2024title" and keys[-1] == "arxiv2024titlea"
    first = parsed.entries["kumar2024training"]
    assert first.fields["title"] == "{Training Language Models to Self-Correct via RL}"
    assert first.fields["eprint"] == "2409.12917" and first.fields["archivePrefix"] == "arXiv"
    assert first.fields["year"] == "2024" and first.fields["month"] == "sep"
    assert [str(p) for p in first.persons["author"]] == ["Kumar, Aviral", "Zhuang, Vincent"]
    odd = parsed.entries[keys[1]]
    assert len(odd.persons["author"]) == 3  # "Tom and Jerry" stays one author
    many = parsed.entries[keys[3]]
    assert len(many.persons["author"]) == BIBTEX_AUTHORS + 1
    assert str(many.persons["author"][-1]) == "others"
    korean = parsed.entries[keys[2]]
    assert [str(p) for p in korean.persons["author"]] == ["김철수", "이영희"]


def test_an_entry_is_what_a_card_shows():
    entry = bibtex(HOSTILE[0])
    assert entry.startswith("@misc{kumar2024training,\n  title = {{Training")
    assert entry.endswith("url = {https://arxiv.org/abs/2409.12917}\n}\n")


def test_ris_parses_with_a_real_ris_parser_and_keeps_the_abstract():
    papers = [*HOSTILE[:3], Paper("2409.1", "T", "u", abstract="Line one.\nLine two.")]
    records = rispy.loads(ris_file(papers))
    assert len(records) == 4
    first = records[0]
    assert first["type_of_reference"] == "UNPB"
    assert first["title"] == HOSTILE[0].title
    assert first["authors"] == list(HOSTILE[0].authors)
    assert first["urls"] == ["https://arxiv.org/abs/2409.12917"]
    assert records[2]["authors"] == ["김철수", "이영희"]
    assert records[3]["abstract"] == "Line one. Line two."


CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_every_paper_of_the_shared_corpus_parses_as_bibtex_and_ris():
    papers: dict[str, Paper] = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in (".md", ".json"):
            for digest in parse_any(path.read_text(encoding="utf-8"), str(path)).digests:
                for paper in digest.papers:
                    papers.setdefault(paper.arxiv_id, paper)
    assert len(papers) > 4000
    parsed = parse_string(bibtex_file(papers.values()), "bibtex")
    assert len(parsed.entries) == len(papers)
    assert len(rispy.loads(ris_file(papers.values()))) == len(papers)


def test_the_export_command_writes_bibtex_and_ris_for_every_paper(tmp_path, capsys, monkeypatch):
    from bot.app.cli import main
    from tests.conftest import FIXTURES

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")
    db = tmp_path / "cite.sqlite3"
    assert main(["ingest", "--no-index", str(FIXTURES), "--db", str(db)]) == 0
    bib, ris_path = tmp_path / "papers.bib", tmp_path / "papers.ris"
    assert main(["export", "--format", "bibtex", "-o", str(bib), "--db", str(db)]) == 0
    assert main(["export", "--format", "ris", "-o", str(ris_path), "--db", str(db)]) == 0
    parsed = parse_string(bib.read_text(encoding="utf-8"), "bibtex")
    assert len(parsed.entries) == 161
    records = rispy.loads(ris_path.read_text(encoding="utf-8"))
    assert len(records) == 161 and all(r["type_of_reference"] == "UNPB" for r in records)
