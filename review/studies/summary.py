"""The studies section of ``review status``: studies, reports grouped and not yet grouped."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.included import included_ids
from review.screening.decisions import latest_reviewers_per_work
from review.studies.model import list_studies


def status_summary(conn: Connection) -> dict[str, Any]:
    """``{"name": "studies", "counts": {...}, "next": str | None}``."""
    found = list_studies(conn)
    included = set(included_ids(conn, reviewers_per_work=latest_reviewers_per_work(conn) or 1))
    grouped = {w for s in found for w in s.reports}
    waiting = len(included - grouped)
    kept = sum(1 for s in found if not s.reports or set(s.reports) & included)  # the others: out of the synthesis
    counts = {"studies": kept, "reports grouped": len(grouped & included), "reports not grouped": waiting}
    next_step = None
    if found and waiting:  # grouping begun but not finished
        next_step = (f"group {waiting} included report(s) into studies: review studies export --output "
                     "extraction/studies.csv, fill in the study column, then review studies import")
    return {"name": "studies", "counts": counts, "next": next_step}
