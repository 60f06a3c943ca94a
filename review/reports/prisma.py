"""The PRISMA 2020 flow diagram: counts checked, then SVG, HTML, CSV, PNG and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from review.reports.convert import svg_to, unavailable
from review.reports.prisma_config import PrismaConfig, load_config
from review.reports.prisma_counts import PrismaCounts, derive_counts
from review.reports.prisma_csv import read_csv, write_csv
from review.reports.prisma_layout import layout
from review.reports.problems import PrismaIncomplete, Problem
from review.reports.templating import environment, render_template
from review.workspace import Workspace

FORMATS = ("svg", "html", "csv", "png", "pdf")


@dataclass
class Rendered:
    """What a renderer wrote, and what it could not write (with why).

    Attributes:
        files: the files written.
        notes: what was left out or drawn as a placeholder, one line each.
        draft: the flow diagram was drawn with open counts marked.
        refused: the flow diagram was not drawn: its open problems (the rest was written).
    """

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    draft: bool = False
    refused: list[Problem] = field(default_factory=list)

    def extend(self, other: Rendered) -> None:
        self.files.extend(other.files)
        self.notes.extend(other.notes)
        self.draft = self.draft or other.draft
        self.refused.extend(other.refused)


def workspace_config(workspace: Workspace | None) -> PrismaConfig:
    """``[reports.prisma]`` of the workspace's review.toml (defaults without one)."""
    if workspace is None:
        return load_config({})
    reports = workspace.config.get("reports", {})
    settings = reports.get("prisma", {}) if isinstance(reports, dict) else {}
    return load_config(settings, workspace.config_path)


def workspace_counts(workspace: Workspace, config: PrismaConfig | None = None) -> PrismaCounts:
    """The workspace's PRISMA counts, with its protocol's reason names and its labels."""
    from review.screening.criteria import workspace_criteria

    config = config or workspace_config(workspace)
    try:
        criteria = workspace_criteria(workspace)
    except Exception:  # no protocol yet: reasons are shown by id
        criteria = None
    rpw = workspace.setting("screening", "reviewers_per_work", None)
    with workspace.store().read() as conn:
        return derive_counts(conn, criteria=criteria, reviewers_per_work=rpw, reason_labels=config.reasons)


def render_prisma(workspace: Workspace | None, out: Path, *, formats: tuple[str, ...] = FORMATS,
                  draft: bool = False, source: Path | None = None, title: str | None = None) -> Rendered:
    """Check the counts and draw the diagram into ``out``.

    Args:
        workspace: where counts, labels and templates come from (None with ``source``).
        out: the folder to write into.
        formats: any of :data:`FORMATS`.
        draft: draw even with open problems, marking the open counts.
        source: a PRISMA2020 template CSV to draw instead of the database's counts.

    Raises:
        PrismaIncomplete: problems are open and ``draft`` is False (nothing is written).
    """
    config = workspace_config(workspace)
    if source is not None:
        counts, labels = read_csv(source)
        for key, text in labels.items():
            if key in config.labels and key not in _toml_labels(workspace):
                config.labels[key] = text if key not in ("dbr_excluded", "other_excluded") else text.rstrip(":") + ":"
    else:
        assert workspace is not None
        counts = workspace_counts(workspace, config)
    if counts.problems and not draft:
        raise PrismaIncomplete(counts.problems)
    root = workspace.root if workspace is not None else None
    env = environment(root)
    name = title or (workspace.title if workspace is not None else "PRISMA 2020 flow diagram")
    drawn = layout(counts, config, draft=draft)
    svg = render_template(env, "prisma.svg.j2", layout=drawn, title=name)
    out.mkdir(parents=True, exist_ok=True)
    result = Rendered(draft=bool(counts.problems))
    wanted = [f for f in FORMATS if f in formats]
    for fmt in wanted:
        path = out / f"prisma.{fmt}"
        if fmt == "svg":
            _write(path, svg)
        elif fmt == "html":
            _write(path, render_template(env, "prisma.html.j2", svg=Markup(svg), title=name,
                                         counts=_rows(counts, config), problems=counts.problems,
                                         draft=bool(counts.problems)))
        elif fmt == "csv":
            _write(path, write_csv(counts, config))
        else:
            why = unavailable()
            if why:
                result.notes.append(f"{path.name} not rendered: {why}")
                continue
            svg_to(svg, path)
        result.files.append(path)
    return result


def _toml_labels(workspace: Workspace | None) -> set[str]:
    if workspace is None:
        return set()
    prisma = workspace.config.get("reports", {}).get("prisma", {})
    return set(prisma.get("labels", {})) if isinstance(prisma, dict) else set()


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


_ROWS = (
    ("Identification", "database_results"), ("Identification", "register_results"),
    ("Identification", "website_results"), ("Identification", "organisation_results"),
    ("Identification", "citations_results"), ("Identification", "duplicates"),
    ("Identification", "excluded_automatic"), ("Identification", "excluded_other"),
    ("Identification", "other_duplicates"),
    ("Screening", "records_screened"), ("Screening", "records_excluded"),
    ("Screening", "other_records_excluded"),
    ("Screening", "dbr_sought_reports"), ("Screening", "dbr_notretrieved_reports"),
    ("Screening", "dbr_assessed"), ("Screening", "dbr_excluded"),
    ("Screening", "other_sought_reports"), ("Screening", "other_notretrieved_reports"),
    ("Screening", "other_assessed"), ("Screening", "other_excluded"),
    ("Included", "new_studies"), ("Included", "new_reports"),
)
_COLUMN = {"other_duplicates": "other methods", "other_records_excluded": "other methods",
           "website_results": "other methods", "organisation_results": "other methods",
           "citations_results": "other methods"}


def _rows(counts: PrismaCounts, config: PrismaConfig) -> list[dict[str, Any]]:
    """The counts as a table for prisma.html: stage, box, column, n, breakdown, open."""
    rows = []
    for stage, key in _ROWS:
        if key not in counts.values:
            continue
        column = _COLUMN.get(key, "other methods" if key.startswith("other_") else "databases and registers")
        if key in ("new_studies", "new_reports"):
            column = "both"
        specific = {"database_results": "database_specific_results",
                    "register_results": "register_specific_results",
                    "records_excluded": "records_excluded_reasons",
                    "website_results": "website_specific_results",
                    "organisation_results": "organisation_specific_results",
                    "citations_results": "citations_specific_results"}.get(key, key)
        parts = counts.values.get(specific)
        rows.append({"stage": stage, "key": key, "label": config.label(key).rstrip(":"), "column": column,
                     "n": counts.n(key) if counts.reported(key) else None, "open": key in counts.open,
                     "parts": parts if isinstance(parts, list) else []})
    return rows
