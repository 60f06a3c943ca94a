"""``review criteria``: the protocol's eligibility criteria, grouped by domain."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.screening.criteria import format_criteria, load_criteria, workspace_criteria


@click.command("criteria")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Check and print this criteria file instead of protocols/criteria.yaml.")
@pass_state
def criteria_command(state: State, as_json: bool, path: Path | None) -> None:
    """Print the inclusion and exclusion criteria, grouped by domain, with their ids.

    Reads protocols/criteria.yaml. Exclusion reasons in screening decisions are these
    ids; their order is the hierarchy used when a report fails several criteria. A
    malformed file stops with FILE:LINE, the key, and exit status 2.

    Example:

    \b
        # in the bundled example
        review criteria
        review criteria --json | jq '.exclusion_order'
        review criteria --file draft-criteria.yaml
    """
    criteria = load_criteria(path) if path else workspace_criteria(state.workspace())
    if as_json:
        click.echo(json.dumps(criteria.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_criteria(criteria))


def register(group: click.Group) -> None:
    group.add_command(criteria_command)
