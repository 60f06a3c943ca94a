"""``review report``: render the flow diagram, the tables and the plots into reports/."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from review.errors import InputError
from review.reports import data as review_data
from review.reports.model import Table
from review.reports.plots import PLOT_FORMATS, evidence_heatmap, mmat_plot
from review.reports.prisma import FORMATS as PRISMA_FORMATS
from review.reports.prisma import Rendered, render_prisma
from review.reports.problems import PrismaIncomplete
from review.reports.tables_appraisal import mmat_table
from review.reports.tables_documents import (
    characteristics_table,
    criteria_table,
    documents_table,
    study_characteristics_table,
)
from review.reports.tables_theories import (
    cmo_tables,
    evidence_matrix_table,
    final_model_table,
    theory_testing_table,
)
from review.reports.templating import environment
from review.reports.writers import TABLE_FORMATS, write_table
from review.workspace import Workspace

WHAT = ("prisma", "tables", "plots")
ALL_FORMATS = tuple(dict.fromkeys((*TABLE_FORMATS, *PRISMA_FORMATS, *PLOT_FORMATS)))
DEFAULT_FORMATS = {"prisma": PRISMA_FORMATS, "tables": TABLE_FORMATS, "plots": PLOT_FORMATS}


def parse_formats(text: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """``md,html`` -> ("md", "html"); None keeps every format.

    Raises:
        InputError: an unknown format.
    """
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    found = tuple(dict.fromkeys(i.strip().lower().lstrip(".") for i in items if i.strip()))
    unknown = [f for f in found if f not in ALL_FORMATS]
    if unknown or not found:
        raise InputError(f"unknown format {unknown[0] if unknown else text!r}; use any of: {', '.join(ALL_FORMATS)}",
                         field="--format")
    return found


def build_tables(workspace: Workspace | None, data: review_data.ReviewData) -> list[Table]:
    """Every manuscript table, in the order the manuscript uses them."""
    return [criteria_table(workspace), documents_table(data), characteristics_table(data),
            study_characteristics_table(data), mmat_table(data), *cmo_tables(data),
            theory_testing_table(data), evidence_matrix_table(data), final_model_table(data)]


def report(workspace: Workspace | None, *, what: Iterable[str] = WHAT, formats: Iterable[str] | None = None,
           out: Path | None = None, draft: bool = False, source: Path | None = None,
           progress: Callable[[str], None] | None = None) -> Rendered:
    """Render what was asked into ``out`` (default: the workspace's reports/).

    Args:
        what: any of ``prisma``, ``tables``, ``plots``.
        formats: the formats to write (default: each output's own); an output with none of
            them is left out and said so.
        draft: draw the flow diagram even with open counts (marked).
        source: a PRISMA2020 template CSV to draw instead of the database (prisma only).
        progress: called with a line before each part (the CLI shows it on a terminal).

    Returns:
        What was written; while the flow diagram has open problems (and ``draft`` is
        False) it is not drawn, its problems are in ``refused`` and the tables and plots
        are written all the same.

    Raises:
        InputError: an unknown output or format.
    """
    wanted = tuple(dict.fromkeys(what))
    unknown = [w for w in wanted if w not in WHAT]
    if unknown:
        raise InputError(f"unknown report {unknown[0]!r}; use prisma, tables or plots", field="WHAT")
    if source is not None and wanted != ("prisma",):
        raise InputError("--from draws the flow diagram only: review report prisma --from FILE", field="--from")
    if workspace is None and source is None:
        raise InputError("not in a review workspace (review init), and no --from FILE given")
    chosen = parse_formats(tuple(formats)) if formats is not None else None
    folder = Path(out) if out is not None else (workspace.path("reports") if workspace else Path("."))
    say = progress or (lambda _line: None)
    folder.mkdir(parents=True, exist_ok=True)
    result = Rendered()
    for part in wanted:
        fmts = tuple(f for f in DEFAULT_FORMATS[part] if chosen is None or f in chosen)
        if not fmts:
            result.notes.append(f"{part}: none of the formats asked for ({', '.join(chosen or ())}); "
                                f"{part} has {', '.join(DEFAULT_FORMATS[part])}")
            continue
        if part == "prisma":
            say("Checking the PRISMA counts and drawing the flow diagram ...")
            try:
                result.extend(render_prisma(workspace, folder, formats=fmts, draft=draft, source=source))
            except PrismaIncomplete as exc:
                result.refused.extend(exc.problems)
    rest = [p for p in wanted if p != "prisma"]
    if rest and workspace is not None:
        say("Reading the review for tables and plots ...")
        with workspace.store().read() as conn:
            loaded = review_data.load(workspace, conn)
        env = environment(workspace.root)
        for part in rest:
            fmts = tuple(f for f in DEFAULT_FORMATS[part] if chosen is None or f in chosen)
            if not fmts:
                continue
            say(f"Writing {part} ({', '.join(fmts)}) ...")
            if part == "tables":
                for table in build_tables(workspace, loaded):
                    for fmt in fmts:
                        result.files.append(write_table(table, fmt, folder, env))
                    if not table.rows:
                        result.notes.append(f"table-{table.name}: {table.empty}")
                if not (loaded.theories or {}).get("topics"):
                    result.notes.append("table-cmo-<topic>: no theory topics yet, so no C-M-O tables "
                                        "(protocols/theories.yaml)")
            else:
                for name in ("mmat-traffic-light", "mmat-summary", "evidence-matrix"):
                    paths = [folder / f"plot-{name}.{fmt}" for fmt in fmts]
                    if name == "evidence-matrix":
                        note = evidence_heatmap(loaded, paths)
                    else:
                        note = mmat_plot(loaded, name[5:], paths)
                    result.files.extend(paths)
                    if note:
                        result.notes.append(f"plot-{name}: {note} (placeholder drawn)")
    return result


def render(workspace: Workspace, *, what: Iterable[str] = WHAT, formats: Iterable[str] | None = None,
           out: Path | None = None, draft: bool = False) -> list[Path]:
    """Render into reports/ (or ``out``) and return the files written."""
    return report(workspace, what=what, formats=formats, out=out, draft=draft).files
