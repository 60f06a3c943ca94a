"""Screening decisions: recorded append-only, read as a derived current view.

Every decision, undo (retraction) and reconciled decision (resolution) is a new row of
``screening_decisions``; nothing is updated or deleted. The current view keeps, per work,
stage and reviewer, the latest decision not withdrawn since, plus the latest resolution.

How a work's status at a stage follows from its current decisions (``reviewers_per_work``
comes from review.toml ``[screening]``):

- a resolution, if any, decides it;
- no decision: ``undecided``; fewer than the required reviewers, all compatible:
  ``awaiting-second``; otherwise the reviewers' common decision, or ``conflict``;
- at title-abstract "include" and "maybe" are compatible (both send the work on to full
  text, as in Covidence): the status is ``maybe`` if anyone said maybe; only include/maybe
  against exclude is a conflict;
- at full text any difference is a conflict, and so are two exclusions for different
  reasons (PRISMA reports one reason per report).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound
from review.screening.tables import screening_decisions as T
from review.screening.works import live_map, require_live
from review.store import Store, now

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria

STAGES = ("title-abstract", "full-text")
DECISIONS = ("include", "exclude", "maybe")
STATUSES = ("undecided", "awaiting-second", "include", "exclude", "maybe", "conflict")
#: Title-abstract outcomes that send a work on to full-text screening.
PASSES_TITLE_ABSTRACT = ("include", "maybe")


@dataclass(frozen=True)
class Decision:
    """One row of the current view (``work_id`` is the live work it now belongs to)."""

    id: int
    work_id: int
    stage: str
    reviewer: str
    decision: str | None
    reason: str | None
    note: str | None
    kind: str
    origin: str
    created_at: str
    recorded_work_id: int | None = None  # the work id it was recorded against
    reviewers_per_work: int | None = None


@dataclass(frozen=True)
class Conflict:
    """A work whose reviewers disagree on the decision or, at full text, on the reason."""

    work_id: int
    stage: str
    kind: str  # "decision" | "reason"
    decisions: list[Decision] = field(default_factory=list)


# -- validation -------------------------------------------------------------------


def check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise InputError(f"unknown stage {stage!r}; use one of: {', '.join(STAGES)}", field="--stage")
    return stage


def check_reviewer(reviewer: str, reviewers: Sequence[str] | None) -> str:
    """A reviewer name must be non-empty and, if a list is configured, on it."""
    name = (reviewer or "").strip()
    if not name:
        raise InputError("a reviewer name is needed", field="--reviewer")
    if reviewers and name not in reviewers:
        raise InputError(
            f"unknown reviewer {name!r}; review.toml [screening] reviewers lists: "
            f"{', '.join(reviewers)}",
            field="--reviewer",
        )
    return name


def check_decision(decision: str) -> str:
    if decision not in DECISIONS:
        raise InputError(
            f"unknown decision {decision!r}; use one of: {', '.join(DECISIONS)}", field="--decision"
        )
    return decision


def reason_ids(criteria: Criteria) -> list[str]:
    """The exclusion reasons a decision may carry, in hierarchy order, then "other"."""
    return [c.id for c in criteria.exclusion_order] + [criteria.other_id]


def check_reason(
    stage: str, decision: str, reason: str | None, note: str | None, criteria: Criteria | None
) -> None:
    """An exclusion reason is a criterion id (or "other" with a note); full text needs one."""
    if reason is not None and decision != "exclude":
        raise InputError(f"a reason goes with an exclusion only, not {decision!r}", field="--reason")
    if decision != "exclude":
        return
    if reason is None:
        if stage == "full-text":
            raise InputError(
                "a full-text exclusion needs a reason: an exclusion criterion id (see `review criteria`)",
                field="--reason",
            )
        return
    if criteria is None:
        raise InputError(
            f"cannot check reason {reason!r}: no criteria loaded (protocols/criteria.yaml)",
            field="--reason",
        )
    if not criteria.is_reason(reason):
        raise NotFound(
            f"unknown exclusion reason {reason!r}; use one of: {', '.join(reason_ids(criteria))}",
            field="--reason",
        )
    if reason == criteria.other_id and not (note or "").strip():
        raise InputError(f"reason {reason!r} needs a note saying why", field="--note")


# -- reading the current view -------------------------------------------------------


def _to_decision(row: Any, mapping: dict[int, int]) -> Decision:
    return Decision(
        id=row.id,
        work_id=mapping.get(row.work_id, row.work_id),
        stage=row.stage,
        reviewer=row.reviewer,
        decision=row.decision,
        reason=row.reason,
        note=row.note,
        kind=row.kind,
        origin=row.origin,
        created_at=row.created_at,
        recorded_work_id=row.work_id,
        reviewers_per_work=row.reviewers_per_work,
    )


@dataclass
class _View:
    """Per live work: current decisions by reviewer, and the latest resolution."""

    by_work: dict[int, dict[str, Decision]] = field(default_factory=dict)
    resolutions: dict[int, Decision] = field(default_factory=dict)

    def add(self, item: Decision) -> None:
        if item.kind == "resolution":
            self.resolutions[item.work_id] = item
        elif item.kind == "decision":
            self.by_work.setdefault(item.work_id, {})[item.reviewer] = item
        elif item.kind == "retraction":
            self.by_work.get(item.work_id, {}).pop(item.reviewer, None)


def _view(
    conn: Connection, stage: str, mapping: dict[int, int], work_ids: Iterable[int] | None = None
) -> _View:
    query = select(T).where(T.c.stage == stage)
    if work_ids is not None:
        wanted = set(work_ids)
        recorded = [work for work, live in mapping.items() if live in wanted] or list(wanted)
        query = query.where(T.c.work_id.in_(recorded))
    view = _View()
    for row in conn.execute(query.order_by(T.c.id)):
        view.add(_to_decision(row, mapping))
    return view


def current_decisions(conn: Connection, stage: str) -> list[Decision]:
    """The latest non-retracted decision per (work, reviewer), plus each work's resolution."""
    check_stage(stage)
    view = _view(conn, stage, live_map(conn))
    found = [d for reviewers in view.by_work.values() for d in reviewers.values()]
    found.extend(view.resolutions.values())
    return sorted(found, key=lambda d: (d.work_id, d.kind == "resolution", d.reviewer))


def combine(
    stage: str, decisions: Sequence[Decision], resolution: Decision | None, reviewers_per_work: int
) -> str:
    """A work's status at a stage from its current decisions (see the module docstring)."""
    if resolution is not None:
        return str(resolution.decision)
    if not decisions:
        return "undecided"
    values = {d.decision for d in decisions}
    if _disagreement(stage, decisions) is not None:
        return "conflict"
    if len(decisions) < reviewers_per_work:
        return "awaiting-second"
    if values == {"exclude"}:
        return "exclude"
    return "maybe" if "maybe" in values else "include"


def _disagreement(stage: str, decisions: Sequence[Decision]) -> str | None:
    values = {d.decision for d in decisions}
    if stage == "title-abstract":
        return "decision" if "exclude" in values and len(values) > 1 else None
    if len(values) > 1:
        return "decision"
    if values == {"exclude"} and len({d.reason for d in decisions}) > 1:
        return "reason"
    return None


def _eligible(conn: Connection, stage: str, mapping: dict[int, int], reviewers_per_work: int) -> list[int]:
    live = sorted({w for w, lw in mapping.items() if w == lw})
    if stage == "title-abstract":
        return live
    first = _statuses(conn, "title-abstract", mapping, live, reviewers_per_work)
    return [w for w in live if first[w] in PASSES_TITLE_ABSTRACT]


def _statuses(
    conn: Connection, stage: str, mapping: dict[int, int], works: list[int], reviewers_per_work: int
) -> dict[int, str]:
    view = _view(conn, stage, mapping)
    return {
        w: combine(stage, list(view.by_work.get(w, {}).values()), view.resolutions.get(w), reviewers_per_work)
        for w in works
    }


def work_status(conn: Connection, stage: str, *, reviewers_per_work: int) -> dict[int, str]:
    """Status of every work eligible at ``stage`` (all live works at title-abstract; those
    included or "maybe" at title-abstract for full text): one of :data:`STATUSES`."""
    check_stage(stage)
    mapping = live_map(conn)
    return _statuses(conn, stage, mapping, _eligible(conn, stage, mapping, reviewers_per_work), reviewers_per_work)


def conflicts(conn: Connection, stage: str, *, reviewers_per_work: int) -> list[Conflict]:
    """Unresolved disagreements at ``stage``: on the decision or, at full text, the reason."""
    check_stage(stage)
    mapping = live_map(conn)
    view = _view(conn, stage, mapping)
    found: list[Conflict] = []
    for work in _eligible(conn, stage, mapping, reviewers_per_work):
        decisions = sorted(view.by_work.get(work, {}).values(), key=lambda d: d.reviewer)
        kind = _disagreement(stage, decisions)
        if kind is not None and work not in view.resolutions:
            found.append(Conflict(work_id=work, stage=stage, kind=kind, decisions=decisions))
    return found


def reviewer_decisions(conn: Connection, stage: str, reviewer: str) -> dict[int, Decision]:
    """One reviewer's current decisions at ``stage``, by live work id (what they may see)."""
    return {d.work_id: d for d in current_decisions(conn, stage) if d.reviewer == reviewer and d.kind == "decision"}


def last_decision(conn: Connection, stage: str, reviewer: str) -> Decision | None:
    """The reviewer's most recently recorded decision still standing (what undo withdraws)."""
    mine = reviewer_decisions(conn, stage, reviewer)
    return max(mine.values(), key=lambda d: d.id) if mine else None


def latest_reviewers_per_work(conn: Connection) -> int | None:
    """The ``reviewers_per_work`` rule recorded with the most recent decision, if any."""
    query = select(T.c.reviewers_per_work).where(T.c.reviewers_per_work.is_not(None))
    return conn.execute(query.order_by(T.c.id.desc()).limit(1)).scalar_one_or_none()


# -- writing --------------------------------------------------------------------------


def _check_stage_order(conn: Connection, work_id: int, stage: str, mapping: dict[int, int], rpw: int) -> None:
    if stage != "full-text":
        return
    view = _view(conn, "title-abstract", mapping, [work_id])
    status = combine(
        "title-abstract", list(view.by_work.get(work_id, {}).values()), view.resolutions.get(work_id), rpw
    )
    if status not in PASSES_TITLE_ABSTRACT:
        raise InputError(
            f"stage out of order: work {work_id} is {status} at title-abstract; full-text "
            "screening is for works included or 'maybe' at title-abstract",
            field="--stage",
        )


def _insert(conn: Connection, **values: Any) -> int:
    values.setdefault("created_at", now())
    return int(conn.execute(insert(T).values(**values)).inserted_primary_key[0])


def record_decision(
    conn: Connection,
    *,
    work_id: int,
    stage: str,
    reviewer: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    origin: str = "interactive",
    reviewers: Sequence[str] | None = None,
    criteria: Criteria | None = None,
    actor: str | None = None,
    reviewers_per_work: int = 1,
) -> int:
    """Append one reviewer's decision on a work at a stage; returns the row id.

    Recording the decision the reviewer already has (same decision, reason and note)
    writes nothing and returns the existing row's id, so re-running a command is harmless.

    Args:
        conn: a connection inside the caller's transaction.
        work_id: a live work.
        stage: one of :data:`STAGES`.
        reviewer: who decided; must be in ``reviewers`` when that is given.
        decision: one of :data:`DECISIONS`.
        reason: for an exclusion, a criterion id accepted by ``criteria.is_reason`` (or
            its "other" id, with a note); required at full text.
        note: free text.
        origin: where the decision was made (interactive, cli, import:rayyan, ...).
        reviewers: the configured reviewers, if any.
        criteria: the protocol's criteria, to check reasons against.
        actor: who is recording it, for the audit trail (default: the reviewer).
        reviewers_per_work: the dual-screening rule in force (for the stage-order check).

    Raises:
        InputError: unknown stage, reviewer, decision or reason; a stage out of order.
        NotFound: the work does not exist or was merged into another.
    """
    check_stage(stage)
    reviewer = check_reviewer(reviewer, reviewers)
    require_live(conn, work_id)
    check_decision(decision)
    note = note.strip() if note and note.strip() else None
    check_reason(stage, decision, reason, note, criteria)
    mapping = live_map(conn)
    _check_stage_order(conn, work_id, stage, mapping, reviewers_per_work)
    mine = _view(conn, stage, mapping, [work_id]).by_work.get(work_id, {}).get(reviewer)
    if mine is not None and (mine.decision, mine.reason, mine.note) == (decision, reason, note):
        return mine.id
    row_id = _insert(
        conn, work_id=work_id, stage=stage, reviewer=reviewer, decision=decision, reason=reason,
        note=note, kind="decision", origin=origin, reviewers_per_work=reviewers_per_work,
    )
    Store.log(conn, actor or reviewer, "screen", "work", work_id,
              {"stage": stage, "reviewer": reviewer, "decision": decision, "reason": reason,
               "origin": origin, "row": row_id})
    return row_id


def retract_decision(
    conn: Connection, *, work_id: int, stage: str, reviewer: str, actor: str | None = None
) -> Decision:
    """Withdraw a reviewer's current decision on a work (undo); returns what was withdrawn.

    Appends a retraction row; the work is then unscreened for that reviewer.

    Raises:
        InputError: the reviewer has no decision on that work at that stage.
    """
    check_stage(stage)
    mapping = live_map(conn)
    live = mapping.get(work_id, work_id)
    mine = _view(conn, stage, mapping, [live]).by_work.get(live, {}).get(reviewer)
    if mine is None:
        raise InputError(f"{reviewer} has no decision on work {work_id} at {stage} to undo", field="WORK")
    row_id = _insert(
        conn, work_id=live, stage=stage, reviewer=reviewer, decision=None, reason=None, note=None,
        kind="retraction", origin="undo", retracts=mine.id,
    )
    Store.log(conn, actor or reviewer, "retract", "work", live,
              {"stage": stage, "reviewer": reviewer, "retracts": mine.id, "row": row_id})
    return mine


def resolve(
    conn: Connection,
    *,
    work_id: int,
    stage: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    resolver: str,
    criteria: Criteria | None = None,
    reviewers: Sequence[str] | None = None,
    reviewers_per_work: int = 1,
    actor: str | None = None,
) -> int:
    """Record the reconciled decision on a work screened by others; returns the row id.

    The latest resolution decides the work at that stage, whatever the reviewers said.

    Raises:
        InputError: as :func:`record_decision`; or no reviewer has screened the work yet.
        NotFound: the work does not exist or was merged into another.
    """
    check_stage(stage)
    resolver = check_reviewer(resolver, reviewers)
    require_live(conn, work_id)
    check_decision(decision)
    note = note.strip() if note and note.strip() else None
    check_reason(stage, decision, reason, note, criteria)
    mapping = live_map(conn)
    _check_stage_order(conn, work_id, stage, mapping, reviewers_per_work)
    if not _view(conn, stage, mapping, [work_id]).by_work.get(work_id):
        raise InputError(
            f"nothing to resolve: no reviewer has screened work {work_id} at {stage}; "
            "use `review screen decide`",
            field="WORK",
        )
    row_id = _insert(
        conn, work_id=work_id, stage=stage, reviewer=resolver, decision=decision, reason=reason,
        note=note, kind="resolution", origin="resolve", reviewers_per_work=reviewers_per_work,
    )
    Store.log(conn, actor or resolver, "resolve", "work", work_id,
              {"stage": stage, "resolver": resolver, "decision": decision, "reason": reason, "row": row_id})
    return row_id
