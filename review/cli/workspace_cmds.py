"""``review init`` and ``review status``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.status import collect_status, format_status
from review.workspace import Workspace, parse_reviewer_list


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="The review's title (default: the directory name).")
@click.option("--reviewers", "reviewer_list", metavar="NAMES",
              help="Who screens, appraises and codes, comma-separated (e.g. JM,SA).")
@click.option("--reviewer", "reviewer_names", multiple=True, metavar="NAME",
              help="One reviewer; repeat for more.")
def init_command(directory: Path, title: str | None, reviewer_list: str | None,
                 reviewer_names: tuple[str, ...]) -> None:
    """Create a new, empty review workspace in DIRECTORY.

    Makes review.toml, protocols/, corpus/, extraction/, reports/ and the database.
    Refuses to overwrite an existing workspace. The reviewers (short names or initials)
    go into review.toml; other names are then refused, so a typo cannot split one
    reviewer into two. On a terminal, init asks for them when no option gives them;
    without any, the first name used becomes the first reviewer.

    Example:

    \b
        review init peer-support-review --title "Peer support: a realist review" --reviewers JM,SA
        review init my-review --reviewer "Jo M" --reviewer "Sam A"
    """
    names = [*parse_reviewer_list(reviewer_list or ""), *reviewer_names]
    if not names and sys.stdin.isatty() and sys.stdout.isatty():
        answer = click.prompt("Reviewers (short names or initials, comma-separated; Enter to skip)",
                              default="", show_default=False)
        names = parse_reviewer_list(answer)
    workspace = Workspace.create(directory, title=title, reviewers=names)
    workspace.close()
    click.echo(f"Created workspace {workspace.root}")
    if names:
        click.echo(f"Reviewers: {', '.join(workspace.reviewers)} (review.toml [screening] reviewers)")
    click.echo("Next: put search exports in corpus/ and run "
               "`review import corpus/FILE --source NAME --searched YYYY-MM-DD`")


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def status_command(state: State, as_json: bool) -> None:
    """Show where the review stands: sources, records, works, decisions, what is next.

    Example:

    \b
        # in the bundled example
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
