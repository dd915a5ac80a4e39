"""The docs stay honest, as sqlite-utils keeps its own: every `paperboy` subcommand and option
is in docs/cli.md, every variable the configuration reads is in docs/configuration.md and
.env.example, every command registered with Telegram is in the README's list, and the README
stays short enough to read in five minutes."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.app.cli import build_parser
from bot.core.commands import PRIVATE_COMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def options() -> list[tuple[str, str]]:
    found = []
    for name, parser in subcommands().items():
        for action in parser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    found.append((name, flag))
    return found


def variables() -> set[str]:
    """Every variable the configuration reads: the names it passes to ``get``."""
    text = (ROOT / "bot" / "app" / "config.py").read_text(encoding="utf-8")
    return set(re.findall(r'get\("((?:PAPERBOY|TELEGRAM)_[A-Z_]+|LOG_LEVEL)"\)', text))


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_is_in_the_cli_docs(name: str):
    assert f"`paperboy {name}" in CLI


@pytest.mark.parametrize(("name", "flag"), options(), ids=[f"{n} {f}" for n, f in options()])
def test_every_option_is_in_the_cli_docs(name: str, flag: str):
    assert re.search(rf"{re.escape(flag)}\b", CLI), f"paperboy {name} {flag}"


def test_the_configuration_reads_the_variables_we_check():
    assert {"TELEGRAM_BOT_TOKEN", "PAPERBOY_DB", "PAPERBOY_LLM_URL", "LOG_LEVEL"} <= variables()
    assert len(variables()) >= 25


@pytest.mark.parametrize("name", sorted(variables()))
def test_every_variable_is_documented_and_in_the_example(name: str):
    assert f"`{name}`" in CONFIGURATION
    assert re.search(rf"^#?\s*{name}=", ENV_EXAMPLE, re.M), f"{name} missing from .env.example"


@pytest.mark.parametrize("command", PRIVATE_COMMANDS)
def test_every_bot_command_is_in_the_readme(command: str):
    assert re.search(rf"`/{command}\b", README)


def test_the_readme_is_short_and_its_links_resolve():
    assert len(README.splitlines()) <= 200
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).is_file(), target
