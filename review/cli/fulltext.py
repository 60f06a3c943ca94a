"""``review fulltext``: reports sought, retrieved (with a file) or not retrieved (with a reason)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.screening.fulltext import (
    STATUSES,
    fulltext_counts,
    import_fulltext,
    mark_not_retrieved,
    mark_retrieved,
    mark_sought,
    report_states,
)
from review.screening.wording import count
from review.workspace import Workspace, current_actor


def _rpw(workspace: Workspace) -> int:
    return int(workspace.setting("screening", "reviewers_per_work", 1) or 1)


@click.group("fulltext")
def fulltext_group() -> None:
    """Full texts of the works that passed title-abstract screening.

    PRISMA 2020 reports how many reports were sought, how many were not retrieved, and
    how many were retrieved and assessed. Works included or "maybe" at title-abstract
    are eligible; each starts as pending.

    Example:

    \b
        # in the bundled example
        review fulltext sought --all
        review fulltext retrieved 12 --file reports/pdfs/smith2019.pdf
        review fulltext not-retrieved 70 --reason "thesis embargoed; author did not reply"
        review fulltext counts
    """


@fulltext_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only works in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def list_command(state: State, status: str | None, as_json: bool) -> None:
    """List eligible works with their full-text state, file or reason.

    Example:

    \b
        # in the bundled example
        review fulltext list --status pending
        review fulltext list --json | jq '.reports[] | select(.status == "retrieved")'
    """
    workspace = state.workspace()
    with workspace.store().read() as conn:
        states = report_states(conn, reviewers_per_work=_rpw(workspace), status=status)
    if as_json:
        click.echo(json.dumps({"reports": [s.to_dict() for s in states]}, indent=2, ensure_ascii=False))
        return
    if not states:
        click.echo("No works " + (f"with status {status}" if status else "eligible for full text yet"))
        return
    for item in states:
        detail = item.file or item.reason or ""
        flag = "" if item.eligible else "  [no longer included at title-abstract]"
        title = (item.title or "(no title)")[:70]
        click.echo(f"{item.work_id:>6}  {item.status:<13}  {title}"
                   + (f"  -> {detail}" if detail else "") + flag)


@fulltext_group.command("sought")
@click.argument("works", nargs=-1, type=int)
@click.option("--all", "all_pending", is_flag=True, help="Every eligible work still pending.")
@click.option("--note", help="A note kept with the state.")
@click.option("--actor", help="Who is recording it (default: $REVIEW_ACTOR or login name).")
@pass_state
def sought_command(state: State, works: tuple[int, ...], all_pending: bool, note: str | None,
                   actor: str | None) -> None:
    """Record that the full texts of WORKS (or of every pending work) are being sought.

    Example:

    \b
        # in the bundled example
        review fulltext sought 70 --note "asked the author again"
        review fulltext sought --all
    """
    if bool(works) == all_pending:
        raise click.UsageError("give WORK ids or --all (not both)")
    workspace = state.workspace()
    with workspace.store().transaction() as conn:
        changed = mark_sought(conn, None if all_pending else list(works), actor=current_actor(actor),
                              reviewers_per_work=_rpw(workspace), note=note)
    click.echo(f"Marked {count(len(changed), 'report')} as sought")


@fulltext_group.command("retrieved")
@click.argument("work", type=int)
@click.option("--file", "file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The report's file (stored relative to the workspace when inside it).")
@click.option("--note", help="A note kept with the state.")
@click.option("--actor", help="Who is recording it (default: $REVIEW_ACTOR or login name).")
@pass_state
def retrieved_command(state: State, work: int, file: Path, note: str | None, actor: str | None) -> None:
    """Record that WORK's full text was retrieved, and where the file is.

    Example:

    \b
        # in the bundled example
        review fulltext retrieved 12 --file reports/pdfs/smith2019.pdf
    """
    workspace = state.workspace()
    with workspace.store().transaction() as conn:
        changed = mark_retrieved(conn, work, file=file, actor=current_actor(actor), root=workspace.root,
                                 reviewers_per_work=_rpw(workspace), note=note)
    click.echo(f"Work {work}: retrieved" if changed else f"Work {work}: already recorded; nothing to do")


@fulltext_group.command("not-retrieved")
@click.argument("work", type=int)
@click.option("--reason", required=True, help="Why the report could not be retrieved.")
@click.option("--note", help="A note kept with the state.")
@click.option("--actor", help="Who is recording it (default: $REVIEW_ACTOR or login name).")
@pass_state
def not_retrieved_command(state: State, work: int, reason: str, note: str | None,
                          actor: str | None) -> None:
    """Record that WORK's full text could not be retrieved, and why.

    Example:

    \b
        # in the bundled example
        review fulltext not-retrieved 70 --reason "conference abstract only; no full report"
    """
    workspace = state.workspace()
    with workspace.store().transaction() as conn:
        changed = mark_not_retrieved(conn, work, reason=reason, actor=current_actor(actor),
                                     reviewers_per_work=_rpw(workspace), note=note)
    click.echo(f"Work {work}: not retrieved" if changed else f"Work {work}: already recorded; nothing to do")


@fulltext_group.command("counts")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def counts_command(state: State, as_json: bool) -> None:
    """Print the PRISMA 2020 report counts: sought, not retrieved, retrieved.

    Example:

    \b
        # in the bundled example
        review fulltext counts
        review fulltext counts --json | jq .not_retrieved
    """
    workspace = state.workspace()
    with workspace.store().read() as conn:
        counts = fulltext_counts(conn, reviewers_per_work=_rpw(workspace))
    if as_json:
        click.echo(json.dumps(counts, indent=2))
        return
    click.echo(f"Reports sought for retrieval: {counts['sought']}"
               f" ({counts['awaiting']} still awaited)")
    click.echo(f"Reports not retrieved:        {counts['not_retrieved']}")
    click.echo(f"Reports retrieved:            {counts['retrieved']}")
    click.echo(f"Eligible, not yet sought:     {counts['pending']} of {counts['eligible']}")
    if counts["no_longer_eligible"]:
        click.echo(f"Recorded but no longer included at title-abstract: {counts['no_longer_eligible']}")


@fulltext_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", help="Who is recording it (default: $REVIEW_ACTOR or login name).")
@pass_state
def import_command(state: State, file: Path, actor: str | None) -> None:
    """Apply a CSV with columns work_id,status,file,reason (and optionally note).

    A row names its work by work_id, or by doi, pmid, title and source_ids (matched
    as `review screen import` matches them: exact, every identifier must agree), so
    the file does not depend on work ids. status is sought, retrieved (file needed,
    relative to the workspace) or not-retrieved (reason needed). All or nothing: a
    bad or unmatched row stops it with FILE:LINE and exit status 2, and nothing is
    written. Rows already recorded change nothing.

    Example:

    \b
        # in the bundled example
        review fulltext import extraction/screening/fulltext.csv
        review fulltext import extraction/screening/fulltext.csv   # doi,title,status,...
    """
    workspace = state.workspace()
    result = import_fulltext(workspace.store(), file, actor=current_actor(actor), root=workspace.root,
                             reviewers_per_work=_rpw(workspace))
    click.echo(f"{file}: {count(result.rows, 'row')}, {result.changed} recorded, {result.unchanged} unchanged")


def register(group: click.Group) -> None:
    group.add_command(fulltext_group)
