"""The direction every Korean sentence shares in the encoder's space, taken off a Korean
search query before it is ranked against papers that arrived in English.

The multilingual encoder puts a Korean sentence near its English translation, but every
Korean sentence also carries a component of its own: the language, not the meaning. A Korean
query's cosine with an English-only paper is partly that component, the same for every
paper, and it drowns the part that tells papers apart. The mean vector of ~900 Korean
summary sentences (``bench.crosslingual --write-centre``, its tune half only) is that
component; a Korean query without it ranks English-only papers better (bench.crosslingual,
hybrid recall@10 of the test half's queries at 20,000 papers 0.341 → 0.384; tuned on the
tune half's, 0.435 → 0.467 at 4,600). The 47 hand-written queries keep 0.979.

Only the ranking moves: the cosine floor still judges the plain query, so what a Korean
query is answered at all is unchanged (the floor was tuned on plain cosines, and a centred
query's cosines are lower everywhere).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CENTRE_FILE = Path(__file__).with_name("korean_centre.json")
_HANGUL = re.compile("[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class KoreanCentre:
    """The mean Korean query vector of one embedding model."""

    embedding_model: str
    vector: np.ndarray
    sentences: int  # how many sentences the mean is of

    def centred(self, query: np.ndarray) -> np.ndarray:
        """``query`` without the Korean component, normalised again."""
        moved = np.asarray(query, np.float32) - self.vector
        return moved / max(float(np.linalg.norm(moved)), 1e-12)


def mostly_korean(text: str) -> bool:
    """Whether at least half of ``text``'s letters are Hangul: "강화학습 추론" is, "LLM 양자화
    benchmark" is not (its English words already meet English papers as they are)."""
    letters = len(_LETTER.findall(text))
    return letters > 0 and 2 * len(_HANGUL.findall(text)) >= letters


def load_korean_centre(path: Path = CENTRE_FILE) -> KoreanCentre | None:
    """The shipped centre; None when the file is absent or unreadable (search then ranks the
    plain query, as before)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        vector = np.asarray(data["vector"], np.float32)
        return KoreanCentre(str(data["embedding_model"]), vector, int(data["sentences"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_korean_centre(centre: KoreanCentre, path: Path = CENTRE_FILE) -> None:
    data = {
        "embedding_model": centre.embedding_model,
        "sentences": centre.sentences,
        "vector": [round(float(x), 6) for x in centre.vector],
    }
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
