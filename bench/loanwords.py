"""How well Hangul loanwords are read back into English by their sound, on real pairs.

Run: ``python -m bench.loanwords`` (needs ../shared/corpus). The Korean digests often write a
term in Hangul with its English in brackets, 트랜스포머(Transformer), 양자화(Quantization):
1,191 distinct Hangul words with a one-word English beside them. Split once with seed 26:
the rule of bot/core/transliteration.py was chosen on the tune half; the report half is what
to quote. A word is read or not; a reading agrees when it is one of the English words the
digests bracket beside that Hangul word (or a part of one: 스펙트로그램, mel-spectrogram). The
brackets are not always a translation (그래픽스(SVG)), so agreement understates precision.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.core.lexicon import translations
from bot.core.transliteration import SoundIndex, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = ROOT.parent / "shared" / "corpus" / "daily_papers_ko"
SEED = 26
_PAIR = re.compile(r"([가-힣]{2,})\s?\(([A-Za-z][A-Za-z\- ]{1,40})\)")


@dataclass(frozen=True)
class Reading:
    read: int  # words given an English reading
    agree: int  # ... that agree with the digests' brackets
    words: int  # words tried


def bracketed_pairs(root: Path = DIGESTS) -> dict[str, set[str]]:
    """Hangul word → the English the digests bracket beside it (lower case), for words that
    have a one-word English (hyphens allowed) at least once."""
    english: dict[str, Counter[str]] = defaultdict(Counter)
    for path in sorted(root.rglob("*.md")):
        for match in _PAIR.finditer(path.read_text(encoding="utf-8", errors="replace")):
            english[match.group(1)][match.group(2).strip().lower()] += 1
    return {k: set(v) for k, v in english.items() if any(" " not in e for e in v)}


def halves(pairs: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """The tune and report halves of the Hangul words, split once with ``SEED``."""
    words = sorted(pairs)
    random.Random(SEED).shuffle(words)
    return words[: len(words) // 2], words[len(words) // 2 :]


def _bare(word: str) -> str:
    word = word.lower().replace("-", "")
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def agrees(reading: str, brackets: set[str]) -> bool:
    """Whether ``reading`` is one of ``brackets`` or a part of one, plural aside."""
    bare = _bare(reading)
    return any(bare in {_bare(e), *map(_bare, e.replace("-", " ").split())} for e in brackets)


def measure(index: SoundIndex, words: list[str], pairs: dict[str, set[str]]) -> Reading:
    read = agree = 0
    for word in words:
        found = index.read(word)
        if found:
            read += 1
            agree += agrees(found[0], pairs[word])
    return Reading(read, agree, len(words))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loanwords")
    parser.add_argument("--show", action="store_true", help="print the report half's readings")
    args = parser.parse_args()
    if not DIGESTS.is_dir():
        raise SystemExit(f"bench: {DIGESTS} not found; the benchmark needs ../shared/corpus")
    pairs = bracketed_pairs()
    index = SoundIndex(load_vocabulary())
    tune, report = halves(pairs)
    print(f"{len(pairs):,} Hangul words with English in brackets; {len(index):,} English words")
    for name, words in (("tune", tune), ("report", report)):
        for scope, chosen in (
            ("all", words),
            ("no file translates", [w for w in words if not translations(w, guessed=False)]),
        ):
            got = measure(index, chosen, pairs)
            share = got.agree / got.read if got.read else 0.0
            print(
                f"  {name:6} {scope:18}: {got.read:3} of {got.words:3} read,"
                f" {got.agree:3} agree with the brackets ({share:.2f})"
            )
    if args.show:
        for word in report:
            found = index.read(word)
            if found:
                mark = " " if agrees(found[0], pairs[word]) else "≠"
                print(f"  {mark} {word} → {', '.join(found)}  [{', '.join(sorted(pairs[word]))}]")


if __name__ == "__main__":
    main()
