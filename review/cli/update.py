"""``review update``: close this version of the review; later imports are the update."""

from __future__ import annotations

import json

import click

from review.cli.context import State, pass_state
from review.update import update_start
from review.versions import list_versions
from review.workspace import current_actor


@click.group("update", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
@click.pass_context
def update_group(ctx: click.Context, state: State, as_json: bool) -> None:
    """The versions of the review: the original, then each update (living reviews: many).

    Without a subcommand, lists the versions and what each carried over from the ones before.

    Example:

    \b
        # in the bundled example
        review update start "2026 update"
        review update --json
    """
    if ctx.invoked_subcommand is not None:
        return
    with state.workspace().store().read() as conn:
        versions = list_versions(conn)
    if as_json:
        click.echo(json.dumps({"versions": versions}, indent=2, ensure_ascii=False))
        return
    for version in versions:
        carried = ""
        if version["number"] > 1:
            carried = (f", started {version['started_at']} by {version['actor']}: previous versions included "
                       f"{version['previous_studies']} studies ({version['previous_reports']} reports)")
        click.echo(f"version {version['number']}: {version['label']}{carried}")


@update_group.command("start")
@click.argument("label")
@click.option("--actor", help="Who starts the update (default: $REVIEW_ACTOR or the login name).")
@pass_state
def start_cmd(state: State, label: str, actor: str | None) -> None:
    """Close the current version: its included studies and reports become the previous
    version's counts, and every import from now on belongs to the update.

    Refused (exit 2, nothing written) while the current version has unfinished work:
    records not deduplicated, screening or full-text decisions missing, conflicts,
    reports not yet retrieved. New exports are then deduplicated against everything
    before; a record of a work screened in an earlier version is counted as a duplicate
    removed before screening, and only new works enter the screening queues.
    `review report` draws PRISMA 2020's diagram for updated reviews.

    Example:

    \b
        # in the bundled example
        review update start "2026 update"
        review import wos-1001-2000.txt --source "Web of Science 2026" --searched 2026-03-01
        review sources
        review status
    """
    started = update_start(state.workspace(), label, actor=current_actor(actor))
    click.echo(f"Closed version {started.closed} ({started.closed_label}): {started.previous_studies} studies "
               f"included ({started.previous_reports} reports).")
    click.echo(f"Version {started.number} ({started.label}) is open: import this update's searches, "
               "then deduplicate and screen the new records.")


def register(main: click.Group) -> None:
    main.add_command(update_group)
