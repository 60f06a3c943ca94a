"""``review studies``: included reports grouped into studies, with their characteristics."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.studies import (
    export_studies,
    format_overview,
    format_study,
    import_studies,
    show_study,
    studies_overview,
    workspace_protocol,
)
from review.workspace import Workspace, current_actor


def _rpw(workspace: Workspace) -> int:
    return int(workspace.setting("screening", "reviewers_per_work", 1) or 1)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group("studies", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@click.pass_context
def studies_group(ctx: click.Context, as_json: bool) -> None:
    """List the studies (the protocol's unit, e.g. interventions) and their reports.

    Included reports are grouped into studies by a sheet (`review studies import`);
    protocols/studies.yaml names the unit and the characteristics each study records.
    Reports not yet grouped are listed last.

    Example:

    \b
        # in the bundled example
        review studies
        review studies --json | jq '.studies[] | {study, reports}'
        review studies show 6
    """
    if ctx.invoked_subcommand is not None:
        return
    workspace = ctx.find_object(State).workspace()
    protocol = workspace_protocol(workspace)
    with workspace.store().read() as conn:
        data = studies_overview(conn, protocol, reviewers_per_work=_rpw(workspace))
    if as_json:
        _echo_json(data)
    else:
        click.echo(format_overview(data, protocol))


@studies_group.command("show")
@click.argument("study")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def show_command(state: State, study: str, as_json: bool) -> None:
    """Show one study: label, characteristics and reports.

    STUDY is the study's id as the sheet writes it (`#6` and `6` both find study #6).

    Example:

    \b
        # in the bundled example
        review studies show 6
        review studies show '#6' --json
    """
    workspace = state.workspace()
    protocol = workspace_protocol(workspace)
    with workspace.store().read() as conn:
        data = show_study(conn, study, protocol, reviewers_per_work=_rpw(workspace))
    if as_json:
        _echo_json(data)
    else:
        click.echo(format_study(data, protocol))


@studies_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", help="Who is importing (default: $REVIEW_ACTOR or login name).")
@pass_state
def import_command(state: State, file: Path, actor: str | None) -> None:
    """Group included reports into studies from a sheet (CSV or XLSX).

    Columns: study, label, report (the work id), then one column per characteristic in
    protocols/studies.yaml. A study with several reports repeats its label and
    characteristics on each row. All or nothing: a bad row stops the import with
    FILE:LINE: column, exit status 2, and nothing is written. Importing the same sheet
    again changes nothing.

    Example:

    \b
        # in the bundled example
        review studies export --output studies.csv
        review studies import studies.csv
    """
    workspace = state.workspace()
    done = import_studies(workspace.store(), file, protocol=workspace_protocol(workspace),
                          actor=current_actor(actor), reviewers_per_work=_rpw(workspace))
    click.echo(f"{file.name}: {done.summary()}")


@studies_group.command("export")
@click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The sheet to write: CSV, or XLSX by extension.")
@pass_state
def export_command(state: State, output: Path) -> None:
    """Write the studies sheet: one row per report, every included report listed.

    Grouped reports come first, in study order; included reports not yet grouped follow
    with an empty study cell, so the exported sheet is also the template to fill in.

    Example:

    \b
        # in the bundled example
        review studies export --output extraction/studies.csv
        review studies export --output studies.xlsx
    """
    workspace = state.workspace()
    with workspace.store().read() as conn:
        count = export_studies(conn, output, protocol=workspace_protocol(workspace),
                               reviewers_per_work=_rpw(workspace))
    click.echo(f"Wrote {count} rows to {output}")


def register(group: click.Group) -> None:
    group.add_command(studies_group)
