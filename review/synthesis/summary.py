"""The theories section of ``review status``: the model's size and theory-testing statuses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.synthesis.tables import theory_versions
from review.synthesis.testing import theories_report


def status_summary(conn: Connection) -> dict[str, Any]:
    """``{"name": "theories", "counts": {...}, "next": None}``: statuses come from the evidence."""
    report = theories_report(conn)
    items = report["theories"]
    changes = conn.execute(select(func.count()).select_from(theory_versions)
                           .where(theory_versions.c.change != "initial")).scalar_one()
    counts = {"topics": len(report["topics"]), "theories": len(items),
              "initial": sum(1 for t in items if t["origin"] == "initial"),
              "inductive": sum(1 for t in items if t["origin"] == "inductive"),
              "changes recorded": changes, **report["counts"]}
    return {"name": "theories", "counts": counts, "next": None}
