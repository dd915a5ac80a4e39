"""A chat's taste from its ratings (bot/understand/taste.py), on made-up vectors."""

from __future__ import annotations

import numpy as np

from bot.understand.taste import MIN_FOR_MODEL, Rating, Taste

RNG = np.random.default_rng(15)


def unit(*weights: float, noise: float = 0.0) -> np.ndarray:
    vector = np.zeros(32)
    vector[: len(weights)] = weights
    vector += noise * RNG.standard_normal(32)
    return vector / np.linalg.norm(vector)


A, B, C = unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)


def test_no_ratings_ranks_nothing():
    taste = Taste([])
    assert not taste.learnt
    assert list(taste.scores(np.stack([A, B]))) == [0.0, 0.0]
    assert taste.closest_liked(A) is None


def test_few_ratings_rank_by_similarity_to_liked_minus_disliked():
    taste = Taste([Rating(A, 1), Rating(B, -1)])
    assert not taste.uses_model
    near_a, neutral, near_b = taste.scores(np.stack([unit(1, 0.1, 0), C, unit(0.1, 1, 0)]))
    assert near_a > neutral > near_b


def test_an_old_rating_counts_less_than_a_new_one():
    # Liked A long ago, liked B today: B-like papers come first.
    taste = Taste([Rating(A, 1, age_days=365), Rating(B, 1, age_days=0)])
    score_a, score_b = taste.scores(np.stack([A, B]))
    assert score_b > score_a > 0


def test_from_five_ratings_a_model_learns_even_from_likes_alone():
    likes = [Rating(unit(1, 0.2, 0, noise=0.1), 1) for _ in range(MIN_FOR_MODEL + 1)]
    background = np.stack([unit(0, 1, 1, noise=0.3) for _ in range(20)])
    taste = Taste(likes, background)
    assert taste.uses_model
    candidates = np.stack([unit(1, 0.1, 0, noise=0.05), unit(0, 1, 1, noise=0.05), C])
    scores = taste.scores(candidates)
    assert scores[0] == max(scores)
    assert scores[0] > 0 > scores[1]


def test_a_model_separates_what_a_chat_likes_from_what_it_does_not():
    ratings = [Rating(unit(1, 0, 0, noise=0.2), 1) for _ in range(5)]
    ratings += [Rating(unit(0, 1, 0, noise=0.2), -1) for _ in range(5)]
    taste = Taste(ratings)
    liked = taste.scores(np.stack([unit(1, 0, 0, noise=0.2) for _ in range(30)]))
    disliked = taste.scores(np.stack([unit(0, 1, 0, noise=0.2) for _ in range(30)]))
    assert liked.min() > disliked.max()


def test_why_names_the_nearest_liked_paper():
    taste = Taste([Rating(A, 1), Rating(B, -1), Rating(C, 1)])
    assert taste.closest_liked(unit(0.1, 0.3, 1)) == 2  # C, not B (disliked)
    assert taste.closest_liked(unit(1, 0.9, 0)) == 0
