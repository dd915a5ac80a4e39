"""Clean the residue of the digest pipeline (bad escapes, Python reprs) out of digest text.

The digests were produced by a language model through JSON, so a LaTeX ``\\textit`` sometimes
arrives as TAB + ``extit`` and ``\\benchmark`` as backspace + ``enchmark``. A reader should see
the text the author meant, never a control character.
"""

from __future__ import annotations

import ast
import re
import unicodedata

# Control characters that JSON escapes produce, and the letter of the escape they came from.
_ESCAPE_LETTER = {"\t": "t", "\b": "b", "\f": "f", "\v": "v", "\a": "a"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\t")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_PY_LIST = re.compile(r"^\[\s*['\"].*['\"]\s*\]$", re.DOTALL)


def fix_control_chars(text: str) -> str:
    """Turn escape residue back into the intended text, and any other control char into a space.

    ``\\t``, ``\\b``, ``\\f`` followed by a letter were LaTeX commands (``\\textit``,
    ``\\benchmark``, ``\\frac``); elsewhere the character is noise and becomes a space.
    """

    def replace(match: re.Match[str]) -> str:
        char = match.group(0)
        start = match.end()
        following = match.string[start : start + 1]
        letter = _ESCAPE_LETTER.get(char)
        if letter and following.isascii() and following.isalpha():
            return "\\" + letter
        return " "

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(replace, text)


def clean_text(text: str) -> str:
    """Fix control characters, drop trailing spaces on every line and surrounding blanks."""
    return _TRAILING_SPACE.sub("", fix_control_chars(text)).strip()


def unrepr_list(text: str) -> str:
    """Turn a Python list repr (``['a', 'b']``) into its items, one per line; else unchanged."""
    items = _literal_list(text)
    if items is None:
        return text
    return "\n".join(item.strip() for item in items if item.strip())


def parse_authors(text: str) -> tuple[str, ...]:
    """Split an ``Authors:`` value into names: comma separated or a Python list repr.

    Duplicates (the feed sometimes lists a person twice) are dropped, order kept.
    """
    text = clean_text(text)
    items = _literal_list(text)
    names = items if items is not None else text.split(",")
    seen: dict[str, None] = {}
    for name in names:
        name = " ".join(name.split())
        if name and name not in seen:
            seen[name] = None
    return tuple(seen)


def normalize_section_name(name: str) -> str:
    """Canonical section key: curly quotes straightened, markdown emphasis and spaces trimmed."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    name = name.strip().strip("*_").strip().rstrip(":").strip()
    return " ".join(name.split())


def _literal_list(text: str) -> list[str] | None:
    stripped = text.strip()
    if not _PY_LIST.match(stripped):
        return None
    try:
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None
