"""Tab-separated data files the benchmarks read (query sets, term lists): a row per line,
lines starting with # are comments."""

from __future__ import annotations

from pathlib import Path


def read_rows(path: Path) -> list[tuple[str, ...]]:
    """Each non-comment line of ``path``, split at its tabs."""
    rows = path.read_text(encoding="utf-8").splitlines()
    return [tuple(row.split("\t")) for row in rows if row and not row.startswith("#")]
