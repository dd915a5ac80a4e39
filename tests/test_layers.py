"""The house's floors, checked from the imports: every arrow points down, and Telegram is
imported only by the shell (the composition root, the handlers and the sender)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each part of the house, and the parts it may import (itself always included). Read top down.
MAY_IMPORT: dict[str, set[str]] = {
    "bot.app": {"bot.core", "bot.parse", "bot.render", "storage", "bot.source", "bot.select",
                "bot.deliver", "bot.pipeline", "bot.summarize", "bot.publish", "bot.understand",
                "handlers"},
    "handlers": {"bot.core", "bot.render", "storage", "bot.deliver", "bot.pipeline"},
    "bot.pipeline": {"bot.core", "storage", "bot.source", "bot.select", "bot.deliver",
                     "bot.summarize", "bot.publish", "bot.understand"},
    "bot.understand": {"bot.core", "storage"},
    "bot.publish": {"bot.core", "bot.parse", "bot.render", "storage"},
    "bot.summarize": {"bot.core", "bot.parse", "storage"},
    "bot.deliver": {"bot.core", "bot.render", "storage"},
    "bot.select": {"bot.core", "storage"},
    "bot.source": {"bot.core", "bot.parse", "storage"},
    "storage": {"bot.core"},
    "bot.render": {"bot.core"},
    "bot.parse": {"bot.core"},
    "bot.core": set(),
}  # fmt: skip
SHELL = ("bot.app", "handlers", "bot.deliver")
OURS = ("bot", "handlers", "storage")


def part_of(module: str) -> str | None:
    """The longest part name that ``module`` lies in."""
    names = [p for p in MAY_IMPORT if module == p or module.startswith(p + ".")]
    return max(names, key=len) if names else None


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in OURS:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append((name.removesuffix(".__init__"), path))
    return found


def imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            # `from bot.render import callbacks` imports the module bot.render.callbacks
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_every_module_belongs_to_a_part():
    lost = [name for name, _ in modules() if name not in ("bot", "bot.__main__")]
    assert [name for name in lost if part_of(name) is None] == []


@pytest.mark.parametrize(("name", "path"), modules(), ids=[name for name, _ in modules()])
def test_imports_point_down(name: str, path: Path):
    here = part_of(name)
    if here is None:
        return  # bot/__init__ and bot/__main__ stand above everything
    allowed = MAY_IMPORT[here] | {here}
    wrong = []
    for target in imports(path):
        if not target.startswith(OURS) or target in OURS:
            continue
        if part_of(target) is not None and not any(
            target == part or target.startswith(part + ".") for part in allowed
        ):
            wrong.append(target)
    assert wrong == [], f"{name} ({here}) imports upward: {wrong}"


@pytest.mark.parametrize(("name", "path"), modules(), ids=[name for name, _ in modules()])
def test_telegram_only_in_the_shell(name: str, path: Path):
    if name.startswith(SHELL) or name in ("bot", "bot.__main__"):
        return
    assert not [t for t in imports(path) if t == "telegram" or t.startswith("telegram.")]


def test_the_check_itself_catches_an_upward_import(tmp_path: Path):
    rogue = tmp_path / "rogue.py"
    rogue.write_text("from telegram import Bot\nfrom bot.deliver.sender import Sender\n")
    targets = imports(rogue)
    assert "telegram" in targets and part_of("bot.deliver.sender") == "bot.deliver"
    assert "bot.deliver" not in MAY_IMPORT["storage"]
