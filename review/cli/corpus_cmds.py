"""``review import`` and ``review export records``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.corpus import export_records, import_files
from review.corpus.dates import missing_date_warning
from review.corpus.exporter import EXPORT_FORMATS, Selection
from review.corpus.importer import SOURCE_KINDS
from review.errors import InputError
from review.workspace import current_actor

FORMAT_CHOICES = ["auto", "ris", "medline", "pubmed-xml", "ovid", "bibtex", "csv", "wos", "endnote-xml",
                  "endnote-tagged", "xlsx"]


def _parse_mapping(items: tuple[str, ...]) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        if not sep or not column or not target:
            raise InputError(f"expected COLUMN=FIELD, got {item!r}", field="--map")
        mapping[column] = target
    return mapping or None


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", help="Name of the database or method, e.g. CINAHL (default: file name).")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="auto", show_default=True,
              help="Export format; detected from the content by default.")
@click.option("--searched", help="Date the search was run: YYYY-MM-DD, YYYY-MM or YYYY (also 15 March 2024).")
@click.option("--query", help="The search string as run.")
@click.option("--query-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the search string from a file.")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="database", show_default=True,
              help="PRISMA 2020 kind of source.")
@click.option("--hits", "hits_reported", type=int, help="Number of hits the database reported.")
@click.option("--encoding", help="Force a text encoding (default: detected; cp1252 fallback warns).")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help="For CSV and XLSX: map a column to a field (title, authors, year, journal, doi, source_id, ...).")
@click.option("--same-search", is_flag=True,
              help="The files are more parts of the search already imported under --source NAME "
                   "(an export split into several files); without it a name already taken is refused.")
@click.option("--actor", help="Who is importing (default: $REVIEW_ACTOR or login name).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@pass_state
def import_command(state: State, files: tuple[Path, ...], source: str | None, fmt: str,
                   searched: str | None, query: str | None, query_file: Path | None, kind: str,
                   hits_reported: int | None, encoding: str | None, maps: tuple[str, ...],
                   same_search: bool, actor: str | None, quiet: bool) -> None:
    """Import search exports (RIS, MEDLINE, PubMed XML, Ovid, BibTeX, CSV, XLSX, WoS, EndNote XML).

    Each file becomes one source. The import is all or nothing: a malformed record stops
    it with FILE:LINE and exit status 2, and the database is unchanged. A line a person
    reads unambiguously (a tag run into its value) imports with a warning naming it.
    Importing the same file again does nothing. A source name names one search: a name
    an earlier import took is refused (exit status 2) unless --same-search says the file
    is another part of that search; the files of one command share their name.

    Example:

    \b
        # in the bundled example
        review import corpus/cinahl.ris --source CINAHL --searched 2020-03-15 \\
            --query "peer support AND perinatal" --kind database
        review import other.csv --map "Article Title=title" --map "Authors=authors"
        review import embase.xlsx --source Embase --searched 2024-05-01
        review import wos-1001-2000.txt --source "Web of Science" --same-search
    """
    if query_file:
        query = query_file.read_text(encoding="utf-8").strip()
    workspace = state.workspace()
    show_progress = not quiet and sys.stderr.isatty()

    def progress(path: Path, count: int) -> None:
        click.echo(f"\r{path.name}: {count:,} records read", nl=False, err=True)

    results = import_files(
        workspace.store(), list(files), actor=current_actor(actor), source=source, fmt=fmt,
        searched=searched, query=query, kind=kind, hits_reported=hits_reported,
        encoding=encoding, mapping=_parse_mapping(maps),
        progress=progress if show_progress else None, same_search=same_search,
    )
    if show_progress:
        click.echo("\r\033[K", nl=False, err=True)
    for result in results:
        missing = None if result.skipped or searched else missing_date_warning(result.source, kind)
        for warning in [*result.warnings, *([missing] if missing else [])]:
            click.echo(f"Warning: {warning}", err=True)
        if quiet:
            continue
        if result.skipped:
            click.echo(f"{result.path}: already imported as source {result.previous_source!r}; nothing to do")
        else:
            click.echo(f"{result.path}: {result.records} records ({result.format}, {result.encoding}) "
                       f"as source {result.source!r}")


@click.group("export")
def export_group() -> None:
    """Export data from the review.

    Example:

    \b
        # in the bundled example
        review export records --format ris --output all.ris
    """


@export_group.command("records")
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="csv", show_default=True)
@click.option("--deduplicated", is_flag=True, help="One row per work (its canonical record).")
@click.option("--included", is_flag=True, help="Only the included reports: one entry per work, merged fields.")
@click.option("--stage", type=click.Choice(["title-abstract", "full-text"]),
              help="Only works with --decision at this screening stage (one entry per work).")
@click.option("--decision", type=click.Choice(["include", "exclude", "maybe", "conflict", "undecided"]),
              help="The screening status to select at --stage (default: include).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default, or '-': standard output).")
@pass_state
def export_records_command(state: State, fmt: str, deduplicated: bool, included: bool, stage: str | None,
                           decision: str | None, output: Path | None) -> None:
    """Export every record (or every work, or a selection of works) as CSV, RIS, BibTeX or CSL-JSON.

    CSV columns start with record_id, work_id, source, source_position, source_id,
    title, authors, year, journal, volume, issue, pages, doi, pmid. Without --output the
    export goes to standard output, so it can be piped. --included (the same as --stage
    full-text --decision include) writes one entry per included report with its merged
    fields, for Zotero, EndNote, Mendeley (RIS, BibTeX, CSL-JSON) or Covidence (RIS).

    Example:

    \b
        # in the bundled example
        review export records --format csv --output records.csv
        review export records --format bibtex --deduplicated --output works.bib
        review export records --included --format ris --output included.ris
        review export records --stage title-abstract --decision include --format csl-json -o passed.json
        review export records --deduplicated | csvstat
    """
    if included and (stage or decision):
        raise click.UsageError("--included is --stage full-text --decision include: give one or the other")
    if decision and not stage:
        raise click.UsageError("--decision needs --stage (title-abstract or full-text)")
    workspace = state.workspace()
    selection = None
    if included or stage:
        rpw = workspace.setting("screening", "reviewers_per_work", None)
        selection = Selection(stage or "full-text", decision or "include", rpw)
    store = workspace.store()
    if output is None or str(output) == "-":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / f"out.{fmt}"
            export_records(store, fmt, target, deduplicated=deduplicated, selection=selection)
            sys.stdout.write(target.read_text(encoding="utf-8"))
        return
    count = export_records(store, fmt, output, deduplicated=deduplicated, selection=selection)
    unit = "works" if deduplicated or selection else "records"
    click.echo(f"Wrote {count} {unit} to {output}", err=True)


def register(group: click.Group) -> None:
    group.add_command(import_command)
    group.add_command(export_group)
