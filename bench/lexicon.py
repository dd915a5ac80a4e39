"""Mine the Korean→English term lexicon from the real parallel texts, and measure it.

Run: ``python -m bench.lexicon [--write] [--glosses] [--sounds]`` (needs ../shared/corpus).
2,096 papers of 2024 have both a Korean digest summary (daily_papers_ko/2024) and an English
title and abstract (hf_api_2024). A Korean word and an English word that keep appearing in
the same papers translate each other: each Korean word (particles stripped) takes the English
words with the best Dice coefficient over those papers. ``--write`` ships the lexicon mined
from every pair as bot/core/ko_en_lexicon.tsv; bench.crosslingual mines its own from the tune
half only, so that its test queries never taught the lexicon. ``--glosses`` writes the
encoder's glosses and their vocabulary; ``--sounds`` the English words Hangul loanwords are
read as.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from bot.core import transliteration
from bot.core.lexicon import GLOSSES_FILE, LEXICON_FILE, korean_words
from bot.understand.glossing import VOCABULARY_FILE, glossable, pick

ROOT = Path(__file__).resolve().parents[1]
MIN_PAPERS = 3  # a pair seen in fewer papers is chance
MIN_DICE = 0.3
NEAR_BEST = 0.8  # other translations kept when this close to the best one
MAX_TRANSLATIONS = 3
MIN_LIFT = 1.5  # P(english | korean) over P(english): "model" is in every abstract
# Words every summary uses, which co-occurrence cannot tell apart (모델 goes with every
# abstract's "model"): written by hand, and kept beside what was mined.
GENERIC = {
    "모델": "model",
    "언어": "language",
    "대형": "large",
    "대규모": "large large-scale",
    "학습": "learning training",
    "방법": "method approach",
    "데이터": "data",
    "성능": "performance",
    "작업": "task",
    "생성": "generation generative",
    "평가": "evaluation benchmark",
    "효율": "efficient efficiency",
    "효율성": "efficiency efficient",
    "시각": "visual vision",
    "강화학습": "reinforcement",
    "강화": "reinforcement",
    "미세": "fine-tuning",
    "조정": "tuning",
    "미세조정": "fine-tuning",
    "파인튜닝": "fine-tuning",
    "인식": "recognition",
    "질의": "query question",
    "구조": "structure architecture",
    # Everyday words a Korean reader types that the summaries rarely use (they write 비디오
    # or the English word): found among the tune half's query words the lexicon missed.
    "동영상": "video",
    "영상": "video image",
    "변환기": "transformer",
    "매개변수": "parameter",
    "맥락": "context",
}
_ENGLISH = re.compile(r"[a-z][a-z0-9\-]+")
_STOP_WORDS = (
    "the and for with from that this these our are can its into via than then both such "
    "also which while when where how what more most new using based show shows"
)
_STOP = frozenset(_STOP_WORDS.split())


def english_words(text: str) -> set[str]:
    found = set()
    for word in _ENGLISH.findall(text.lower()):
        if len(word) < 3 or word in _STOP:
            continue
        if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
            word = word[:-1]
        found.add(word)
    return found


def mine(korean: Mapping[str, str], english: Mapping[str, str]) -> dict[str, list[str]]:
    """Korean word → its English translations, from papers present in both mappings."""
    papers = [a for a in korean if a in english]
    ko = {a: korean_words(korean[a]) for a in papers}
    en = {a: english_words(english[a]) for a in papers}
    ko_df = Counter(w for a in papers for w in ko[a])
    en_df = Counter(w for a in papers for w in en[a])
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for a in papers:
        for k in ko[a]:
            if ko_df[k] >= MIN_PAPERS:
                together[k].update(en[a])
    total = len(papers)
    lexicon = {}
    for k, counts in together.items():
        scored = sorted(
            (
                (2 * n / (ko_df[k] + en_df[e]), e)
                for e, n in counts.items()
                if n >= MIN_PAPERS and (n / ko_df[k]) / (en_df[e] / total) >= MIN_LIFT
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < MIN_DICE:
            continue
        best = scored[0][0]
        lexicon[k] = [
            e for s, e in scored[:MAX_TRANSLATIONS] if s >= max(MIN_DICE, NEAR_BEST * best)
        ]
    lexicon.update({k: v.split() for k, v in GENERIC.items()})
    return dict(sorted(lexicon.items()))


# The encoder's glosses: a Korean word co-occurrence could not pair (in too few papers, or
# only with Latin-script summaries' words) takes the English words nearest to it in the
# encoder's space, by the rule of bot/understand/glossing.py (checked there against what
# co-occurrence and the glossary give for the words they do translate).
GLOSS_PAPERS = 2  # a Korean word in fewer summaries is not glossed
VOCABULARY_PAPERS = 3  # an English word in fewer titles and abstracts is not a gloss
# English words near every Korean word ("thereof", "prosody", acronyms): the encoder's hubs,
# nearest to hundreds of unrelated words. The top 2% by mean cosine to all the Korean words
# are never a gloss; real words rank far below by that mean (korean at its 5th percentile,
# education the 30th, image the 43rd).
HUB_SHARE = 0.02
_VOCABULARY = re.compile(r"[a-z]{4,}")


def glosses(
    korean: Iterable[str], english: Iterable[str], known: Callable[[str], bool], embedder
) -> tuple[dict[str, list[str]], list[str]]:
    """Korean word → the English words nearest to it by the sentence encoder, for the nouns
    of ``korean`` (summaries) that ``known`` does not translate; and the English words a
    gloss may be: those of ``english`` (titles and abstracts), as written, less the
    encoder's hubs (what ``Glosser`` glosses typed words over)."""
    ko_df = Counter(w for text in korean for w in korean_words(text))
    words = sorted(
        w for w, n in ko_df.items() if n >= GLOSS_PAPERS and glossable(w) and not known(w)
    )
    en_df = Counter(w for text in english for w in set(_VOCABULARY.findall(text.lower())))
    vocabulary = sorted(w for w, n in en_df.items() if n >= VOCABULARY_PAPERS and w not in _STOP)
    if not words or not vocabulary:
        return {}, vocabulary
    vectors = embedder.texts(vocabulary)
    cosines = embedder.texts(words) @ vectors.T
    pull = cosines.mean(axis=0)
    kept = pull < np.quantile(pull, 1 - HUB_SHARE)
    vocabulary = [w for w, keep in zip(vocabulary, kept, strict=True) if keep]
    cosines = cosines[:, kept]
    found = {}
    for row, word in zip(cosines, words, strict=True):
        gloss = pick(row, vocabulary)
        if gloss:
            found[word] = gloss
    return found, vocabulary


def write(
    lexicon: Mapping[str, Iterable[str]],
    path: Path = LEXICON_FILE,
    how: str = "mined by bench.lexicon",
) -> None:
    lines = [f"# Korean word\tEnglish translations ({how}; do not edit)"]
    lines += [f"{k}\t{' '.join(v)}" for k, v in lexicon.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    from bench.summary_check import CORPUS, load_corpus

    parser = argparse.ArgumentParser(prog="python -m bench.lexicon")
    parser.add_argument("--write", action="store_true", help=f"write {LEXICON_FILE.name}")
    parser.add_argument(
        "--glosses", action="store_true", help=f"write {GLOSSES_FILE.name} (the encoder's)"
    )
    parser.add_argument(
        "--sounds",
        action="store_true",
        help=f"write {transliteration.VOCABULARY_FILE.name} (what Hangul loanwords are read as)",
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"bench: {CORPUS} not found; the benchmark needs ../shared/corpus")
    corpus = load_corpus()
    korean = {a: corpus.papers[a].summary_text for a in corpus.pairs}
    english = {a: f"{corpus.papers[a].title}\n{corpus.papers[a].abstract}" for a in corpus.pairs}
    lexicon = mine(korean, english)
    print(f"{len(lexicon):,} Korean words with a translation, from {len(corpus.pairs):,} papers")
    for word in ("강화", "벤치마크", "양자화", "환각", "코드", "확산", "로봇", "에이전트", "음성"):
        print(f"  {word}: {', '.join(lexicon.get(word, ['—']))}")
    if args.write:
        write(lexicon)
        print(f"written to {LEXICON_FILE.relative_to(ROOT)}")
    if args.glosses:
        write_glosses(corpus)
    if args.sounds:
        write_sounds(corpus)


def write_glosses(corpus) -> None:
    """The encoder's glosses of every digest summary's words the shipped files do not
    translate, from the corpus's English titles and abstracts."""
    from bot.core.lexicon import translations
    from bot.understand.embedder import load_embedder

    embedder = load_embedder()
    if embedder is None:
        raise SystemExit("bench: the embedding model did not load")
    papers = corpus.papers.values()
    found, vocabulary = glosses(
        [p.summary_text for p in papers],
        [f"{p.title}\n{p.abstract}" for p in papers],
        lambda word: bool(translations(word, guessed=False)),
        embedder,
    )
    write(found, GLOSSES_FILE, "the encoder's nearest words, bot/understand/glossing.py's rule")
    print(f"{len(found):,} Korean words glossed; written to {GLOSSES_FILE.relative_to(ROOT)}")
    header = (
        "# English words a gloss may be (bench.lexicon --glosses; do not edit): the shared"
        f" corpus's title and abstract words in {VOCABULARY_PAPERS}+ papers, less the"
        " encoder's hubs"
    )
    VOCABULARY_FILE.write_text("\n".join([header, *vocabulary]) + "\n", encoding="utf-8")
    print(f"{len(vocabulary):,} English words; written to {VOCABULARY_FILE.relative_to(ROOT)}")


# An English word in fewer titles and abstracts is not what a Hangul loanword is read as. On
# the tune half of bench.loanwords, every word (26,317) reads 100 words as the digests did and
# 17 not; words of 2+ papers (10,875) 97 and 17: about the same, at 40% of the size.
SOUND_PAPERS = 2


def write_sounds(corpus) -> None:
    """The English words of the corpus's titles and abstracts that Hangul loanwords are read
    back into (bot/core/transliteration.py)."""
    path = transliteration.VOCABULARY_FILE
    papers = corpus.papers.values()
    words = transliteration.vocabulary_of(
        [f"{p.title}\n{p.abstract}" for p in papers], SOUND_PAPERS
    )
    header = (
        "# English words a Hangul loanword may be read as (bench.lexicon --sounds; do not"
        f" edit): the shared corpus's title and abstract words in {SOUND_PAPERS}+ papers"
    )
    path.write_text("\n".join([header, *words]) + "\n", encoding="utf-8")
    print(f"{len(words):,} English words; written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
