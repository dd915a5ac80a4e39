"""What a user typed, made safe to store and echo: one normal form, no invisible characters.

Zero-width characters and bidirectional overrides (U+202E and kin) make two topics look the
same while matching differently, or turn an echoed reply around; control characters have no
place in a topic or a query. They are dropped (format characters) or become a space
(controls, line breaks), and the text is put in NFKC form, so full-width letters match too.
"""

from __future__ import annotations

import unicodedata


def clean(text: str) -> str:
    """``text`` in NFKC, without format characters, controls as spaces, spaces collapsed."""
    kept = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue  # zero-width, bidi controls, soft hyphen, BOM
        if category in ("Cc", "Zl", "Zp"):
            char = " "
        kept.append(char)
    return " ".join("".join(kept).split())
