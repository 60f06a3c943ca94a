"""``review run``: the whole pipeline on the workspace, then the status."""

from __future__ import annotations

import click

from review.cli.context import State, pass_state
from review.errors import InputError, ReviewError
from review.status import collect_status, format_status
from review.steps import StepResult


@click.command("run")
@click.option("--fresh", is_flag=True,
              help="Empty the database first and rebuild it from the workspace's files; refuses "
                   "when that would lose work only the database holds.")
@click.option("--force", is_flag=True,
              help="With --fresh: rebuild even so, after writing a verified backup to backups/.")
@click.option("--actor", help="Who is running it (default: $REVIEW_ACTOR or login name).")
@click.option("--quiet", is_flag=True, help="Print only the final status.")
@pass_state
def run_command(state: State, fresh: bool, force: bool, actor: str | None, quiet: bool) -> None:
    """Run every stage that has its inputs, render the reports, and show the status.

    Says for each stage whether it ran, was skipped (and why: no inputs, nothing
    changed) or failed. A failing stage stops the run: the stages before it stay done,
    and the exit status is 2 for bad input (FILE:LINE: what is wrong), 1 otherwise.

    At the repository root this runs the bundled worked example (the seed realist
    review): imports corpus/ as listed in corpus/sources.yaml, deduplicates, and so on.
    Every step is idempotent; run it again after adding files.

    --fresh empties the database (SQLite or PostgreSQL) and rebuilds it from the files in
    corpus/, protocols/ and extraction/. It first rebuilds them into a scratch database
    and compares: if the database holds anything they would not bring back (decisions
    made interactively, verdicts, appraisals, fragments, imports from outside corpus/,
    edited source details), it refuses, with a count per kind and the commands that save
    each into the files. --force goes ahead after writing a backup to backups/, checked
    row by row, and prints its path.

    Example:

    \b
        # in the bundled example
        review run
        review run --fresh           # refuses if it would lose anything
        review run --fresh --force   # backs up to backups/ first, then rebuilds
    """
    from review.pipeline import run  # here: the stages import pandas, scikit-learn, ...

    if force and not fresh:
        raise click.UsageError("--force only goes with --fresh")
    workspace = state.workspace()
    echo = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
    steps = run(workspace, actor=actor, fresh=fresh, force=force, progress=echo)
    failed = next((step for step in steps if step.status == "failed"), None)
    if quiet and steps[0].name == "fresh" and steps[0].details:  # a backup was written: say where
        click.echo(steps[0].summary)
    if not quiet:
        click.echo(format_steps(steps))
        click.echo("")
    if failed is None or failed.name != "import":
        click.echo(format_status(collect_status(workspace)))
    if failed is not None:
        error = failed.error
        click.echo(f"Error: {error}", err=True)
        click.echo(f"The {failed.name} stage failed; the stages before it are done.", err=True)
        if not isinstance(error, ReviewError):
            raise error if error is not None else ReviewError(failed.summary)
        raise SystemExit(2 if isinstance(error, InputError) else 1)


def format_steps(steps: list[StepResult]) -> str:
    """One line per stage: ran, skipped (why) or failed (what), then its details."""
    lines = []
    for step in steps:
        lines.append(f"{step.status:<7}  {step.name}: {step.summary}")
        lines.extend(f"{'':<7}    {line}" for line in step.details)
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(run_command)
