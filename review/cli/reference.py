"""The CLI reference (docs/cli.md), generated from the commands' own help texts."""

from __future__ import annotations

from collections.abc import Iterator

import click


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and subcommand with its name path, depth first, sorted by name."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


def help_context(main: click.Group, command: click.Command, name: str) -> click.Context:
    """A context like the real one (``-h, --help``): Click caches each command's help option."""
    names = main.context_settings.get("help_option_names", ["--help"])
    return click.Context(command, info_name=name, help_option_names=names)


def render(main: click.Group) -> str:
    """Markdown with the ``--help`` of every command."""
    parts = ["# CLI reference", "", "Generated from `--help` by `python scripts/gen_cli_docs.py`; do not edit.", ""]
    for path, command in walk(main):
        name = " ".join(("review", *path))
        ctx = help_context(main, command, name)
        parts += [f"## `{name}`", "", "```", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)
