"""Korean words and their English translations, so that Korean reaches English-only papers.

Most papers arrive in English (the HF API), and a Korean reader types Korean. The lexicon
(``ko_en_lexicon.tsv``, shipped) was mined by ``bench.lexicon`` from 2,096 real papers that
have both a Korean summary and an English abstract: words that keep appearing in the same
papers translate each other (로봇 → robot, 양자화 → quantization, 환각 → hallucination).
A Korean query or topic word then also matches its English translations.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("ko_en_lexicon.tsv")
# Hangul spellings of loanwords (트랜스포머, 어텐션): the summaries write them in Latin, so
# mining never sees them; hand-written, and a mined entry wins.
LOANWORDS_FILE = Path(__file__).with_name("ko_en_loanwords.tsv")
MAX_WORD = 20  # characters: longer runs are not words the lexicon holds
# Particles and endings a Korean noun carries in running text, longest first.
_ENDING = re.compile(
    "(으로써|에서는|에서|으로|로서|에게|까지|부터|하는|하여|하고|되는|된|한|을|를|은|는|이|가"
    "|의|에|와|과|도|로|만|적인|적)$"
)
_HANGUL = re.compile("[가-힣]+")


def stem(word: str) -> str:
    """A Korean word without its particle or ending: 모델을 → 모델, 효율적인 → 효율."""
    bare = _ENDING.sub("", word)
    return bare if len(bare) >= 2 else word


def korean_words(text: str) -> set[str]:
    """The Korean words of ``text`` (two syllables or more), particles stripped."""
    found = set()
    for run in _HANGUL.findall(text):
        word = stem(run)
        if len(word) >= 2:
            found.add(word)
    return found


@functools.cache
def _lexicon() -> dict[str, tuple[str, ...]]:
    return _read(LOANWORDS_FILE) | _read(LEXICON_FILE)


def _read(path: Path) -> dict[str, tuple[str, ...]]:
    entries: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            korean, english = line.split("\t", 1)
            entries[korean] = tuple(english.split())
    return entries


def translations(term: str) -> tuple[str, ...]:
    """The English words a Korean ``term`` stands for; () for anything else."""
    if len(term) > MAX_WORD or not _HANGUL.fullmatch(term):
        return ()
    found = _lexicon().get(term) or _lexicon().get(stem(term))
    return found or ()
