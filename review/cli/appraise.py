"""``review appraise``: quality appraisal (MMAT 2018) per included report.

``review appraise REPORT --reviewer NAME`` runs the interactive walk (``appraise walk``);
the subcommands record, import, export, list, resolve and plot.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.appraisal.agreement import (
    appraise_agreement,
    appraise_conflicts,
    appraise_record,
    appraise_resolve,
)
from review.appraisal.robvis import export_robvis, import_robvis
from review.appraisal.settings import AppraisalSettings
from review.appraisal.sheet import export_sheet, import_sheet
from review.appraisal.table import appraisal_table
from review.appraisal.text import render_agreement, render_conflicts, render_table
from review.cli.context import State, pass_state
from review.screening.decisions import check_reviewer
from review.workspace import current_actor


class AppraiseGroup(click.Group):
    """A group where ``appraise REPORT ...`` means ``appraise walk REPORT ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        named = any(a in self.commands for a in args)
        if args and not named and not any(a in ("-h", "--help") for a in args):
            args = ["walk", *args]  # `appraise REPORT --reviewer NAME`, options in any order
        return super().parse_args(ctx, args)


def _settings(state: State) -> AppraisalSettings:
    return AppraisalSettings.of(state.workspace())


@click.group("appraise", cls=AppraiseGroup)
def appraise_group() -> None:
    """Appraise included reports with MMAT 2018 (or a workspace instrument).

    `review appraise REPORT --reviewer NAME` walks one report's questions interactively.

    Example:

    \b
        # in the bundled example
        review appraise 24 --reviewer JM
        review appraise export --template --output appraisals.xlsx
        review appraise import appraisals.xlsx
        review appraise table
    """


@appraise_group.command("walk")
@click.argument("report", type=int)
@click.option("--reviewer", required=True, help="Who is appraising (review.toml reviewers).")
@pass_state
def walk_command(state: State, report: int, reviewer: str) -> None:
    """Walk one report's questions, one key per answer; resumable.

    Shows each question with its guidance; y = yes, n = no, c = can't tell, m = comment first,
    b = back, s = skip, q = quit. Every answer is saved at once; your co-appraiser's answers
    stay hidden.

    Example:

    \b
        # in the bundled example
        review appraise 24 --reviewer JM
        review appraise walk 24 --reviewer SA
    """
    from review.cli.appraise_walk import run_walk

    settings = _settings(state)
    name = check_reviewer(reviewer, settings.reviewers or None)
    run_walk(state.workspace().store(), settings, report, name, current_actor(None))


@appraise_group.command("record")
@click.argument("report", type=int)
@click.argument("item")
@click.argument("answer")
@click.option("--reviewer", required=True, help="Who is appraising.")
@click.option("--comment", default=None, help="Why (required for not-applicable).")
@click.option("--subcategories", default=None, help="Mixed methods: the other categories rated, e.g. 1,2.")
@pass_state
def record_command(state: State, report: int, item: str, answer: str, reviewer: str, comment: str | None,
                   subcategories: str | None) -> None:
    """Record one answer, or a report's design category (ITEM = category).

    Example:

    \b
        # in the bundled example
        review appraise record 24 category 1 --reviewer JM
        review appraise record 24 1.1 yes --reviewer JM --comment "interviews, thematic analysis"
        review appraise record 31 category 5 --subcategories 1,2 --reviewer JM
        review appraise record 40 category not-applicable --comment "programme description" --reviewer JM
    """
    settings = _settings(state)
    name = check_reviewer(reviewer, settings.reviewers or None)
    changed = appraise_record(state.workspace().store(), report, item, answer, reviewer=name,
                              actor=current_actor(name), comment=comment, subcategories=subcategories,
                              instrument=settings.instrument)
    click.echo(f"report {report} {item}: {answer} ({'recorded' if changed else 'unchanged'})")


@appraise_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reviewer", default=None, help="Reviewer for rows whose reviewer cell is blank.")
@pass_state
def import_command(state: State, file: Path, reviewer: str | None) -> None:
    """Load an appraisal sheet (CSV or XLSX), all or nothing.

    Example:

    \b
        # in the bundled example
        review appraise import extraction/appraisals.csv
        review appraise import jm.xlsx --reviewer JM
    """
    settings = _settings(state)
    workspace = state.workspace()
    summary = import_sheet(workspace.store(), file, actor=current_actor(reviewer), reviewers=settings.reviewers,
                           default_reviewer=reviewer, root=workspace.root)
    click.echo(f"{file}: {summary.describe()}")


@appraise_group.command("export")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV, or XLSX (with drop-down lists) when the name ends in .xlsx.")
@click.option("--template", is_flag=True, help="Blank answers, for reviewers to fill in.")
@click.option("--reviewer", "reviewers", multiple=True, help="Only this reviewer's rows (repeatable).")
@pass_state
def export_command(state: State, output: Path, template: bool, reviewers: tuple[str, ...]) -> None:
    """Write the appraisal sheet: one row per question per reviewer.

    Example:

    \b
        # in the bundled example
        review appraise export --template --reviewer JM --output jm.xlsx
        review appraise export --output extraction/appraisals.csv
    """
    settings = _settings(state)
    names = [check_reviewer(r, settings.reviewers or None) for r in reviewers]
    rows = export_sheet(state.workspace().store(), output, template=template, reviewers=names,
                        configured=settings.reviewers, instrument=settings.instrument,
                        reviewers_per_report=settings.reviewers_per_report)
    click.echo(f"{output}: {rows} rows")


@appraise_group.command("table")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--comments", is_flag=True, help="List the comments under the table.")
@pass_state
def table_command(state: State, as_json: bool, comments: bool) -> None:
    """Reports as rows, criteria as columns (✓ ✗ ? n/a), by design category.

    Example:

    \b
        # in the bundled example
        review appraise table
        review appraise table --json > mmat.json
    """
    settings = _settings(state)
    with state.workspace().store().read() as conn:
        table = appraisal_table(conn, instrument=settings.instrument,
                                reviewers_per_report=settings.reviewers_per_report)
    click.echo(json.dumps(table, ensure_ascii=False, indent=2) if as_json else render_table(table, comments=comments))


@appraise_group.command("conflicts")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def conflicts_command(state: State, as_json: bool) -> None:
    """List item-level disagreements between appraisers not yet resolved.

    Example:

    \b
        # in the bundled example
        review appraise conflicts
    """
    settings = _settings(state)
    with state.workspace().store().read() as conn:
        found = appraise_conflicts(conn, instrument=settings.instrument,
                                   reviewers_per_report=settings.reviewers_per_report)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else render_conflicts(found))


@appraise_group.command("resolve")
@click.argument("report", type=int)
@click.argument("item")
@click.argument("answer")
@click.option("--reviewer", required=True, help="Who settled it.")
@click.option("--comment", default=None, help="Why (required for not-applicable).")
@click.option("--subcategories", default=None, help="Mixed methods: the other categories rated, e.g. 1,2.")
@pass_state
def resolve_command(state: State, report: int, item: str, answer: str, reviewer: str, comment: str | None,
                    subcategories: str | None) -> None:
    """Record the agreed answer (or design category) and who settled it.

    Example:

    \b
        # in the bundled example
        review appraise resolve 24 1.3 cant-tell --reviewer JM --comment "discussed"
        review appraise resolve 31 category 5 --subcategories 1,3 --reviewer SA
    """
    settings = _settings(state)
    name = check_reviewer(reviewer, settings.reviewers or None)
    changed = appraise_resolve(state.workspace().store(), report, item, answer, reviewer=name,
                               actor=current_actor(name), comment=comment, subcategories=subcategories,
                               instrument=settings.instrument)
    click.echo(f"report {report} {item}: {answer} agreed ({'recorded' if changed else 'unchanged'})")


@appraise_group.command("agreement")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_state
def agreement_command(state: State, as_json: bool) -> None:
    """Percent agreement and Cohen's kappa over items, per pair of appraisers.

    Example:

    \b
        # in the bundled example
        review appraise agreement
        review appraise agreement --json
    """
    with state.workspace().store().read() as conn:
        result = appraise_agreement(conn)
    click.echo(json.dumps(result, indent=2) if as_json else render_agreement(result))


@appraise_group.command("plot")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory (default: reports/).")
@click.option("--format", "formats", default="svg,png", show_default=True, help="svg, png or both.")
@pass_state
def plot_command(state: State, out: Path | None, formats: str) -> None:
    """Draw plot-mmat-traffic-light and plot-mmat-summary.

    Example:

    \b
        # in the bundled example
        review appraise plot --format png --out figures
    """
    from review.appraisal.plots import plot_summary, plot_traffic_light

    settings = _settings(state)
    workspace = state.workspace()
    folder = out or workspace.path("reports")
    with workspace.store().read() as conn:
        table = appraisal_table(conn, instrument=settings.instrument,
                                reviewers_per_report=settings.reviewers_per_report)
    for suffix in [f.strip().lstrip(".") for f in formats.split(",") if f.strip()]:
        if suffix not in ("svg", "png"):
            raise click.BadParameter(f"{suffix!r}: use svg or png", param_hint="--format")
        for name, draw in (("traffic-light", plot_traffic_light), ("summary", plot_summary)):
            click.echo(draw(table, folder / f"plot-mmat-{name}.{suffix}"))


@appraise_group.command("robvis-export")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV; one file per category (NAME-1.csv ...) unless --category is given.")
@click.option("--category", default=None, help="Only this category, into --output itself.")
@click.option("--overall", is_flag=True, help="Add an Overall column (No information: MMAT has no overall "
              "score); draw with robvis's overall = TRUE.")
@pass_state
def robvis_export_command(state: State, output: Path, category: str | None, overall: bool) -> None:
    """Write the agreed answers in robvis's layout (Study, R-safe domain names, Weight).

    Draw a file in R with `rob_traffic_light(read.csv("robvis-1.csv"), tool = "Generic",
    overall = FALSE)` (docs/appraisal.md lists the domain names).

    Example:

    \b
        # in the bundled example
        review appraise robvis-export --output robvis.csv
    """
    settings = _settings(state)
    for path in export_robvis(state.workspace().store(), output, settings.instrument, category=category,
                              reviewers_per_report=settings.reviewers_per_report, overall=overall):
        click.echo(path)


@appraise_group.command("robvis-import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reviewer", required=True, help="Whose judgements these are.")
@click.option("--category", default=None, help="The design category (needed when domains are D1, D2 ...).")
@pass_state
def robvis_import_command(state: State, file: Path, reviewer: str, category: str | None) -> None:
    """Load a robvis-layout file (Study, one column per domain, Overall, Weight).

    Example:

    \b
        # in the bundled example
        review appraise robvis-import rct.csv --category 2 --reviewer JM
    """
    settings = _settings(state)
    workspace = state.workspace()
    name = check_reviewer(reviewer, settings.reviewers or None)
    summary = import_robvis(workspace.store(), file, settings.instrument, reviewer=name, actor=current_actor(name),
                            category=category, reviewers=settings.reviewers, root=workspace.root)
    click.echo(f"{file}: {len(summary.reports)} reports: {summary.recorded} recorded, {summary.unchanged} unchanged")


def register(group: click.Group) -> None:
    group.add_command(appraise_group)
