"""Every command documents itself: help text with an example, and docs/cli.md is current."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import click
import pytest

from review.cli import main
from review.cli.reference import help_context, render, walk

COMMANDS = list(walk(main))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "review" for p, _ in COMMANDS])
def test_command_has_help_with_example(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help and command.help.strip(), f"review {' '.join(path)} has no help"
    assert "Example:" in command.help, f"review {' '.join(path)} has no Example: block"


def test_cli_reference_is_current() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    assert docs.read_text(encoding="utf-8") == render(main), "run: python scripts/gen_cli_docs.py"


def _commands_invoked_directly(source: str) -> list[str]:
    """Names of review subcommands that a test module passes to ``.invoke`` itself."""
    tree = ast.parse(source)
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("review.cli"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                imported[alias.asname or alias.name] = getattr(module, alias.name, None)
    return sorted({
        call.args[0].id for call in ast.walk(tree)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "invoke"
        and call.args and isinstance(call.args[0], ast.Name)
        and isinstance(imported.get(call.args[0].id), click.Command) and imported[call.args[0].id] is not main
    })


def test_tests_run_commands_through_the_entry_point() -> None:
    """A subcommand invoked as an object caches a help option without ``-h``: docs/cli.md then
    differs in whichever test runs later (an order-dependent failure). Invoke ``main``."""
    tests = Path(__file__).resolve().parent
    offenders = {path.name: names for path in sorted(tests.glob("test_*.py"))
                 if (names := _commands_invoked_directly(path.read_text(encoding="utf-8")))}
    assert not offenders, f"invoke these through review.cli.main instead: {offenders}"


def test_direct_invocation_check_finds_one() -> None:
    source = "from review.cli.screen_simulate import simulate as sim\nCliRunner().invoke(sim, ['x'])\n"
    assert _commands_invoked_directly(source) == ["sim"]
    assert _commands_invoked_directly("from review.cli import main\nCliRunner().invoke(main, [])\n") == []


def _example_lines(help_text: str) -> list[str]:
    """The lines of a docstring's Example: block, as written."""
    _, _, block = help_text.partition("Example:")
    return [line.strip() for line in block.splitlines() if line.strip() and line.strip() != "\b"]


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "review" for p, _ in COMMANDS])
def test_examples_are_shown_verbatim(path: tuple[str, ...], command: click.Command) -> None:
    """Click rewraps paragraphs; an example block needs a \\b line to keep one command per line."""
    name = " ".join(("review", *path))
    shown = {line.strip() for line in command.get_help(help_context(main, command, name)).splitlines()}
    for line in _example_lines(command.help or ""):
        assert line in shown, f"{name}: example line rewrapped (put a \\b line before the example): {line!r}"


def test_example_check_catches_rewrapping() -> None:
    @click.command()
    def sample() -> None:
        """Do it.

        Example:

            review one
            review two
        """

    shown = sample.get_help(click.Context(sample, info_name="sample"))
    assert "review one     review two" in shown
    assert "review one" not in {line.strip() for line in shown.splitlines()}
