"""``review init`` and ``review status``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.status import collect_status, format_status
from review.workspace import Workspace


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="The review's title (default: the directory name).")
def init_command(directory: Path, title: str | None) -> None:
    """Create a new, empty review workspace in DIRECTORY.

    Makes review.toml, protocols/, corpus/, extraction/, reports/ and the database.
    Refuses to overwrite an existing workspace.

    Example:

    \b
        review init peer-support-review --title "Peer support: a realist review"
    """
    workspace = Workspace.create(directory, title=title)
    workspace.close()
    click.echo(f"Created workspace {workspace.root}")
    click.echo("Next: put search exports in corpus/ and run `review import corpus/FILE --source NAME`")


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def status_command(state: State, as_json: bool) -> None:
    """Show where the review stands: sources, records, works, decisions, what is next.

    Example:

    \b
        review status
        review status --json | jq .records
    """
    status = collect_status(state.workspace())
    if as_json:
        click.echo(json.dumps(status, indent=2, ensure_ascii=False))
    else:
        click.echo(format_status(status))


def register(group: click.Group) -> None:
    group.add_command(init_command)
    group.add_command(status_command)
