"""The included reports: the works included at full text, which every realist stage uses.

Appraisal, studies, extraction, theory testing and the manuscript tables all start from the
same list: live works whose full-text screening status is ``include`` now. This module is
the one place that says so, with what those stages show of each report (citation, title,
year, type, full text). A report that stops being included (an undo, a changed decision, a
conflict resolved the other way) keeps its fragments, appraisal and study in the database;
every derived view filters through :func:`included_ids`, so they leave the synthesis and
come back with the report (:mod:`review.set_aside` lists them meanwhile).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.errors import NotFound
from review.screening.decisions import latest_reviewers_per_work, work_status
from review.screening.tables import fulltext_reports
from review.screening.works import live_map
from review.store import schema

__all__ = ["IncludedReport", "citation", "included_ids", "included_reports", "reports_of", "require_included"]


@dataclass(frozen=True)
class IncludedReport:
    """One report as the stages show it: an included one, or (:func:`reports_of`) one that was."""

    work_id: int
    title: str
    authors: list[str]  # family names, in order
    year: int | None
    type: str | None  # the normalised record type (e.g. JOUR, THES, RPRT)
    journal: str | None
    doi: str | None
    fulltext: str | None  # the retrieved file, relative to the workspace when inside it
    fulltext_sha256: str | None

    @property
    def citation(self) -> str:
        """``Author (year)``, ``Author & Other (year)`` or ``Author et al. (year)``."""
        return citation(self.authors, self.year)


def citation(families: list[str], year: int | None) -> str:
    """A short author-date citation as manuscripts print it."""
    when = str(year) if year else "n.d."
    if not families:
        return f"Anonymous ({when})"
    if len(families) == 1:
        return f"{families[0]} ({when})"
    if len(families) == 2:
        return f"{families[0]} & {families[1]} ({when})"
    return f"{families[0]} et al. ({when})"


def _families(raw: Any) -> list[str]:
    try:
        items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    except ValueError:
        return [str(raw)]
    names = []
    for item in items:
        name = item.get("family") if isinstance(item, dict) else str(item)
        if name:
            names.append(str(name))
    return names


def _retrieved(conn: Connection, ids: set[int]) -> dict[int, Any]:
    """The latest full-text row of each of ``ids`` whose report is retrieved (one pass)."""
    mapping = live_map(conn)
    latest: dict[int, Any] = {}
    for row in conn.execute(select(fulltext_reports).order_by(fulltext_reports.c.id)):
        work = mapping.get(row.work_id, row.work_id)
        if work in ids:
            latest[work] = row
    return {work: row for work, row in latest.items() if row.status == "retrieved"}


def included_ids(conn: Connection, *, reviewers_per_work: int | None = None) -> list[int]:
    """Ids of the live works included at full text now, ascending.

    ``reviewers_per_work``: the screening rule; by default the one recorded with the latest
    decision (else 1), so views that have no workspace at hand agree with the CLI.
    """
    if reviewers_per_work is None:
        reviewers_per_work = latest_reviewers_per_work(conn) or 1
    statuses = work_status(conn, "full-text", reviewers_per_work=reviewers_per_work)
    return sorted(w for w, status in statuses.items() if status == "include")


def included_reports(conn: Connection, *, reviewers_per_work: int | None = None) -> list[IncludedReport]:
    """Every included report, by work id."""
    return reports_of(conn, included_ids(conn, reviewers_per_work=reviewers_per_work))


def reports_of(conn: Connection, ids: list[int]) -> list[IncludedReport]:
    """What the stages show of these works (included or not), by work id."""
    if not ids:
        return []
    files = _retrieved(conn, set(ids))
    w = schema.works
    rows = conn.execute(select(w.c.id, w.c.title, w.c.authors, w.c.year, w.c.type, w.c.journal, w.c.doi)
                        .where(w.c.id.in_(ids)).order_by(w.c.id))
    found = []
    for row in rows:
        state = files.get(row.id)
        found.append(IncludedReport(
            work_id=row.id, title=row.title or "(no title)", authors=_families(row.authors),
            year=row.year, type=row.type, journal=row.journal, doi=row.doi,
            fulltext=state.file if state is not None else None,
            fulltext_sha256=state.sha256 if state is not None else None,
        ))
    return found


def require_included(conn: Connection, work_id: int, *, reviewers_per_work: int | None = None) -> None:
    """Raise NotFound unless ``work_id`` is an included report."""
    if work_id not in included_ids(conn, reviewers_per_work=reviewers_per_work):
        raise NotFound(f"report {work_id} is not an included report (a work included at full text); "
                       "`review screen` lists what is", field="report")
