"""The encoder's glosses: a Korean word nothing else translates, given the English words
nearest to it in the sentence encoder's space, when one stands out.

One rule, two users. ``bench.lexicon --glosses`` glosses the words of the Korean summaries
into ``bot/core/ko_en_glosses.tsv`` (so they hold without the encoder), and writes beside it
the English words a gloss may be (``gloss_vocabulary.txt``: the corpus's title and abstract
words, the encoder's hubs left out). ``Glosser`` glosses, as readers type them, the words no
file holds (뇌 → brain, 역할극 → role, 점심 → lunch) over the same words: readers type many
words the summaries never used.

The rule, checked against the translations co-occurrence mining and the glossary give for
837 of the summaries' words: the nearest English word at a cosine of 0.8 or more agrees with
them for 0.78 of the 382 that reach it; at 0.65 or more and 0.1 above the third nearest (one
word, or one word's forms, standing clear of the rest), 0.83 of 212. Either way a second word
within 0.03 of the best is kept (bugs, debug). Below both, the nearest words are a crowd
(공정성: suitability 0.71, feasibility 0.68, realization 0.67): no gloss.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from bot.core import lexicon
from bot.core.query import split_terms

VOCABULARY_FILE = Path(__file__).with_name("gloss_vocabulary.txt")
GLOSS_MIN = 0.8  # the nearest word is a gloss at this cosine
CLEAR_MIN = 0.65  # ... or at this one, when it stands CLEAR_MARGIN above the third nearest
CLEAR_MARGIN = 0.1
GLOSS_NEAR = 0.03  # a second word kept when this close to the best
MAX_WORDS = 12  # words of one text glossed at a time: a query, not a document
# Verb and adjective forms (제안합니다, 향상시키며, 높을): glossed, they are English verbs a
# reader never types; a gloss is for the nouns they do type.
VERB_FORM = re.compile(
    "(다|며|면|록|할|될|된|던|했|해|하|되|게|킨|킬|칠|는데|지만|어서|워|져|줄|준|낼|낸|운|울|않|못"
    "|없|있|왔|에는|에도|만큼|처럼|보다|같은|같이|으로|히|이|실)$"
)
_WORD = re.compile("[가-힣]+")


def pick(cosines: np.ndarray, vocabulary: Sequence[str]) -> list[str]:
    """The gloss of one word, given its cosine to each word of ``vocabulary``: [] when no
    English word stands out."""
    if len(cosines) < 3:
        return []
    top = np.argpartition(-cosines, 2)[:3]
    top = top[np.argsort(-cosines[top])]
    best, third = float(cosines[top[0]]), float(cosines[top[2]])
    if best < GLOSS_MIN and (best < CLEAR_MIN or best - third < CLEAR_MARGIN):
        return []
    return [vocabulary[j] for j in top[:2] if cosines[j] >= best - GLOSS_NEAR]


def glossable(word: str) -> bool:
    """A Korean noun as a reader types it: Hangul only, short, not a verb form."""
    return (
        bool(_WORD.fullmatch(word)) and len(word) <= lexicon.MAX_WORD and not VERB_FORM.search(word)
    )


def unknown_words(texts: Iterable[str]) -> list[str]:
    """The Korean words of ``texts`` (queries, topics) that nothing translates yet and that
    were not glossed before, particles aside, at most ``MAX_WORDS`` of each text."""
    found: dict[str, None] = {}
    for text in texts:
        terms, _ = split_terms(text)
        words = [lexicon.stem(term) for term in terms if " " not in term]
        fresh = [
            word
            for word in words
            if glossable(word) and not lexicon.translations(word) and not lexicon.asked(word)
        ]
        found.update(dict.fromkeys(fresh[:MAX_WORDS]))
    return list(found)


def load_vocabulary(path: Path = VOCABULARY_FILE) -> list[str]:
    """The English words a gloss may be; [] when the file is missing (no run-time glosses)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


class Glosser:
    """Glosses Korean words with an embedder (CPU-bound: call it from a thread). The
    vocabulary is embedded once, on first use or by ``warm`` (7,090 words: about 2 s and
    14 MB)."""

    def __init__(self, embedder, vocabulary: Sequence[str]) -> None:
        self._embedder = embedder
        self._vocabulary = list(vocabulary)
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """English words a gloss may be."""
        return len(self._vocabulary)

    @property
    def nbytes(self) -> int:
        """Memory the vocabulary's vectors hold (0 until embedded)."""
        return 0 if self._vectors is None else self._vectors.nbytes

    def warm(self) -> None:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.texts(self._vocabulary)

    def gloss(self, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Each word's gloss, () for a word no English word stands out for."""
        if not words or len(self._vocabulary) < 3:
            return {word: () for word in words}
        self.warm()
        assert self._vectors is not None
        cosines = self._embedder.texts(list(words)) @ self._vectors.T
        return {
            word: tuple(pick(row, self._vocabulary))
            for word, row in zip(words, cosines, strict=True)
        }

    def learn(self, texts: Iterable[str]) -> int:
        """Gloss the words of ``texts`` nothing translates yet, and tell the lexicon, so the
        search and the topics that follow match them in English. Returns words glossed."""
        words = unknown_words(texts)
        if not words:
            return 0
        found = self.gloss(words)
        lexicon.learn(found)
        return sum(1 for gloss in found.values() if gloss)
