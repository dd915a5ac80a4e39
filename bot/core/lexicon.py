"""Korean words and their English translations, so that Korean reaches English-only papers.

Most papers arrive in English (the HF API), and a Korean reader types Korean. Five files:
- ``ko_en_lexicon.tsv``, mined by ``bench.lexicon`` from 2,096 real papers that have both a
  Korean summary and an English abstract: words that keep appearing in the same papers
  translate each other (로봇 → robot, 양자화 → quantization, 환각 → hallucination);
- ``ko_en_glossary.tsv``, hand-written: the standard Korean names of the field's English
  terms, many of them phrases (맥락 내 학습 → in-context learning, 점군 → point cloud), which
  the summaries write in Latin, so mining never pairs them;
- ``ko_en_loanwords.tsv``, hand-written: Hangul spellings of loanwords (트랜스포머);
- ``ko_en_corrections.tsv``, hand-written: mined entries a reader judged wrong, with what the
  word means in their place (정량 → quantitative, where mining said qualitative);
- ``ko_en_glosses.tsv``, written by ``bench.lexicon --glosses``: the summaries' words none of
  the others translate, each with the English words nearest to it by the sentence encoder
  (한국어 → korean, 교육 → education), by the rule of ``bot/understand/glossing.py``.
A word both mined and written by hand takes both, the mined translations first (얼굴: facial,
mined, then face), and either wins over a gloss. A word
none of them holds may be a loanword read back by its sound (립싱크 → lip-sync,
``transliteration.py``). With the encoder loaded, a word a reader types that nothing else
translates is glossed by the same rule as the files' glosses as it is asked (``learn``):
those glosses live in memory. A Korean query or topic word then also matches its English
translations; a phrase the glossary knows is one term, however it is spaced (해석 가능성
takes the entry of 해석가능성), and a word as typed reaches its entry through its particles and
endings (에이전트들을 → 에이전트, 진화시키는 → 진화: ``forms``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.core import transliteration

LEXICON_FILE = Path(__file__).with_name("ko_en_lexicon.tsv")
GLOSSARY_FILE = Path(__file__).with_name("ko_en_glossary.tsv")
# Hangul spellings of loanwords (트랜스포머, 어텐션): the summaries write them in Latin, so
# mining never sees them; hand-written, after a mined entry's translations.
LOANWORDS_FILE = Path(__file__).with_name("ko_en_loanwords.tsv")
GLOSSES_FILE = Path(__file__).with_name("ko_en_glosses.tsv")
# Mined entries a reader judged wrong, with what the word means instead (정량: quantitative,
# not the qualitative co-occurrence paired it with); hand-written, read over every mining.
CORRECTIONS_FILE = Path(__file__).with_name("ko_en_corrections.tsv")
MAX_WORD = 20  # characters: longer runs are not words the lexicon holds
MAX_PHRASE = 40  # characters of a glossary phrase (매개변수 효율적 미세 조정)
PHRASE_WORDS = 4  # words of the longest glossary phrase
MIN_PART = 2  # syllables of each half of a compound split in two (자율주행 → 자율 + 주행)
MAX_LEARNED = 20_000  # words glossed at run time kept in memory (a few MB at most)
# Particles and endings a Korean noun carries in running text, longest first.
_ENDING = re.compile(
    "(으로써|에서는|에서|으로|로서|에게|까지|부터|하는|하여|하고|되는|된|한|을|를|은|는|이|가"
    "|의|에|와|과|도|로|만|적인|적)$"
)
_HANGUL = re.compile("[가-힣]+")
# What a lookup peels off a word the lexicon lacks as typed, one at a time, so a typed form
# reaches its entry: particles after a plural or another particle (에이전트들을, 요구사항만으로,
# 에이전트든) and the endings that make a verb of a noun (검증하는, 진화시키는, 조절할).
_PEEL = re.compile(
    "(으로써|에서는|에서의|에서도|에서|으로|로서|에게|까지|부터|마다|조차|처럼|보다|이든|든"
    "|하는|하여|하고|하며|하기|하게|해서|할|시키는|시킨|시키|되는|되어|될|된|한|받는"
    "|을|를|은|는|이|가|의|에|와|과|도|로|만|들|적인|적으로|적)$"
)
# Words that end as a one-syllable noun and a particle would (불 + 과, 별 + 도) but are
# words of their own: never peeled down to that noun.
_NOT_PEELED = frozenset({"불과", "불가", "물론", "별도", "별로", "집도", "대가", "빛나"})
PEELED = 3  # endings peeled at most (에이전트들만으로 → 에이전트)


def stem(word: str) -> str:
    """A Korean word without its particle or ending: 모델을 → 모델, 효율적인 → 효율."""
    bare = _ENDING.sub("", word)
    return bare if len(bare) >= 2 else word


def forms(word: str) -> list[str]:
    """``word`` as typed, then with each further particle or ending peeled, longest form
    first: 에이전트들을 → [에이전트들을, 에이전트들, 에이전트]. A one-syllable form (층을 → 층)
    only where a noun that short can be meant (not 별도 → 별)."""
    found = [word]
    while len(found) <= PEELED:
        bare = _PEEL.sub("", found[-1])
        if not bare or bare == found[-1] or (len(bare) == 1 and found[-1] in _NOT_PEELED):
            break
        found.append(bare)
    return found


def hangul_words(text: str) -> list[str]:
    """The Hangul words of ``text`` as typed, particles and all, each once, in order."""
    return list(dict.fromkeys(_HANGUL.findall(text)))


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
    """What was mined or written by hand. A word in both takes both, mined first: mining
    picks one form of a word (얼굴: facial), the hand-written entry names the rest (face); a
    mined entry with a correction takes the correction instead (정량: quantitative)."""
    written = _read(LOANWORDS_FILE) | _read(GLOSSARY_FILE)
    return merged(_read(LEXICON_FILE), written, _read(CORRECTIONS_FILE))


def merged(
    mined: Mapping[str, Sequence[str]],
    written: Mapping[str, Sequence[str]],
    corrections: Mapping[str, Sequence[str]],
) -> dict[str, tuple[str, ...]]:
    """One table: a word's mined translations (or its correction, in their place), then its
    hand-written ones; a word whose correction is empty and that nothing wrote is left out."""
    entries = {word: tuple(senses) for word, senses in written.items()}
    for word, found in mined.items():
        found = tuple(corrections.get(word, found))
        if found or word in entries:
            entries[word] = tuple(dict.fromkeys(found + entries.get(word, ())))
    return entries


@functools.cache
def _glosses() -> dict[str, tuple[str, ...]]:
    """The encoder's guesses, for words nothing else translates."""
    return _read(GLOSSES_FILE) if GLOSSES_FILE.exists() else {}


# Glosses made at run time (bot/understand/glossing.py): word → its gloss, () for a word that
# has none, so it is not asked again.
_learned: dict[str, tuple[str, ...]] = {}


def learn(glosses: Mapping[str, Sequence[str]]) -> None:
    """Remember glosses the encoder made for words nothing else translates; past
    ``MAX_LEARNED`` words the memory starts afresh (they are made again when asked)."""
    if len(_learned) + len(glosses) > MAX_LEARNED:
        _learned.clear()
    _learned.update({word: tuple(gloss) for word, gloss in glosses.items()})


def asked(word: str) -> bool:
    """Whether ``word`` was glossed at run time already (with a gloss or without one)."""
    return word in _learned


def forget_learned() -> None:
    """Drop the run-time glosses (a test's clean slate)."""
    _learned.clear()


def _read(path: Path) -> dict[str, tuple[str, ...]]:
    """Korean → English translations. The glossary's are comma-separated and may be several
    words (in-context learning); the other files' are single words separated by spaces."""
    entries: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            korean, _, english = line.partition("\t")
            if path in (GLOSSARY_FILE, CORRECTIONS_FILE):
                found = tuple(" ".join(e.split()) for e in english.split(",") if e.strip())
            else:
                found = tuple(english.split())
            entries[" ".join(korean.split())] = found
    return entries


def _entry(term: str, guessed: bool = False) -> tuple[str, ...]:
    """The lexicon's own entry for ``term``, a word or a phrase, its last word's particle
    aside (사고의 사슬을 → 사고의 사슬); ``guessed``, the encoder's gloss of it, or for a
    word, the English word it spells by its sound."""
    head, _, last = term.rpartition(" ")
    keys = [term, *(f"{head} {form}".strip() for form in forms(last)[1:])]
    if head:  # Korean spacing varies: 해석 가능성 is also written 해석가능성
        keys += [key.replace(" ", "") for key in keys]
    layers = (_glosses(), _learned) if guessed else (_lexicon(),)
    for layer in layers:
        for key in keys:
            found = layer.get(key)
            if found:
                return found
    if guessed and not head:
        return transliteration.read(stem(last))
    return ()


def compound(term: str) -> tuple[str, str] | None:
    """A Korean word the lexicon lacks, as two halves it holds (자율주행 → 자율, 주행); None
    when it holds the word itself, or no split has both halves. The longest first half wins:
    a compound's head is its first word."""
    if len(term) > MAX_WORD or not _HANGUL.fullmatch(term) or _entry(term):
        return None
    word = stem(term)
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        first, second = word[:cut], word[cut:]
        if _entry(first) and _entry(second):
            return first, second
    return None


def translations(term: str, guessed: bool = True) -> tuple[str, ...]:
    """The English a Korean word or glossary phrase stands for, each translation a word or a
    few (in-context learning); a compound's are its two halves'; else, ``guessed``, the
    encoder's gloss; () for anything else. The re-rank of a sentence's candidates leaves
    the glosses out: its common words' glosses blur it (bench.crosslingual's tune half,
    recall@10 at 5,000 papers 0.477 without, 0.469 with); a typed term gains by them."""
    if len(term) > MAX_PHRASE or not _HANGUL.search(term):
        return ()
    found = _entry(term)
    if found or " " in term:
        return found or (_entry(term, guessed=True) if guessed else ())
    halves = compound(term)
    if halves:
        return _entry(halves[0]) + _entry(halves[1])
    return _entry(term, guessed=True) if guessed else ()


def join_phrases(terms: list[str]) -> list[str]:
    """``terms`` with each run of words the glossary holds as one phrase joined into one
    term, longest first: [맥락, 내, 학습, 벤치마크] → [맥락 내 학습, 벤치마크]."""
    joined: list[str] = []
    at = 0
    while at < len(terms):
        for size in range(min(PHRASE_WORDS, len(terms) - at), 1, -1):
            run = " ".join(terms[at : at + size])
            if (
                len(run) <= MAX_PHRASE
                and _HANGUL.search(run)
                and (_entry(run) or _entry(run, guessed=True))
            ):
                joined.append(run)
                at += size
                break
        else:
            joined.append(terms[at])
            at += 1
    return joined


def english_of(terms: Sequence[str]) -> str | None:
    """``terms`` said in English, each Korean one by its first translation (a compound by its
    halves'): [강화학습, 벤치마크] → "reinforcement learning benchmark". None when no term is
    Korean, or one has no translation: half a translation means something else."""
    said: list[str] = []
    korean = False
    for term in terms:
        if not _HANGUL.search(term):
            said.append(term)
            continue
        korean = True
        halves = compound(term)
        parts = list(halves) if halves else [term]
        for part in parts:
            found = translations(part)
            if not found:
                return None
            said.append(found[0])
    return " ".join(said) if korean else None
