"""What every command module needs from the group: the workspace state and the error edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from review.errors import InputError, ReviewError
from review.workspace import Workspace


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
