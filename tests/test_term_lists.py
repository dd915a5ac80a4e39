"""The Korean term lists bench.korean_terms reports on (tests/data/korean_terms/): each row
reads as a Korean term, its English form and a relevance rule; and from the eleventh list on,
no term repeats one of an earlier list (the ninth and tenth re-asked 28 of the second's), so a
list written to report on a change holds no term an earlier change was read on."""

from __future__ import annotations

import re

from bench.korean_terms import LISTS, SPLIT, read_terms


def test_every_list_reads_as_korean_english_and_a_rule():
    for listed in LISTS:
        terms = read_terms(listed)
        assert len(terms) >= 20, listed
        for korean, english, rule in terms:
            assert re.search("[가-힣]", korean) and english.isascii(), (listed, korean)
            re.compile(rule)
    assert set(SPLIT) <= set(LISTS)


def test_the_newer_lists_hold_no_term_of_an_earlier_one():
    seen: dict[str, str] = {}
    for listed in LISTS:
        for korean, _, _ in read_terms(listed):
            key = korean.replace(" ", "")
            if LISTS.index(listed) >= LISTS.index("eleventh"):
                assert key not in seen, (korean, listed, seen.get(key))
            seen[key] = listed
