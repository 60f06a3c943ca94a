"""``review status``: where the review stands, derived from the database.

Stages that exist add their own section through a ``status_summary(conn)`` function
(listed in ``STAGE_SUMMARIES``), returning ``{"name": ..., "counts": {...}, "next": str | None}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.appraisal.summary import status_summary as appraisal_summary
from review.corpus.dedup.summary import status_summary as dedup_summary
from review.extraction.summary import status_summary as extraction_summary
from review.screening.summary import status_summary as screening_summary
from review.set_aside import format_set_aside, set_aside
from review.store import schema
from review.studies.summary import status_summary as studies_summary
from review.synthesis.summary import status_summary as theories_summary
from review.versions import update_summary
from review.workspace import Workspace

#: Each stage's section of the status, in order. Plain imports: a stage whose module is
#: missing fails at import time (and in every test) instead of vanishing from the status.
STAGE_SUMMARIES: list[Callable[[Connection], dict[str, Any]]] = [
    dedup_summary,
    screening_summary,
    studies_summary,
    appraisal_summary,
    extraction_summary,
    theories_summary,
]


def collect_status(workspace: Workspace) -> dict[str, Any]:
    """Everything ``review status`` shows, as one JSON-ready dict."""
    store = workspace.store()
    s, r = schema.sources, schema.records
    with store.read() as conn:
        sources = [
            {
                "name": row.name,
                "kind": row.kind,
                "format": row.format,
                "file": row.file_name,
                "searched": row.searched,
                "records": row.records_read,
            }
            for row in conn.execute(select(s).order_by(s.c.id))
        ]
        records = conn.execute(select(func.count()).select_from(r)).scalar_one()
        grouped = conn.execute(select(func.count(func.distinct(r.c.work_id)))).scalar_one()
        ungrouped = conn.execute(select(func.count()).select_from(r).where(r.c.work_id.is_(None))).scalar_one()
        stages = [summary(conn) for summary in STAGE_SUMMARIES]
        outside = [item.to_dict() for item in set_aside(conn)]
        update = update_summary(conn)
    by_kind: dict[str, int] = {}
    for source in sources:
        by_kind[source["kind"]] = by_kind.get(source["kind"], 0) + source["records"]
    status: dict[str, Any] = {
        "workspace": str(workspace.root),
        "title": workspace.title,
        "database": workspace.db_url,
        "schema_version": store.schema_version(),
        "sources": sources,
        "records": records,
        "records_by_kind": by_kind,
        "works": grouped if records and not ungrouped else None,
        "deduplicated": bool(records) and ungrouped == 0,
        "stages": {stage["name"]: stage["counts"] for stage in stages},
        "no_longer_included": outside,
    }
    if update is not None:  # review update start: what this version adds
        status["update"] = update
    status["next"] = _next_step(status, stages)
    return status


def _next_step(status: dict[str, Any], stages: list[dict[str, Any]]) -> str:
    if not status["sources"]:
        return "import search exports: review import FILE --source NAME --searched DATE"
    if not status["deduplicated"]:
        return "deduplicate the records: review dedup"
    for stage in stages:
        if stage.get("next"):
            return str(stage["next"])
    return "nothing pending"


def format_status(status: dict[str, Any]) -> str:
    lines = [f"{status['title']}", f"  workspace: {status['workspace']}", ""]
    if status["sources"]:
        lines.append(f"Sources ({len(status['sources'])}):")
        width = max(len(src["name"]) for src in status["sources"])
        for src in status["sources"]:
            searched = f", searched {src['searched']}" if src["searched"] else ""
            lines.append(
                f"  {src['name']:<{width}}  {src['records']:>6} records  ({src['kind']}, {src['format']}{searched})"
            )
    else:
        lines.append("Sources: none yet")
    lines.append(f"Records: {status['records']}")
    update = status.get("update")
    if update:
        lines.append(f"Update: version {update['version']} ({update['label']}): {update['records']} records, "
                     f"{update['already_screened']} of works screened in an earlier version (not screened again), "
                     f"{update['new_works']} new works to screen; previous versions included "
                     f"{update['previous_studies']} studies ({update['previous_reports']} reports)")
    if status["works"] is not None:
        lines.append(f"Works (after deduplication): {status['works']}")
    for name, counts in status["stages"].items():
        lines.append(f"{name}:")
        for key, value in counts.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
                lines.append(f"  {key}: {inner}")
            else:
                lines.append(f"  {key}: {value}")
    outside = status.get("no_longer_included") or []
    if outside:
        lines.append("")
        lines.extend(format_set_aside(outside))
    lines.append("")
    lines.append(f"Next: {status['next']}")
    return "\n".join(lines)
