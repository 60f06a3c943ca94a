"""``review report``: the PRISMA 2020 flow diagram, the manuscript tables and the plots."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.errors import WorkspaceError
from review.reports import report
from review.reports.problems import PrismaIncomplete
from review.reports.render import ALL_FORMATS, WHAT


@click.command("report")
@click.argument("what", nargs=-1, type=click.Choice(WHAT))
@click.option("--format", "formats", metavar="LIST",
              help=f"Comma-separated formats (default: each output's own): {','.join(ALL_FORMATS)}.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: the workspace's reports/).")
@click.option("--draft", is_flag=True,
              help="Draw the flow diagram even while counts are open, marking them.")
@click.option("--from", "source", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Draw the flow diagram from a PRISMA2020 template CSV (review report prisma --from FILE).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@pass_state
def report_command(state: State, what: tuple[str, ...], formats: str | None, out: Path | None,
                   draft: bool, source: Path | None, quiet: bool) -> None:
    """Render the PRISMA 2020 flow diagram, tables and plots into reports/.

    WHAT is any of prisma, tables, plots (default: all three). Every number comes
    from the database; the flow diagram is drawn only when every count adds up
    and no stage is unfinished (each open count is listed with a coded message
    saying how to settle it; --draft draws it anyway with the open counts marked).
    While the flow diagram is refused, the tables and plots are written all the
    same, the summary lists what was written and each open problem, and the exit
    status is 1. Labels, hidden and added boxes: review.toml [reports.prisma]; templates:
    reports/templates/ (see docs/reports.md).

    Example:

    \b
        # in the bundled example
        review report
        review report prisma --draft
        review report tables --format md,docx --out manuscript/
        review report prisma --from PRISMA.csv --out figure/
    """
    try:
        workspace = state.workspace()
    except WorkspaceError:
        if source is None:
            raise
        workspace = None
    if source is not None and not what:
        what = ("prisma",)
    on_terminal = not quiet and sys.stderr.isatty()
    result = report(workspace, what=what or WHAT, formats=formats.split(",") if formats else None,
                    out=out, draft=draft, source=source,
                    progress=(lambda line: click.echo(line, err=True)) if on_terminal else None)
    if not quiet:
        base = out or (workspace.path("reports") if workspace else Path("."))
        if result.files or not result.refused:
            click.echo(f"Rendered {len(result.files)} files into {base}" + (":" if result.files else "."))
        for path in result.files:
            click.echo(f"  {path.name}")
        if result.draft:
            click.echo("The PRISMA flow diagram is a DRAFT: open counts are marked with *.")
        for note in result.notes:
            click.echo(f"Note: {note}")
    if result.refused:
        raise PrismaIncomplete(result.refused)


def register(group: click.Group) -> None:
    group.add_command(report_command)
