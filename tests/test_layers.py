"""The house's floors, checked from the code: every import points down a floor, no modules
import each other in a circle, Telegram is imported only by the shell (the composition root,
the handlers and the sender), and SQL is written only in ``storage/``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each part of the house, and the parts it may import (itself always included). Read top down.
MAY_IMPORT: dict[str, set[str]] = {
    "bot.app": {"bot.core", "bot.parse", "bot.render", "storage", "bot.source", "bot.select",
                "bot.deliver", "bot.pipeline", "bot.summarize", "bot.publish", "bot.understand",
                "bot.asking", "handlers"},
    "handlers": {"bot.core", "bot.render", "storage", "bot.deliver", "bot.pipeline"},
    "bot.pipeline": {"bot.core", "storage", "bot.source", "bot.select", "bot.deliver",
                     "bot.summarize", "bot.publish", "bot.understand", "bot.asking"},
    "bot.asking": {"bot.core", "storage", "bot.source", "bot.summarize", "bot.understand"},
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


SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|WITH)\s")


def upward_imports(name: str, path: Path) -> list[str]:
    """The modules of ours that ``path`` (module ``name``) imports from a floor above it."""
    here = part_of(name)
    if here is None:
        return []  # bot/__init__ and bot/__main__ stand above everything
    allowed = MAY_IMPORT[here] | {here}
    return [
        target
        for target in imports(path)
        if target.startswith(OURS)
        and target not in OURS
        and part_of(target) is not None
        and not any(target == part or target.startswith(part + ".") for part in allowed)
    ]


def telegram_imports(path: Path) -> list[str]:
    return [t for t in imports(path) if t == "telegram" or t.startswith("telegram.")]


def sql_strings(path: Path) -> list[str]:
    """String literals that begin an SQL statement (an f-string's first part is one too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            found.append(node.value.strip()[:60])
    return found


def circles(found: list[tuple[str, Path]]) -> list[list[str]]:
    """Modules that import each other in a loop, each loop once."""
    names = {name for name, _ in found}
    edges = {
        name: sorted({t for t in imports(path) if t in names and t != name}) for name, path in found
    }
    loops, state = [], {}  # state: 1 on the path being walked, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in edges[name]:
            if state.get(target) == 1:
                loops.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(names):
        if name not in state:
            visit(name, [name])
    return loops


def test_every_module_belongs_to_a_part():
    lost = [name for name, _ in modules() if name not in ("bot", "bot.__main__")]
    assert [name for name in lost if part_of(name) is None] == []


@pytest.mark.parametrize(("name", "path"), modules(), ids=[name for name, _ in modules()])
def test_imports_point_down(name: str, path: Path):
    assert upward_imports(name, path) == [], f"{name} ({part_of(name)}) imports upward"


@pytest.mark.parametrize(("name", "path"), modules(), ids=[name for name, _ in modules()])
def test_telegram_only_in_the_shell(name: str, path: Path):
    if name.startswith(SHELL) or name in ("bot", "bot.__main__"):
        return
    assert telegram_imports(path) == []


@pytest.mark.parametrize(("name", "path"), modules(), ids=[name for name, _ in modules()])
def test_sql_only_in_storage(name: str, path: Path):
    if name.startswith("storage"):
        return
    assert sql_strings(path) == []


def test_no_modules_import_each_other_in_a_circle():
    assert circles(modules()) == []


def test_the_checks_catch_a_rogue_module(tmp_path: Path):
    """The same checks, run on a module that breaks every rule."""
    (tmp_path / "bot" / "render").mkdir(parents=True)
    rogue = tmp_path / "bot" / "render" / "rogue.py"
    rogue.write_text(
        "from telegram import Bot\n"
        "from bot.deliver.sender import Sender\n"
        "import bot.render.other\n"
        'QUERY = f"SELECT * FROM papers WHERE id = {1}"\n'
    )
    other = tmp_path / "bot" / "render" / "other.py"
    other.write_text("from bot.render import rogue\n")
    assert upward_imports("bot.render.rogue", rogue) == [
        "bot.deliver.sender",
        "bot.deliver.sender.Sender",
    ]
    assert telegram_imports(rogue) == ["telegram", "telegram.Bot"]
    assert sql_strings(rogue) == ["SELECT * FROM papers WHERE id ="]
    loop = circles([("bot.render.rogue", rogue), ("bot.render.other", other)])
    assert loop == [["bot.render.other", "bot.render.rogue", "bot.render.other"]]
