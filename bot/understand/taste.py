"""A chat's taste, learnt from its 👍/👎 (and a private chat's saves): a score for any paper,
higher for what the chat would rather read.

A paper is seen as its embedding and its topic profile (the shipped topic model's
probability of each built-in topic, ``features``): the profile lets ten ratings say which
topics a chat follows, the embedding what within them.

- Below ``MIN_FOR_MODEL`` ratings there is too little to fit: a paper scores its
  time-decayed similarity to the liked papers minus that to the disliked ones.
- From ``MIN_FOR_MODEL`` on: a logistic regression on the embeddings, L2-regularised, with a
  sample of unrated archive papers as weak negatives (a chat that only ever likes still
  learns what it does not ask for). The weights lie in the span of the training vectors, so
  it is fitted in those few coordinates (QR, then Newton's method): milliseconds, numpy only.

Pure numpy: no Telegram, no SQL. ``bench/foryou.py`` measures it on simulated readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_FOR_MODEL = 5  # ratings before the logistic regression takes over
PROFILE_WEIGHT = 1.0  # the topic profile's scale against the unit embedding (bench/foryou.py)
HALF_LIFE_DAYS = 120.0  # an old rating counts half as much as a new one after this
BACKGROUND_WEIGHT = 0.2  # each unrated paper, as a negative, against a rating's 1
L2 = 1.0


def features(vectors: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """What the taste model sees of papers: unit embeddings beside topic profiles."""
    return np.hstack([vectors, PROFILE_WEIGHT * profile]).astype(np.float32)


@dataclass(frozen=True)
class Rating:
    """One verdict: the paper's ``features``, +1 or -1, and how old it is."""

    vector: np.ndarray
    value: int
    age_days: float = 0.0


class Taste:
    """What one chat likes. ``scores`` ranks papers; ``closest_liked`` says why."""

    def __init__(self, ratings: Sequence[Rating], background: np.ndarray | None = None) -> None:
        self.ratings = list(ratings)
        self.liked = [i for i, r in enumerate(self.ratings) if r.value > 0]
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        if not self.ratings:
            return
        vectors = np.stack([r.vector for r in self.ratings]).astype(np.float64)
        decay = np.array([0.5 ** (r.age_days / HALF_LIFE_DAYS) for r in self.ratings])
        values = np.array([r.value for r in self.ratings], np.float64)
        if len(self.ratings) < MIN_FOR_MODEL:
            self._weights = (values * decay) @ vectors / decay.sum()
            return
        if background is not None and len(background):
            vectors = np.vstack([vectors, background.astype(np.float64)])
            values = np.concatenate([values, -np.ones(len(background))])
            decay = np.concatenate([decay, np.full(len(background), BACKGROUND_WEIGHT)])
        self._weights, self._bias = _logistic_in_span(vectors, values > 0, decay)

    @property
    def learnt(self) -> bool:
        """Whether there is anything to rank by."""
        return self._weights is not None

    @property
    def uses_model(self) -> bool:
        return len(self.ratings) >= MIN_FOR_MODEL

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """A score per row of ``vectors`` (``features``): higher is more to the chat's
        taste. Zeros before any rating."""
        if self._weights is None:
            return np.zeros(len(vectors))
        return vectors.astype(np.float64) @ self._weights + self._bias

    def closest_liked(self, vector: np.ndarray) -> int | None:
        """The index (into the ratings) of the liked paper nearest to ``vector``."""
        if not self.liked:
            return None
        liked = np.stack([self.ratings[i].vector for i in self.liked])
        norms = np.linalg.norm(liked, axis=1) * max(float(np.linalg.norm(vector)), 1e-9)
        return self.liked[int(np.argmax((liked @ vector) / np.maximum(norms, 1e-9)))]


def _logistic_in_span(
    x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
) -> tuple[np.ndarray, float]:
    """Weighted, L2-regularised logistic regression. The optimum lies in the span of the
    rows, so it is solved in an orthonormal basis of them (``m`` coordinates, ``m`` rows)."""
    basis, upper = np.linalg.qr(x.T)  # x.T = basis @ upper
    z = np.hstack([upper.T, np.ones((len(x), 1))])  # each row's coordinates, and a bias
    target = y.astype(np.float64)
    penalty = np.full(z.shape[1], L2)
    penalty[-1] = 1e-6  # the bias is not shrunk
    w = np.zeros(z.shape[1])
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (sample_weight * (p - target)) + penalty * w
        hessian = (z.T * (sample_weight * p * (1 - p))) @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return basis @ w[:-1], float(w[-1])
