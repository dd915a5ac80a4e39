import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.understand.snippets import ELLIPSIS, densest_start, find_spans, fold, make_snippet


def marked(snippet) -> list[str]:
    return [snippet.text[s:e] for s, e in snippet.spans]


def test_spans_are_case_and_accent_insensitive():
    text = "Höllein and HOLLEIN met Hollein"
    assert [text[s:e] for s, e in find_spans(text, ["hollein"])] == [
        "Höllein",
        "HOLLEIN",
        "Hollein",
    ]


def test_english_terms_match_at_word_start_and_cover_the_word():
    text = "Diffusion models; remodel the model."
    assert [text[s:e] for s, e in find_spans(text, ["models"])] == ["models", "model"]


def test_korean_terms_match_inside_words():
    text = "확산 모델을 쓰는 모델은"
    assert [text[s:e] for s, e in find_spans(text, ["모델"])] == ["모델", "모델"]
    mixed = "언어 모델(LLMs)의"
    assert [mixed[s:e] for s, e in find_spans(mixed, ["LLM의"])] == ["LLMs", "의"]


def test_short_text_is_whole_with_spans():
    snippet = make_snippet("- 확산 모델을\n- 제안합니다", ["확산"])
    assert snippet.text == "확산 모델을 제안합니다"
    assert marked(snippet) == ["확산"]


def test_long_text_is_cut_around_the_matches_at_word_boundaries():
    text = " ".join(["앞부분"] * 60 + ["Gaussian Splatting 기법을"] + ["뒷부분"] * 60)
    snippet = make_snippet(text, ["splatting"], width=80)
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    assert len(snippet.text) <= 82
    assert marked(snippet) == ["Splatting"]
    words = snippet.text[1:-1].split()
    assert words[0] == "앞부분" and words[-1] in ("뒷부분", "기법을")  # never half a word


def test_no_match_gives_the_beginning():
    snippet = make_snippet("word " * 100, ["absent"], width=50)
    assert snippet.spans == ()
    assert snippet.text.startswith("word word") and snippet.text.endswith(ELLIPSIS)


def test_korean_terms_match_in_text_that_also_has_accents_and_symbols():
    text = "확산 모델’s × Höllein"
    assert [text[s:e] for s, e in find_spans(text, ["모델", "hollein"])] == ["모델", "Höllein"]


def fold_char_by_char(text: str) -> tuple[str, list[int]]:
    """The definition fold() must keep: each character folded alone, accents dropped, but
    Hangul and ASCII only lowercased."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        plain = char.isascii() or "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff"
        plain = plain or "\u3130" <= char <= "\u318f" or "\u2000" <= char <= "\u206f"
        plain = plain or "\u3000" <= char <= "\u303f"
        pieces = char.lower() if plain else unicodedata.normalize("NFKD", char).casefold()
        for c in pieces:
            if not unicodedata.combining(c):
                out.append(c)
                where.append(i)
    return "".join(out), where


MIXED = st.characters(codec="utf-8") | st.sampled_from("확산Aé İß한글ﬁ")


@given(st.text(alphabet=MIXED, max_size=60))
def test_fold_folds_runs_as_it_would_fold_each_character(text):
    assert fold(text) == fold_char_by_char(text)


def test_fold_maps_each_folded_character_to_its_source():
    folded, where = fold("Straße İs 확산")
    assert folded == "strasse is 확산"
    assert [where[i] for i, c in enumerate(folded) if c == "s"][:4] == [0, 4, 4, 8]


def densest_start_by_counting(spans: list[tuple[int, int]], width: int) -> int:
    """The definition densest_start() must keep: count the whole spans in every window."""
    best_start, best_count = spans[0][0], 0
    for start, _ in spans:
        count = sum(1 for s, e in spans if s >= start and e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


@st.composite
def disjoint_spans(draw: st.DrawFn) -> list[tuple[int, int]]:
    gaps = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 30)), min_size=1))
    spans, at = [], 0
    for gap, length in gaps:
        spans.append((at + gap, at + gap + length))
        at += gap + length
    return spans


@given(disjoint_spans(), st.integers(1, 200))
def test_densest_start_finds_the_window_counting_would(spans, width):
    assert densest_start(spans, width) == densest_start_by_counting(spans, width)
