"""Query building: Korean bigrams, quoting, and that no user input is ever FTS syntax."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.query import TOKENIZER, bigrams, build_query, index_text, split_terms


def test_hangul_runs_become_overlapping_bigrams_and_latin_stays():
    assert index_text("확산 모델을").split() == ["확산", "모델", "델을"]
    assert index_text("LLM의 성능").split() == ["LLM", "의", "성능"]
    assert index_text("Gaussian-Splatting").split() == ["Gaussian-Splatting"]
    assert bigrams("가") == ["가"]


def test_terms_phrases_and_exclusions():
    assert split_terms('llm "gaussian splatting" -survey') == (
        ["llm", "gaussian splatting"],
        ["survey"],
    )
    assert split_terms('- -- " * ()') == ([], [])


def test_every_term_is_quoted():
    query = build_query('NEAR( title:x C++ "')
    assert query.expression == '"NEAR(" AND "title:x" AND "C++"'


def test_korean_term_is_a_bigram_phrase_and_a_lone_syllable_a_prefix():
    assert build_query("고양이").expression == '"고양 양이"'
    # A term the lexicon knows also matches its English word (트랜스포머: a loanword).
    assert build_query("트랜스포머").expression == '("트랜 랜스 스포 포머" OR "transformer")'
    assert build_query("확").expression == '"확"*'
    assert build_query("LLM의").expression == '"LLM 의"*'


def test_exclusion_needs_something_positive():
    assert build_query("-survey").is_empty
    assert build_query("llm -survey").expression == '("llm") NOT ("survey")'


def test_quotes_inside_terms_are_escaped():
    assert build_query('a"b').expression == '"a""b"'
    assert build_query("NUL\x00here").expression == '"NUL" AND "here"'
    assert match(fts_table(), 'c++"code') == 1


def fts_table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='{TOKENIZER}')")
    docs = [
        ("Diffusion Models Beat GANs", "확산 모델을 이용한 이미지 생성"),
        ("3DGS-LM: Faster Gaussian-Splatting", "Höllein et al. 모델은 빠르다"),
        ("C++ code LLM", "LLM의 코드 생성 능력"),
    ]
    conn.executemany(
        "INSERT INTO t VALUES (?, ?)", [(index_text(a), index_text(b)) for a, b in docs]
    )
    return conn


def match(conn: sqlite3.Connection, text: str) -> int:
    query = build_query(text)
    if query.is_empty:
        return 0
    return conn.execute("SELECT COUNT(*) FROM t WHERE t MATCH ?", (query.expression,)).fetchone()[0]


def test_matching_as_users_type():
    conn = fts_table()
    assert match(conn, "확산") == 1
    assert match(conn, "모델") == 2  # 모델을, 모델은
    assert match(conn, "diffusion") == 1
    assert match(conn, "model") == 1  # porter: Models
    assert match(conn, "splatting") == 1
    assert match(conn, "Hollein") == match(conn, "Höllein") == 1
    assert match(conn, "LLM의") == 1
    assert match(conn, "모델 -diffusion") == 1
    assert match(conn, "확산 splatting") == 0


HOSTILE = st.text(
    alphabet=st.sampled_from(list("\"*-^():+{}[]~.,;'\\ \t\nNEARORANDnotx가힣é🙂\u0301\u200f")),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), HOSTILE))
def test_no_input_is_an_fts_syntax_error(text: str):
    conn = fts_table()
    match(conn, text)  # raises sqlite3.OperationalError on a syntax error
    query = build_query(text)
    assert query.is_empty or query.expression.count('"') % 2 == 0
