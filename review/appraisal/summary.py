"""The appraisal section of ``review status``: reports by appraisal status, disagreements."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.appraisal.table import STATUSES, appraisal_table


def status_summary(conn: Connection) -> dict[str, Any]:
    """``{"name": "appraisal", "counts": {...}, "next": str | None}``."""
    reports = appraisal_table(conn)["reports"]
    counts: dict[str, Any] = {"included reports": len(reports)}
    for status in STATUSES:
        counts[status.replace("-", " ")] = sum(1 for r in reports if r["status"] == status)
    counts["screening flagged"] = sum(1 for r in reports if r["screening_flag"])
    conflicts = sum(1 for r in reports for e in r["answers"].values() if e["answer"] == "conflict")
    next_step = (f"settle {conflicts} appraisal disagreement(s): review appraise conflicts" if conflicts else None)
    return {"name": "appraisal", "counts": counts, "next": next_step}
