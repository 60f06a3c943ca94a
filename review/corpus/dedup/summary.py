"""Dedup's part of ``review status``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.corpus.dedup.decisions import current_decisions
from review.corpus.dedup.tables import queue, runs, works_x
from review.store import schema


def status_summary(conn: Connection) -> dict[str, Any]:
    """{"name": "dedup", "counts": {...}, "next": str | None}."""
    r = schema.records
    records = conn.execute(select(func.count()).select_from(r)).scalar_one()
    ungrouped = conn.execute(select(func.count()).select_from(r).where(r.c.work_id.is_(None))).scalar_one()
    live = conn.execute(select(func.count()).select_from(works_x).where(works_x.c.merged_into.is_(None))).scalar_one()
    in_groups = conn.execute(
        select(func.count()).select_from(works_x).where(works_x.c.merged_into.is_(None), works_x.c.rule != "single")
    ).scalar_one()
    open_pairs = conn.execute(select(func.count()).select_from(queue).where(queue.c.status == "open")).scalar_one()
    decisions = current_decisions(conn)
    last = conn.execute(select(runs.c.at).order_by(runs.c.id.desc()).limit(1)).scalar_one_or_none()
    counts = {
        "records": records,
        "works": live,
        "duplicate records": max(records - ungrouped - live, 0),
        "works with duplicates": in_groups,
        "ungrouped records": ungrouped,
        "uncertain pairs": open_pairs,
        "pair decisions": len(decisions),
        "last run": last or "never",
    }
    next_step = None
    if records and ungrouped:
        next_step = f"deduplicate the {ungrouped} new records: review dedup"
    elif open_pairs:
        next_step = f"settle {open_pairs} uncertain duplicate pairs: review dedup check"
    return {"name": "dedup", "counts": counts, "next": next_step}
