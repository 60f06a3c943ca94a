"""Screening decisions: recorded append-only, read as a derived current view.

Every decision, undo (retraction) and reconciled decision (resolution) is a new row of
``screening_decisions``; nothing is updated or deleted. The current view keeps, per work,
stage and reviewer, the latest decision not withdrawn since, plus the latest resolution;
how a work's status follows from it is described in :mod:`review.screening.view`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound
from review.screening.tables import fulltext_reports
from review.screening.tables import screening_decisions as T
from review.screening.view import Conflict, Decision, StageView, combine, disagreement
from review.screening.works import family, live_map, require_live
from review.store import Store, now

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria

__all__ = [
    "DECISIONS", "STAGES", "STATUSES", "Conflict", "Decision", "StageView", "check_retrieved", "combine",
    "conflicts", "current_decisions", "last_decision", "record_decision", "resolve",
    "retract_decision", "reviewer_decisions", "work_status",
]

STAGES = ("title-abstract", "full-text")
DECISIONS = ("include", "exclude", "maybe")
STATUSES = ("undecided", "awaiting-second", "include", "exclude", "maybe", "conflict")
#: Title-abstract outcomes that send a work on to full-text screening.
PASSES_TITLE_ABSTRACT = ("include", "maybe")


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


def stage_view(conn: Connection, stage: str, mapping: dict[int, int] | None = None) -> StageView:
    """The whole current view of a stage."""
    check_stage(stage)
    return StageView(stage, live_map(conn) if mapping is None else mapping).load(conn)


def _work_view(conn: Connection, stage: str, work_id: int, reviewer: str | None = None) -> StageView:
    """The current view of one live work (and the works merged into it) at a stage."""
    ids = family(conn, work_id)
    return StageView(stage, dict.fromkeys(ids, work_id)).load(conn, works=ids, reviewer=reviewer)


def current_decisions(conn: Connection, stage: str) -> list[Decision]:
    """The latest non-retracted decision per (work, reviewer), plus each work's resolution."""
    return stage_view(conn, stage).current()


def eligible(live: Iterable[int], stage: str, title_abstract: StageView | None,
             reviewers_per_work: int, not_retrieved: Iterable[int] = ()) -> list[int]:
    """The live works screened at ``stage``: all at title-abstract; at full text those
    included or "maybe" at title-abstract (``title_abstract`` is that stage's view) whose
    report was not recorded as not retrieved (PRISMA 2020: reports not retrieved are not
    assessed for eligibility)."""
    if stage == "title-abstract" or title_abstract is None:
        return sorted(live)
    missing = set(not_retrieved)
    return sorted(w for w in live if w not in missing
                  and title_abstract.status(w, reviewers_per_work) in PASSES_TITLE_ABSTRACT)


def report_files(conn: Connection, mapping: dict[int, int],
                 works: Iterable[int] | None = None) -> dict[int, tuple[str, str | None]]:
    """Each live work's current full-text state and, when retrieved, its file:
    work id -> (status, file). Works with nothing recorded (pending) are absent.

    Args:
        works: only these recorded work ids (default: every work).
    """
    latest: dict[int, tuple[str, str | None]] = {}
    query = select(fulltext_reports.c.work_id, fulltext_reports.c.status, fulltext_reports.c.file)
    if works is not None:
        query = query.where(fulltext_reports.c.work_id.in_(list(works)))
    for work_id, status, file in conn.execute(query.order_by(fulltext_reports.c.id)):
        latest[mapping.get(work_id, work_id)] = (status, file)
    return latest


def not_retrieved_works(conn: Connection, mapping: dict[int, int]) -> set[int]:
    """Live works whose full text is currently recorded as not retrieved."""
    return {w for w, (status, _) in report_files(conn, mapping).items() if status == "not-retrieved"}


def _views(conn: Connection, stage: str, reviewers_per_work: int) -> tuple[StageView, list[int]]:
    check_stage(stage)
    mapping = live_map(conn)
    live = [w for w, lw in mapping.items() if w == lw]
    first = stage_view(conn, "title-abstract", mapping) if stage == "full-text" else None
    missing = not_retrieved_works(conn, mapping) if first is not None else set()
    return stage_view(conn, stage, mapping), eligible(live, stage, first, reviewers_per_work, missing)


def work_status(conn: Connection, stage: str, *, reviewers_per_work: int) -> dict[int, str]:
    """Status of every work eligible at ``stage`` (all live works at title-abstract; those
    included or "maybe" at title-abstract for full text): one of :data:`STATUSES`."""
    view, works = _views(conn, stage, reviewers_per_work)
    return {w: view.status(w, reviewers_per_work) for w in works}


def conflicts(conn: Connection, stage: str, *, reviewers_per_work: int) -> list[Conflict]:
    """Unresolved disagreements at ``stage``: on the decision or, at full text, the reason."""
    view, works = _views(conn, stage, reviewers_per_work)
    found: list[Conflict] = []
    for work in works:
        decisions = view.decisions(work)
        kind = disagreement(stage, decisions)
        if kind is not None and work not in view.resolutions:
            found.append(Conflict(work_id=work, stage=stage, kind=kind, decisions=decisions))
    return found


def reviewer_decisions(conn: Connection, stage: str, reviewer: str) -> dict[int, Decision]:
    """One reviewer's current decisions at ``stage``, by live work id (what they may see)."""
    check_stage(stage)
    view = StageView(stage, live_map(conn)).load(conn, reviewer=reviewer)
    return {d.work_id: d for d in view.current() if d.kind == "decision"}


def last_decision(conn: Connection, stage: str, reviewer: str) -> Decision | None:
    """The reviewer's most recently recorded decision still standing (what undo withdraws)."""
    mine = reviewer_decisions(conn, stage, reviewer)
    return max(mine.values(), key=lambda d: d.id) if mine else None


def latest_reviewers_per_work(conn: Connection) -> int | None:
    """The ``reviewers_per_work`` rule recorded with the most recent decision, if any."""
    query = select(T.c.reviewers_per_work).where(T.c.reviewers_per_work.is_not(None))
    return conn.execute(query.order_by(T.c.id.desc()).limit(1)).scalar_one_or_none()


# -- writing --------------------------------------------------------------------------


def _check_stage_order(conn: Connection, work_id: int, stage: str, rpw: int) -> None:
    if stage != "full-text":
        return
    status = _work_view(conn, "title-abstract", work_id).status(work_id, rpw)
    if status not in PASSES_TITLE_ABSTRACT:
        raise InputError(
            f"stage out of order: work {work_id} is {status} at title-abstract; full-text "
            "screening is for works included or 'maybe' at title-abstract",
            field="--stage",
        )


def check_retrieved(conn: Connection, work_id: int) -> None:
    """A full-text decision needs the work's report retrieved (PRISMA 2020: only retrieved
    reports are assessed for eligibility)."""
    ids = family(conn, work_id)
    status, _ = report_files(conn, dict.fromkeys(ids, work_id), ids).get(work_id, ("pending", None))
    if status == "retrieved":
        return
    state = {"pending": "not sought yet", "sought": "sought but not retrieved yet",
             "not-retrieved": "recorded as not retrieved"}.get(status, status)
    raise InputError(
        f"work {work_id} has no retrieved full text (its report is {state}); full-text screening "
        f"needs the report: record it with `review fulltext retrieved {work_id} --file PATH` "
        "(or `review fulltext import`)",
        field="WORK",
    )


def _insert(conn: Connection, **values: Any) -> int:
    values.setdefault("created_at", now())
    return int(conn.execute(insert(T).values(**values)).inserted_primary_key[0])


def _validated(conn: Connection, work_id: int, stage: str, who: str, decision: str,
               reason: str | None, note: str | None, reviewers: Sequence[str] | None,
               criteria: Criteria | None, reviewers_per_work: int) -> tuple[str, str | None]:
    """Every check a decision or resolution must pass; returns (reviewer, cleaned note)."""
    check_stage(stage)
    who = check_reviewer(who, reviewers)
    require_live(conn, work_id)
    check_decision(decision)
    note = note.strip() if note and note.strip() else None
    check_reason(stage, decision, reason, note, criteria)
    _check_stage_order(conn, work_id, stage, reviewers_per_work)
    if stage == "full-text":
        check_retrieved(conn, work_id)
    return who, note


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
        InputError: unknown stage, reviewer, decision or reason; a stage out of order; a
            full-text decision on a work whose report is not retrieved.
        NotFound: the work does not exist or was merged into another.
    """
    reviewer, note = _validated(conn, work_id, stage, reviewer, decision, reason, note,
                                reviewers, criteria, reviewers_per_work)
    mine = _work_view(conn, stage, work_id, reviewer).by_work.get(work_id, {}).get(reviewer)
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
    require_live(conn, work_id)
    live = work_id
    mine = _work_view(conn, stage, live, reviewer).by_work.get(live, {}).get(reviewer)
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
    resolver, note = _validated(conn, work_id, stage, resolver, decision, reason, note,
                                reviewers, criteria, reviewers_per_work)
    if not _work_view(conn, stage, work_id).by_work.get(work_id):
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
