"""Screening's section of ``review status``: decisions per stage and what is next."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.screening.decisions import (
    STAGES,
    current_decisions,
    latest_reviewers_per_work,
    work_status,
)
from review.screening.tables import screening_decisions
from review.screening.wording import count, verb
from review.store import schema


def stage_counts(conn: Connection, stage: str, reviewers_per_work: int) -> dict[str, int]:
    """Counts for one stage: eligible works, decisions, and works by status."""
    statuses = work_status(conn, stage, reviewers_per_work=reviewers_per_work)
    values = list(statuses.values())
    decisions = [d for d in current_decisions(conn, stage) if d.kind == "decision" and d.work_id in statuses]
    return {
        "works": len(values),
        "decisions": len(decisions),
        "screened": len({d.work_id for d in decisions}),
        "included": values.count("include"),
        "excluded": values.count("exclude"),
        "maybe": values.count("maybe"),
        "conflicts": values.count("conflict"),
        "awaiting second reviewer": values.count("awaiting-second"),
        "not screened": values.count("undecided"),
    }


def _next(stage: str, counts: dict[str, int]) -> str | None:
    option = f"--stage {stage}"
    label = "titles and abstracts" if stage == "title-abstract" else "full texts"
    if counts["conflicts"]:
        return f"resolve {count(counts['conflicts'], f'{stage} conflict')}: review screen conflicts {option}"
    if counts["not screened"] or counts["awaiting second reviewer"]:
        left = counts["not screened"] + counts["awaiting second reviewer"]
        need = verb(left, "needs", "need")
        return f"screen {label} ({count(left, 'work')} {need} a decision): review screen {option} --reviewer NAME"
    if stage == "full-text" and counts["maybe"]:
        maybes = count(counts["maybe"], "full-text 'maybe' decision")
        return (f"settle {maybes}: "
                f"review screen resolve WORK {option} --decision include|exclude --reviewer NAME")
    return None


def _report_counts(conn: Connection, reviewers_per_work: int) -> dict[str, int] | None:
    """Reports sought / retrieved / not retrieved (PRISMA), if full-text tracking exists."""
    try:
        from review.screening.fulltext import fulltext_counts
    except ModuleNotFoundError:  # pragma: no cover - full-text tracking is optional
        return None
    counts = fulltext_counts(conn, reviewers_per_work=reviewers_per_work)
    if not counts["eligible"] and not counts["no_longer_eligible"]:
        return None
    keys = ("eligible", "sought", "retrieved", "not_retrieved", "awaiting", "pending")
    return {key.replace("_", " "): counts[key] for key in keys}


def status_summary(conn: Connection, *, reviewers_per_work: int | None = None) -> dict[str, Any]:
    """``{"name", "counts", "next"}`` for ``review status``.

    Args:
        conn: a database connection.
        reviewers_per_work: the dual-screening rule; by default the one recorded with the
            most recent decision (1 before any decision).
    """
    rpw = reviewers_per_work or latest_reviewers_per_work(conn) or 1
    has_works = conn.execute(select(func.count()).select_from(schema.works)).scalar_one() > 0
    if not has_works:
        return {"name": "screening", "counts": {}, "next": None}
    counts: dict[str, Any] = {}
    steps: list[str] = []
    for stage in STAGES:
        counts[stage] = stage_counts(conn, stage, rpw)
        step = _next(stage, counts[stage])
        if step:
            steps.append(step)
        if stage == "title-abstract" and step and not counts[stage]["decisions"]:
            break  # full text has nothing to show before anyone screened titles
        if stage == "title-abstract":
            reports = _report_counts(conn, rpw)
            if reports is not None:
                counts["full-text reports"] = reports
                if reports["pending"] or reports["awaiting"]:
                    steps.append(
                        f"retrieve full texts ({reports['pending']} not yet sought, "
                        f"{reports['awaiting']} awaited): review fulltext list"
                    )
    counts["reviewers per work"] = rpw
    total = conn.execute(select(func.count()).select_from(screening_decisions)).scalar_one()
    counts["rows in the decision log"] = total
    return {"name": "screening", "counts": counts, "next": steps[0] if steps else None}
