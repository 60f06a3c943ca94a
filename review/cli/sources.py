"""``review sources``: list the imported searches, correct one, or remove a wrong file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from review.cli.context import State, pass_state
from review.corpus.importer import SOURCE_KINDS
from review.corpus.sources import (
    RemovalPlan,
    edit_source,
    list_sources,
    removal_plan,
    remove_source,
)
from review.safeguard import verified_backup
from review.workspace import current_actor

#: How the rows that go with a source are named for people.
LABELS = {
    "dedup_pair_decisions": "duplicate-pair decisions (same/different)",
    "dedup_queue": "uncertain pairs waiting in `review dedup check`",
    "screening_decisions": "screening decisions",
    "fulltext_reports": "full-text retrieval entries",
}
_SHOWN_WORKS = 10


@click.group("sources", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
@click.pass_context
def sources_group(ctx: click.Context, state: State, as_json: bool) -> None:
    """List the imported searches: name, kind, date searched, records, file.

    Each imported file is one source. Correct a source's details with `review sources
    edit`, or take a wrong file out again with `review sources remove`.

    Example:

    \b
        # in the bundled example
        review sources
        review sources --json | jq '.sources[] | {name, searched}'
        review sources edit CINAHL --searched 2020-03-15
        review sources remove "Third sector organisations" --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    sources = list_sources(state.workspace().store())
    if as_json:
        click.echo(json.dumps({"sources": sources}, indent=2, ensure_ascii=False))
        return
    if not sources:
        click.echo("No sources yet: review import FILE --source NAME --searched DATE")
        return
    width = max(len(src["name"]) for src in sources)
    updated = any(src["version"] > 1 for src in sources)  # review update start: say each search's version
    for src in sources:
        hits = f", {src['hits_reported']} hits reported" if src["hits_reported"] is not None else ""
        version = f"v{src['version']}  " if updated else ""
        click.echo(f"#{src['id']:<3} {version}{src['name']:<{width}}  {src['records_read']:>6} records  "
                   f"{src['kind']:<12} searched {src['searched'] or '(no date)':<10}  "
                   f"{src['file_name']} ({src['format']}{hits})")
        if src["query"]:
            query = src["query"] if len(src["query"]) <= 100 else src["query"][:97] + "..."
            click.echo(f"     query: {query}")


@sources_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="New name for the source.")
@click.option("--searched", help="Date searched: YYYY-MM-DD, YYYY-MM or YYYY ('' clears it).")
@click.option("--query", help="The search string as run ('' clears it).")
@click.option("--query-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the search string from a file.")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), help="PRISMA 2020 kind of source.")
@click.option("--hits", "hits_reported", help="Number of hits the database reported ('' clears it).")
@click.option("--actor", help="Who is correcting it (default: $REVIEW_ACTOR or login name).")
@pass_state
def edit_command(state: State, name: str, new_name: str | None, searched: str | None, query: str | None,
                 query_file: Path | None, kind: str | None, hits_reported: str | None,
                 actor: str | None) -> None:
    """Correct a source's name, date searched, query, kind or hits reported.

    NAME is the source's name, its file name, or #ID from `review sources`. The old and
    new values are kept in the audit trail.

    Example:

    \b
        # in the bundled example
        review sources edit CINAHL --searched 2020-03-15 --hits 412
        review sources edit cinahl.ris --name "CINAHL (update)"
        review sources edit "#3" --query-file searches/psycinfo.txt --kind database
    """
    if query_file is not None:
        query = query_file.read_text(encoding="utf-8").strip()
    given = {"name": new_name, "searched": searched, "query": query, "kind": kind,
             "hits_reported": hits_reported}
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise click.UsageError("nothing to change: give --name, --searched, --query, --kind or --hits")
    diff = edit_source(state.workspace().store(), name, actor=current_actor(actor), changes=changes)
    if not diff:
        click.echo(f"Source {name!r} already has those values; nothing changed.")
        return
    for key, (old, new) in diff.items():
        click.echo(f"{key}: {_show(old)} -> {_show(new)}")
    row = next((src for src in list_sources(state.workspace().store())
                if src["name"] == diff.get("name", [None, name])[1] or src["file_name"] == name), None)
    listed = _planned(state, row) if row else None
    if listed and "sources.yaml" in listed:
        click.echo(f"Note: correct {listed} too, so that `review run --fresh` rebuilds it the same way.",
                   err=True)


def _show(value: Any) -> str:
    return "(none)" if value in (None, "") else repr(value) if isinstance(value, str) else str(value)


@sources_group.command("remove")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Only say what would go.")
@click.option("--actor", help="Who is removing it (default: $REVIEW_ACTOR or login name).")
@pass_state
def remove_command(state: State, name: str, yes: bool, dry_run: bool, actor: str | None) -> None:
    """Remove an imported source, with everything that exists only because of it.

    Says first exactly what would go: the source's records, the works that would lose
    their only record, and the decisions attached to those works (screening decisions,
    full-text entries, duplicate-pair decisions). Asks for confirmation unless --yes.
    Works that keep records from other sources stay, with their decisions; run `review
    dedup` afterwards and the works are as if the file had never been imported. The
    audit trail keeps the source and every deleted decision in full, and when decisions
    or other work a person entered would go, a verified backup of the database is written
    to backups/ first (its path is printed).

    NAME must name one source: when several share a name (parts of one search), give the
    file name or #ID from `review sources`.

    Example:

    \b
        # in the bundled example
        review sources remove "Third sector organisations" --dry-run
        review sources remove organisations.ris --yes
        review dedup
    """
    store = state.workspace().store()
    plan = removal_plan(store, name)
    click.echo(describe(plan))
    if dry_run:
        click.echo("Dry run: nothing was removed.")
        return
    if not yes and not click.confirm(f"Remove source {plan.source['name']!r}?", default=False):
        click.echo("Nothing removed.")
        return
    if plan.entered:
        saved = verified_backup(state.workspace(), reason="before-sources-remove")
        click.echo(f"Backed up the database to {saved} (checked: every row)")
    done = remove_source(store, name, actor=current_actor(actor))
    click.echo(f"Removed source {done.source['name']!r} and {done.records} records.")
    if done.works_kept:
        click.echo("Next: review dedup (regroups the records left in the works it shared)")
    listed = _planned(state, done.source)
    if listed:
        click.echo(f"Warning: {listed} still lists {done.source['file_name']}; take it out there too, "
                   "or `review run` imports it again.", err=True)


def _planned(state: State, source: dict[str, Any]) -> str | None:
    """Where `review run` would find this source's file again: corpus/sources.yaml or corpus/."""
    from review.pipeline import CORPUS_MANIFEST, corpus_plan

    workspace = state.workspace()
    try:
        plan = corpus_plan(workspace)
    except Exception:  # noqa: BLE001 - a broken sources.yaml is `review run`'s to report
        return None
    target = Path(str(source.get("path") or "")).resolve()
    for entry in plan:
        for candidate in (workspace.path(str(entry["file"])), workspace.path("corpus", str(entry["file"]))):
            if candidate.resolve() == target:
                manifest = workspace.path("corpus", CORPUS_MANIFEST)
                return f"corpus/{CORPUS_MANIFEST}" if manifest.is_file() else "corpus/"
    return None


def describe(plan: RemovalPlan) -> str:
    """The preview: what removing the source takes with it."""
    src = plan.source
    searched = f", searched {src['searched']}" if src["searched"] else ""
    lines = [f"Source {src['name']!r} (#{src['id']}, {src['file_name']}{searched}) would take with it:",
             f"  {plan.records} records"]
    works = plan.works_removed
    if works:
        lines.append(f"  {len(works)} works that have no record from another source:")
        for work in works[:_SHOWN_WORKS]:
            title = (work["title"] or "(no title)")[:90]
            lines.append(f"      work {work['id']}: {title}")
        if len(works) > _SHOWN_WORKS:
            lines.append(f"      ... and {len(works) - _SHOWN_WORKS} more")
    if plan.merged_works:
        lines.append(f"  {plan.merged_works} earlier works that dedup merged into those")
    for table, count in sorted(plan.rows.items()):
        if count:
            lines.append(f"  {count} {LABELS.get(table, table.replace('_', ' ') + ' rows')}")
    if plan.works_kept:
        lines.append(f"{plan.works_kept} works keep records from other sources, and their decisions.")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(sources_group)
