"""The extraction section of ``review status``: fragments, coders, verification.

Counts are of the included reports' fragments; those of reports no longer included are kept
and counted apart (``review status`` lists the reports, :mod:`review.set_aside`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.extraction.fragments import current_fragments
from review.extraction.model import is_partial
from review.included import included_ids


def status_summary(conn: Connection) -> dict[str, Any]:
    """``{"name": "extraction", "counts": {...}, "next": str | None}``."""
    every = current_fragments(conn)
    included = set(included_ids(conn))
    items = [f for f in every if f.work_id in included]
    verified = {state: sum(1 for f in items if f.verified == state) for state in ("yes", "no", "no-text")}
    counts = {
        "fragments": len(items),
        "reports": len({f.work_id for f in items}),
        "coders": len({f.coder for f in items}),
        "partial": sum(1 for f in items if is_partial(f)),
        "linked to theories": sum(1 for f in items if f.links),
        "verified": verified["yes"],
        "unverified": verified["no"],
        "without a full text": verified["no-text"],
    }
    if len(every) > len(items):  # kept with reports no longer included (review status lists them)
        counts["fragments out of the synthesis"] = len(every) - len(items)
    next_step = None
    if verified["no"]:
        next_step = (f"{verified['no']} quote(s) not found in their text: correct them, or re-check after "
                     "replacing a full text: review extract check")
    return {"name": "extraction", "counts": counts, "next": next_step}
