from bot.parse.textclean import (
    clean_text,
    fix_control_chars,
    normalize_section_name,
    parse_authors,
    unrepr_list,
)


def test_escape_residue_becomes_the_latex_it_was():
    assert fix_control_chars("(\textit{HR-ED})") == "(\\textit{HR-ED})"
    assert fix_control_chars("\benchbench에서") == "\\benchbench에서"
    assert fix_control_chars("\framework는") == "\\framework는"


def test_stray_control_characters_become_spaces():
    assert fix_control_chars("a\tb") == "a\\tb"  # a letter follows: it was an escape
    assert fix_control_chars("a\t1 b\x00c\x1fd") == "a 1 b c d"
    assert fix_control_chars("line\r\nnext\rlast") == "line\nnext\nlast"


def test_clean_text_strips_trailing_spaces_on_every_line():
    assert clean_text("  first   \nsecond\t \n\n") == "first\nsecond"


def test_authors_from_commas_and_from_python_repr():
    assert parse_authors("Ada Lovelace, Alan Turing ") == ("Ada Lovelace", "Alan Turing")
    assert parse_authors("['Ada Lovelace', \"Sean O'Brien\"]") == ("Ada Lovelace", "Sean O'Brien")


def test_authors_listed_twice_appear_once_in_order():
    names = "Chirag Nagpal, Ahmad Beirami, Chirag Nagpal, Alex D'Amour, Ahmad Beirami"
    assert parse_authors(names) == ("Chirag Nagpal", "Ahmad Beirami", "Alex D'Amour")


def test_empty_author_line_is_no_authors():
    assert parse_authors("  ") == ()


def test_python_repr_values_become_lines_and_other_text_stays():
    assert unrepr_list("['첫째 문장.', '둘째 문장.']") == "첫째 문장.\n둘째 문장."
    assert unrepr_list("[10^3, 10^9] 사이") == "[10^3, 10^9] 사이"
    assert unrepr_list("['unterminated") == "['unterminated"


def test_section_names_are_canonical():
    assert normalize_section_name("What\u2019s New") == "What's New"
    assert normalize_section_name(" *Technical  Details* ") == "Technical Details"
