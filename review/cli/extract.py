"""``review extract``: evidence fragments coded as C-M-O, their quotes checked against full texts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.extraction.model import DIRECTIONS, EVIDENCE, LEVELS
from review.workspace import Workspace, current_actor


def _rpw(workspace: Workspace) -> int:
    return int(workspace.setting("screening", "reviewers_per_work", 1) or 1)


def _coders(workspace: Workspace) -> list[str]:
    return [str(c) for c in workspace.setting("extraction", "coders", []) or []]


@click.group("extract")
def extract_group() -> None:
    """Evidence fragments: verbatim passages coded as context, mechanism and outcome.

    Each fragment quotes an included report, is checked against the report's full text
    (or the `text` it was taken from), and links to programme theories as supporting,
    refuting or refining them.

    Example:

    \b
        # in the bundled example
        review extract import extraction/fragments.csv
        review extract list --report 24
        review extract export --output fragments.xlsx
        review extract check
    """


@extract_group.command("add")
@click.option("--report", required=True, help="The report's work id (an included report).")
@click.option("--quote", required=True, help="The verbatim passage.")
@click.option("--location", help="Where it is: 'p. 4', 'Results, paragraph 2', ...")
@click.option("--context", help="C: the context the passage shows.")
@click.option("--resource", "--mechanism-resource", "mechanism_resource", help="M: the resource offered.")
@click.option("--reasoning", "--mechanism-reasoning", "mechanism_reasoning",
              help="M: the reasoning or reaction it triggers.")
@click.option("--outcome", help="O: the outcome.")
@click.option("--theory", "--theories", "theories", multiple=True, metavar="ID[:DIRECTION]",
              help=f"A theory the fragment bears on; DIRECTION is {', '.join(DIRECTIONS)} (default supports).")
@click.option("--relevance", type=click.Choice(LEVELS, case_sensitive=False), help="How relevant to the theory.")
@click.option("--relevance-note", help="Why.")
@click.option("--rigour", type=click.Choice(LEVELS, case_sensitive=False), help="How trustworthy the passage is.")
@click.option("--rigour-note", help="Why.")
@click.option("--coder", help="Who coded it (default: the actor).")
@click.option("--evidence", type=click.Choice(EVIDENCE), help="primary, or secondary (quoted from another text).")
@click.option("--text", help="The file the quote is in, when it is not the report's full text.")
@click.option("--note", help="A note.")
@click.option("--allow-unverified", is_flag=True, help="Keep a quote not found in the text (verified = no).")
@click.option("--actor", help="Who is recording it (default: $REVIEW_ACTOR or login name).")
@pass_state
def add_command(state: State, report: str, quote: str, theories: tuple[str, ...], allow_unverified: bool,
                actor: str | None, **cells: str | None) -> None:
    """Record one fragment of an included report.

    Example:

    \b
        # in the bundled example
        review extract add --report 24 --quote "Group support might create the opportunity for new friendships" \\
            --text extraction/texts/mcleish2023-results-discussion.md --evidence secondary --location "Discussion" \\
            --context "socially isolated mothers" --resource "a peer support group" --outcome "new friendships" \\
            --theory P22 --relevance moderate --coder JM
    """
    from review.extraction.commands import add_fragment

    workspace = state.workspace()
    who = current_actor(actor)
    raw = {**cells, "report": report, "quote": quote, "theories": ";".join(theories)}
    fragment_id, action, verified = add_fragment(workspace.store(), raw, root=workspace.root, actor=who,
                                       allow_unverified=allow_unverified, coders=_coders(workspace),
                                       reviewers_per_work=_rpw(workspace))
    click.echo(f"Fragment {fragment_id}: {action} ({verified})")


@extract_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--allow-unverified", is_flag=True,
              help="Keep quotes not found in their full text, marked verified = no.")
@click.option("--map", "maps", multiple=True, metavar="SOURCE=REPORT",
              help=".qdpx: the project's source SOURCE is the included report REPORT (work id); "
                   "repeatable, or a two-column sheet (source, report).")
@click.option("--coder-map", "coder_maps", multiple=True, metavar="USER=REVIEWER",
              help=".qdpx: the project's user USER is the reviewer REVIEWER; repeatable, or a two-column sheet.")
@click.option("--actor", help="Who is importing (default: $REVIEW_ACTOR or login name).")
@pass_state
def import_command(state: State, file: Path, allow_unverified: bool, maps: tuple[str, ...],
                   coder_maps: tuple[str, ...], actor: str | None) -> None:
    """Import fragments from a sheet (CSV or XLSX) or a REFI-QDA project (.qdpx).

    All or nothing: every row is checked (report, quote found in the full text, theories,
    levels) before anything is written. A row without fragment_id that matches a fragment
    of the same report, quote, location and coder is that fragment. A project's sources
    that match no included report are all listed, each with how to --map it, e.g.
    `--map "videos_10_selected=12" --coder-map "Jane Doe=JM"` (docs/moving-in-and-out.md).

    Example:

    \b
        # in the bundled example
        review extract import extraction/fragments.csv
        review extract import coded-in-nvivo.qdpx --allow-unverified --coder-map "JM=JM"
    """
    from review.extraction.sheet import SheetError, import_fragments

    workspace = state.workspace()
    options = dict(root=workspace.root, actor=current_actor(actor), allow_unverified=allow_unverified,
                   coders=_coders(workspace), reviewers_per_work=_rpw(workspace))
    try:
        if file.suffix.lower() in (".qdpx", ".qdc"):
            from review.extraction.qdpx import import_qdpx
            from review.extraction.qdpx_read import read_map

            result = import_qdpx(workspace.store(), file, source_map=read_map(maps, field="--map"),
                                 coder_map=read_map(coder_maps, field="--coder-map"), **options)
        else:
            result = import_fragments(workspace.store(), file, **options)
    except SheetError as exc:
        for problem in exc.problems[1:20]:
            click.echo(f"  {problem}", err=True)
        raise
    click.echo(result.summary())


@extract_group.command("export")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV or XLSX by extension; .qdpx (REFI-QDA project) or .qdc (codebook).")
@click.option("--report", type=int, help="Only this report's fragments (sheets).")
@pass_state
def export_command(state: State, output: Path, report: int | None) -> None:
    """Write every current fragment to a sheet, or the coding to a REFI-QDA project.

    Example:

    \b
        # in the bundled example
        review extract export --output fragments.csv
        review extract export --output fragments.xlsx
        review extract export --output coding.qdpx
    """
    workspace = state.workspace()
    if output.suffix.lower() in (".qdpx", ".qdc"):
        from review.extraction.qdpx import export_qdpx

        count = export_qdpx(workspace.store(), output, root=workspace.root, title=workspace.title,
                            reviewers_per_work=_rpw(workspace))
    else:
        from review.extraction.sheet import export_fragments

        count = export_fragments(workspace.store(), output, report=report, reviewers_per_work=_rpw(workspace))
    click.echo(f"Wrote {count} fragment(s) to {output}")


@extract_group.command("list")
@click.option("--report", type=int, help="Only this report's fragments.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def list_command(state: State, report: int | None, as_json: bool) -> None:
    """Show fragments by report, with each report's MMAT profile and C-M-O codes.

    Example:

    \b
        # in the bundled example
        review extract list
        review extract list --report 24 --json
    """
    from review.extraction.listing import format_listing, list_fragments

    workspace = state.workspace()
    with workspace.store().read() as conn:
        listing = list_fragments(conn, report=report, reviewers_per_work=_rpw(workspace))
    if as_json:
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
    else:
        click.echo(format_listing(listing))


@extract_group.command("delete")
@click.argument("fragments", nargs=-1, required=True, type=int)
@click.option("--reason", help="Why (kept in the audit trail).")
@click.option("--actor", help="Who is deleting (default: $REVIEW_ACTOR or login name).")
@pass_state
def delete_command(state: State, fragments: tuple[int, ...], reason: str | None, actor: str | None) -> None:
    """Delete fragments (they are kept, marked deleted, with who and when).

    Example:

    \b
        # in the bundled example
        review extract delete 12 13 --reason "duplicate of 11"
    """
    from review.extraction.commands import delete_fragments

    workspace = state.workspace()
    done = delete_fragments(workspace.store(), list(fragments), actor=current_actor(actor), reason=reason)
    click.echo(f"Deleted {len(done)} fragment(s)" + (f": {', '.join(map(str, done))}" if done else ""))


@extract_group.command("check")
@click.option("--dry-run", is_flag=True, help="List what changed without recording it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@click.option("--actor", help="Who is checking (default: $REVIEW_ACTOR or login name).")
@pass_state
def check_command(state: State, dry_run: bool, as_json: bool, actor: str | None) -> None:
    """Re-verify every quote against its text (say, after a full text was replaced).

    Lists quotes that moved (new offsets), vanished (no longer found: now verified = no),
    became verified, or whose text cannot be read.

    Example:

    \b
        # in the bundled example
        review extract check
        review extract check --dry-run --json
    """
    from review.extraction.commands import check_fragments
    from review.set_aside import format_set_aside

    workspace = state.workspace()
    found = check_fragments(workspace.store(), root=workspace.root, actor=current_actor(actor),
                            dry_run=dry_run, reviewers_per_work=_rpw(workspace))
    if as_json:
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"Checked {found.checked} fragment(s): {found.unchanged} unchanged, {len(found.of('moved'))} "
               f"moved, {len(found.of('vanished'))} vanished, {len(found.of('verified'))} newly verified, "
               f"{found.still_unverified} still unverified, {found.no_text} without a text"
               + (" (dry run: nothing recorded)" if dry_run else ""))
    for item in found.items:
        click.echo(f"  fragment {item.fragment_id} (report {item.report}): {item.status}"
                   f"  {item.before[0]}-{item.before[1]} -> {item.after[0]}-{item.after[1]}"
                   f"  {item.text or ''}{'  ' + item.detail if item.detail else ''}")
    for line in format_set_aside(found.no_longer_included):
        click.echo(line)


@extract_group.command("agreement")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def agreement_command(state: State, as_json: bool) -> None:
    """Agreement between coders who coded the same reports: overlap and theory links.

    Fragments are aligned by character overlap in the same text; theory links are compared
    on the aligned fragments (Cohen's kappa, Krippendorff's alpha, percent agreement).

    Example:

    \b
        # in the bundled example
        review extract agreement
        review extract agreement --json
    """
    from review.extraction.agreement import coding_agreement, format_agreement

    workspace = state.workspace()
    with workspace.store().read() as conn:
        result = coding_agreement(conn)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_agreement(result))


def register(group: click.Group) -> None:
    group.add_command(extract_group)
