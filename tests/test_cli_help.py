"""Every command documents itself: help text with an example, and docs/cli.md is current."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from review.cli import main
from review.cli.reference import render, walk

COMMANDS = list(walk(main))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "review" for p, _ in COMMANDS])
def test_command_has_help_with_example(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help and command.help.strip(), f"review {' '.join(path)} has no help"
    assert "Example:" in command.help, f"review {' '.join(path)} has no Example: block"


def test_cli_reference_is_current() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    assert docs.read_text(encoding="utf-8") == render(main), "run: python scripts/gen_cli_docs.py"
