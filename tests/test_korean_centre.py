"""The Korean centre: which queries it moves, what it takes off, and a shipped file that
loads for the shipped encoder (or, broken, leaves search as it was)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.understand.embedder import MODEL
from bot.understand.korean_centre import (
    KoreanCentre,
    load_korean_centre,
    mostly_korean,
    save_korean_centre,
)


@pytest.mark.parametrize(
    ("text", "korean"),
    [
        ("강화학습 추론", True),
        ("저자원 언어 음성 번역 데이터 증강", True),
        ("LLM 양자화 기법", True),  # 5 Hangul letters of 8
        ("LLM quantization 양자화", False),
        ("reinforcement learning", False),
        ("2024 3D", False),
        ("", False),
    ],
)
def test_a_query_is_korean_when_most_of_its_letters_are_hangul(text, korean):
    assert mostly_korean(text) is korean


def test_centring_takes_the_shared_component_off():
    rng = np.random.default_rng(1)
    shared = rng.standard_normal(16).astype(np.float32)
    meaning = rng.standard_normal(16).astype(np.float32)
    centre = KoreanCentre("m", shared, 10)
    moved = centre.centred(shared + meaning)
    assert np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-6)
    assert float(moved @ meaning / np.linalg.norm(meaning)) == pytest.approx(1.0, abs=1e-6)


def test_the_centre_round_trips_and_a_broken_file_is_none(tmp_path):
    path = tmp_path / "centre.json"
    assert load_korean_centre(path) is None  # absent
    centre = KoreanCentre("model-x", np.linspace(-1, 1, 8, dtype=np.float32), 896)
    save_korean_centre(centre, path)
    loaded = load_korean_centre(path)
    assert loaded is not None and loaded.embedding_model == "model-x" and loaded.sentences == 896
    np.testing.assert_allclose(loaded.vector, centre.vector, atol=1e-6)
    for broken in ("{", '{"vector": [1, 2]}', '{"embedding_model": "m", "sentences": 3}', "[]"):
        path.write_text(broken, encoding="utf-8")
        assert load_korean_centre(path) is None, broken


def test_the_shipped_centre_is_for_the_shipped_encoder():
    centre = load_korean_centre()
    assert centre is not None and centre.embedding_model == MODEL
    assert centre.vector.shape == (512,) and centre.sentences >= 500
    # A mean of unit vectors that share a language: far from zero, short of one.
    assert 0.2 < float(np.linalg.norm(centre.vector)) < 0.9
