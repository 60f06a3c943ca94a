"""``review screen import`` and ``review screen export``: decisions made elsewhere, and ours."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from review.cli.context import State
from review.cli.screen_settings import ScreenSettings
from review.errors import InputError
from review.screening import exchange
from review.screening.decisions import STAGES
from review.screening.exchange_formats import COVIDENCE_LISTS
from review.screening.exchange_rayyan import export_rayyan
from review.screening.wording import count
from review.workspace import current_actor


def _parse_reason_map(items: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        text, sep, target = item.rpartition("=")
        if not sep or not text.strip() or not target.strip():
            raise InputError(f"expected TEXT=CRITERION_ID, got {item!r}", field="--reason-map")
        mapping[text.strip()] = target.strip()
    return mapping


def _stage(ctx: click.Context, stage: str | None) -> str | None:
    """The subcommand's --stage, else the one given to ``review screen``."""
    if stage is not None:
        return stage
    parent = ctx.parent.params if ctx.parent is not None else {}
    return parent.get("stage")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--stage", type=click.Choice(STAGES), help="Stage the decisions were made at.")
@click.option("--reviewer", required=True, help="Whose decisions they become here.")
@click.option("--format", "fmt", type=click.Choice(exchange.FORMATS), default="auto", show_default=True,
              help="ours (review screen export), rayyan or covidence; detected from the header.")
@click.option("--from-reviewer", help="The reviewer's name in the file (ours, Rayyan), if different.")
@click.option("--covidence-list", type=click.Choice(COVIDENCE_LISTS[1:]),
              help="Which Covidence list the file is, if its name does not say.")
@click.option("--reason-map", "reason_maps", multiple=True, metavar="TEXT=ID",
              help="Map an exclusion reason as written in the file to a criterion id.")
@click.option("--unmapped-reasons", type=click.Choice(exchange.UNMAPPED_CHOICES), default="error",
              show_default=True, help="'other': record unmapped reasons as other, with the text as note.")
@click.option("--skip-unmatched", is_flag=True,
              help="Import the rows that match a work; list the others instead of stopping.")
@click.option("--add-reviewer", is_flag=True,
              help="Add --reviewer to review.toml's reviewers (otherwise unknown names are refused).")
@click.option("--actor", help="Who is importing (default: $REVIEW_ACTOR or login name).")
@click.pass_context
def import_decisions(ctx: click.Context, file: Path, stage: str | None, reviewer: str, fmt: str,
                     from_reviewer: str | None, covidence_list: str | None,
                     reason_maps: tuple[str, ...], unmapped_reasons: str, skip_unmatched: bool,
                     add_reviewer: bool, actor: str | None) -> None:
    """Import screening decisions made elsewhere: our CSV export, Rayyan or Covidence.

    Rows are matched to works by record id, DOI, PMID or title (exact after removing case,
    accents and punctuation; never fuzzy); every identifier a row carries must agree on
    one work. Exclusion reasons must be criterion ids or texts, or be mapped with
    --reason-map. The import is all or nothing: any bad, unmatched or ambiguous row is
    listed with FILE:LINE and nothing is written (exit status 2). Importing the same
    file again changes nothing.

    Example:

    \b
        # in the bundled example
        review screen import articles.csv --stage title-abstract --reviewer SA \\
            --reason-map "wrong population=E-POP-2" --reason-map "background article=E-TYPE-1"
        review screen import review_1234_excluded_csv_20240301.csv --stage full-text \\
            --reviewer SA --unmapped-reasons other
        review screen import decisions.csv --stage title-abstract --reviewer SA
    """
    stage = _stage(ctx, stage)
    if stage is None:
        raise click.UsageError("--stage is needed (title-abstract or full-text)")
    settings = ScreenSettings(ctx.find_object(State))
    try:
        reviewer = settings.reviewer(reviewer, add=add_reviewer)
    except InputError as exc:
        raise InputError(exc.message, path=file, field=exc.field) from exc
    try:
        report = exchange.import_decisions(
            settings.store, file, stage=stage, reviewer=reviewer, fmt=fmt, from_reviewer=from_reviewer,
            covidence_list=covidence_list, reason_map=_parse_reason_map(reason_maps),
            unmapped_reasons=unmapped_reasons, skip_unmatched=skip_unmatched, criteria=settings.criteria,
            reviewers=settings.reviewers or None, reviewers_per_work=settings.reviewers_per_work,
            actor=current_actor(actor),
        )
    except exchange.ExchangeError as exc:
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise InputError(f"{count(len(exc.problems), 'row')} cannot be imported (listed above); nothing was "
                         "written", path=file) from exc
    settings.save_reviewers()
    who = f" (as {report.from_reviewer!r} in the file)" if report.from_reviewer not in (None, reviewer) else ""
    click.echo(f"{file}: {count(report.rows, 'row')} ({report.format}); {count(report.recorded, 'decision')} recorded for "
               f"{reviewer}{who} at {stage}, {report.unchanged} already recorded")
    for why, skipped in sorted(report.skipped.items()):
        click.echo(f"  skipped {skipped}: {why}")
    if report.unmatched:
        click.echo(f"  not imported: {count(len(report.unmatched), 'unmatched row')}", err=True)
        for problem in report.unmatched:
            click.echo(f"    {problem}", err=True)


@click.command("export")
@click.option("--stage", type=click.Choice(STAGES), help="Only this stage (default: both; rayyan needs one).")
@click.option("--format", "fmt", type=click.Choice(("ours", "rayyan")), default="ours", show_default=True,
              help="ours: one row per decision; rayyan: one row per work, Rayyan's CSV columns.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write ('-' for standard output).")
@click.pass_context
def export_decisions(ctx: click.Context, stage: str | None, fmt: str, output: Path) -> None:
    """Export every current decision: all reviewers, resolutions, reasons and notes.

    One row per decision (tidy CSV): decision_id, stage, work_id, reviewer, kind
    (decision or resolution), decision, reason (criterion id), reason_text, note, origin,
    created_at, record_ids, source_ids, title, doi, year. `review screen import` reads it
    back (--format ours).

    --format rayyan writes one row per work screened at --stage, in the columns of Rayyan's
    CSV export (key, title, year, ..., authors, ..., abstract, notes, doi, keywords,
    pubmed_id, pmc_id), each reviewer's decision in the notes as Rayyan writes them
    (RAYYAN-INCLUSION: {"SA"=>"Included"} | RAYYAN-EXCLUSION-REASONS: ... | USER-NOTES: ...).
    Upload it to Rayyan, or read it back with `review screen import --format rayyan`.

    Example:

    \b
        # in the bundled example
        review screen export --output extraction/decisions.csv
        review screen export --stage full-text -o - | csvlook
        review screen export --stage title-abstract --format rayyan -o to-rayyan.csv
    """
    stage = _stage(ctx, stage)
    settings = ScreenSettings(ctx.find_object(State))

    def write(target: Path) -> int:
        if fmt == "rayyan":
            return export_rayyan(settings.store, target, stage=stage, criteria=settings.criteria)
        return exchange.export_decisions(settings.store, target, stage=stage, criteria=settings.criteria)

    if str(output) == "-":
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "decisions.csv"
            write(target)
            sys.stdout.write(target.read_text(encoding="utf-8"))
        return
    written = write(output)
    what = count(written, "work") if fmt == "rayyan" else count(written, "decision")
    click.echo(f"Wrote {what} to {output}", err=True)
