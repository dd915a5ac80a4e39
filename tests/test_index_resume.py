"""An ingest killed while embedding left papers without a vector; the next ingest embeds
them though it brings no new paper, and `stats` and `doctor` show how many wait (issue 27:
832 of 3,590 papers had vectors, and a second ingest embedded nothing)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bot.app.cli import main
from tests.conftest import FIXTURES


def waiting(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        ((count,),) = conn.execute(
            "SELECT COUNT(*) FROM papers p WHERE NOT EXISTS"
            " (SELECT 1 FROM paper_vectors v WHERE v.paper_id = p.id)"
        )
    return int(count)


def test_a_second_ingest_embeds_what_the_first_left_without_a_vector(
    tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "on")
    db = tmp_path / "resume.sqlite3"
    # The state a kill -9 during embedding leaves: every paper stored, some vectors missing.
    assert main(["ingest", "--no-index", str(FIXTURES), "--db", str(db)]) == 0
    before = waiting(db)
    assert before == 161
    capsys.readouterr()
    assert main(["stats", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["without_vector"] == 161
    assert main(["stats", "--db", str(db)]) == 0
    assert "Waiting for a vector (semantic search): 161" in capsys.readouterr().out
    main(["doctor", "--db", str(db)])
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("✓ database")]
    assert "161 waiting for a vector (`paperboy index`)" in line

    assert main(["ingest", str(FIXTURES), "--db", str(db)]) == 0  # nothing new in it
    out = capsys.readouterr().out
    assert "0 new paper(s)" in out and "Embedded 161 paper(s)" in out
    assert waiting(db) == 0
    assert main(["stats", "--db", str(db)]) == 0
    assert "Waiting for a vector" not in capsys.readouterr().out
