"""Every benchmark still imports after code moves (running them takes minutes and
../shared; importing them takes a second and catches a name that moved)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_the_benchmark_imports(name: str):
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench.{name} does not say what it measures"
