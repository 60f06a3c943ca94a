"""The ``review`` command line: a thin layer over the library.

Each stage's commands live in their own module; this one builds the group, finds the
workspace (``-C DIR`` or the current directory upward) and maps library errors to exit
statuses once, at the edge: bad input exits 2, other runtime problems exit 1.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from review import __version__
from review.errors import InputError, ReviewError
from review.workspace import Workspace

#: Modules that add commands to the group (each defines ``register(group)``).
COMMAND_MODULES = (
    "review.cli.workspace_cmds",
    "review.cli.corpus_cmds",
    "review.cli.dedup",
    "review.cli.screen",
    "review.cli.fulltext",
    "review.cli.criteria",
    "review.cli.run",
)


class ReviewGroup(click.Group):
    """A click group that turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except ReviewError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


class State:
    """What the group passes to its commands: where the workspace is."""

    def __init__(self, project: Path | None) -> None:
        self.project = project
        self._workspace: Workspace | None = None

    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace.find(self.project)
        return self._workspace

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()


pass_state = click.make_pass_decorator(State)


@click.group(cls=ReviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace directory (default: the current directory, searching upward).",
)
@click.version_option(__version__, prog_name="review")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Realist syntheses and systematic reviews, from search exports to manuscript.

    Example:

        review init my-review && cd my-review
        review import ~/exports/cinahl.ris --source CINAHL --searched 2020-03-01
        review status
    """
    state = State(project)
    ctx.obj = state
    ctx.call_on_close(state.close)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(main)


_register()
