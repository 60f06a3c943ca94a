"""``review run``: the whole pipeline on the workspace, then the status."""

from __future__ import annotations

import click

from review.cli.context import State, pass_state
from review.pipeline import run
from review.status import collect_status, format_status


@click.command("run")
@click.option("--fresh", is_flag=True,
              help="Delete the SQLite database first and rebuild it from the workspace's files.")
@click.option("--actor", help="Who is running it (default: $REVIEW_ACTOR or login name).")
@click.option("--quiet", is_flag=True, help="Print only the final status.")
@pass_state
def run_command(state: State, fresh: bool, actor: str | None, quiet: bool) -> None:
    """Run every stage that has its inputs, render the reports, and show the status.

    At the repository root this runs the bundled worked example (the seed realist
    review): imports corpus/ as listed in corpus/sources.yaml, deduplicates, and so on.
    Every step is idempotent; run it again after adding files.

    Example:

    \b
        review run
        review -C my-review run --fresh
    """
    workspace = state.workspace()
    echo = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
    steps = run(workspace, actor=actor, fresh=fresh, progress=echo)
    if not quiet:
        for step in steps:
            click.echo(f"{step.name}: {step.summary}")
            for line in step.details:
                click.echo(f"  {line}")
        click.echo("")
    click.echo(format_status(collect_status(workspace)))


def register(group: click.Group) -> None:
    group.add_command(run_command)
