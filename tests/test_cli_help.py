"""Every command documents itself: help text with an example, and docs/cli.md is current."""

from __future__ import annotations

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
