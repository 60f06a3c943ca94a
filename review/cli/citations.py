"""``review citations``: backward citation searching of the included reports' full texts."""

from __future__ import annotations

import json

import click

from review.citations.chase import citations_chase
from review.cli.context import State, pass_state
from review.workspace import current_actor


@click.group("citations")
def citations_group() -> None:
    """Citation searching: the reference lists of the included reports.

    Forward citations (who cites the included reports) need an online index: export the
    "cited by" list from Scopus or Web of Science and import it as a citation source.

    Example:

    \b
        # in the bundled example
        review import wos-1001-2000.txt --source "WoS cited by" --kind citation --searched 2026-03-01
    """


@citations_group.command("chase")
@click.argument("works", nargs=-1, type=int)
@click.option("--searched", help="Date searched (default: today), YYYY-MM-DD.")
@click.option("--actor", help="Who runs it (default: $REVIEW_ACTOR or the login name).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def chase_cmd(state: State, works: tuple[int, ...], searched: str | None, actor: str | None,
              as_json: bool) -> None:
    """Read the reference lists of included reports' full texts (WORK ids; all by default)
    and import the references as one source of kind `citation`.

    Full texts are read as text, Markdown, PDF, Word or HTML. Each reference is parsed into
    authors, year, title, journal, volume, issue, pages and DOI (Vancouver, APA, Harvard;
    numbered or not); a field that cannot be read stays empty, and a reference that cannot
    be read is listed with its line and not imported. The RIS file written is kept under
    citations/. Run `review dedup` next: references already in the review are matched.

    Exit status 2, nothing written, when a WORK is not an included report or no reference
    could be read.

    Example:

    \b
        # in the bundled example
        review fulltext retrieved 72 --file fulltexts/mind2019.md
        review citations chase 72
    """
    result = citations_chase(state.workspace(), list(works), actor=current_actor(actor), today=searched)
    if as_json:
        click.echo(json.dumps({"source": result.source, "file": str(result.file), "records": result.records,
                               "reports": [r.as_dict() for r in result.reports]}, indent=2))
        return
    for report in result.reports:
        state_text = report.problem or (f"{report.found} references found, {len(report.parsed)} parsed, "
                                        f"{len(report.unparsed)} not read")
        click.echo(f"report {report.work_id} ({report.file or 'no full text'}): {state_text}")
    for report in result.reports:
        for line in report.lines():
            click.echo(line, err=True)
    if result.file is None:
        click.echo(f"These references were imported before, as source {result.source!r}: nothing to do.")
        return
    click.echo(f"Imported {result.records} references as source {result.source!r} (kind citation, file "
               f"{result.file}). Next: review dedup")


def register(main: click.Group) -> None:
    main.add_command(citations_group)
