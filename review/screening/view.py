"""The current view of screening decisions, derived from the append-only rows.

A :class:`StageView` replays the rows of one stage in id order: a decision replaces the
reviewer's earlier one on that work, a retraction withdraws it, a resolution decides the
work. Because rows are only ever appended, a view is kept up to date by replaying the rows
added since (:meth:`StageView.load` again), which keeps an interactive session fast on
large reviews.

How a work's status follows from its current decisions (``reviewers_per_work`` comes from
review.toml ``[screening]``):

- a resolution, if any, decides it;
- no decision: ``undecided``; fewer than the required reviewers, none disagreeing:
  ``awaiting-second``; otherwise the reviewers' common decision, or ``conflict``;
- at title-abstract "include" and "maybe" agree (both send the work on to full text, as in
  Covidence): the status is ``maybe`` if anyone said maybe; only include or maybe against
  exclude is a conflict;
- at full text any difference is a conflict, and so are two exclusions for different
  reasons (PRISMA reports one reason per report).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.screening.tables import screening_decisions as T


@dataclass(slots=True)
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


@dataclass
class Conflict:
    """A work whose reviewers disagree on the decision or, at full text, on the reason."""

    work_id: int
    stage: str
    kind: str  # "decision" | "reason"
    decisions: list[Decision] = field(default_factory=list)


def disagreement(stage: str, decisions: Sequence[Decision]) -> str | None:
    """``"decision"`` or ``"reason"`` if the decisions disagree at ``stage``, else None."""
    values = {d.decision for d in decisions}
    if stage == "title-abstract":
        return "decision" if "exclude" in values and len(values) > 1 else None
    if len(values) > 1:
        return "decision"
    if values == {"exclude"} and len({d.reason for d in decisions}) > 1:
        return "reason"
    return None


def combine(
    stage: str, decisions: Sequence[Decision], resolution: Decision | None, reviewers_per_work: int
) -> str:
    """A work's status at a stage from its current decisions (see the module docstring)."""
    if resolution is not None:
        return str(resolution.decision)
    if not decisions:
        return "undecided"
    if disagreement(stage, decisions) is not None:
        return "conflict"
    if len(decisions) < reviewers_per_work:
        return "awaiting-second"
    values = {d.decision for d in decisions}
    if values == {"exclude"}:
        return "exclude"
    return "maybe" if "maybe" in values else "include"


_COLUMNS = (T.c.id, T.c.work_id, T.c.stage, T.c.reviewer, T.c.decision, T.c.reason, T.c.note,
            T.c.kind, T.c.origin, T.c.created_at, T.c.reviewers_per_work)


class StageView:
    """Current decisions per live work at one stage, and each work's latest resolution.

    Args:
        stage: the stage.
        mapping: recorded work id -> live work id (from ``works.live_map``); ids not in it
            are taken as live.
    """

    def __init__(self, stage: str, mapping: dict[int, int] | None = None) -> None:
        self.stage = stage
        self.mapping = mapping or {}
        self.by_work: dict[int, dict[str, Decision]] = {}
        self.resolutions: dict[int, Decision] = {}
        self.last_id = 0

    def load(self, conn: Connection, *, works: Iterable[int] | None = None,
             reviewer: str | None = None) -> StageView:
        """Replay the rows added since the last load (optionally only some works' or one
        reviewer's rows, given as recorded work ids)."""
        query = select(*_COLUMNS).where(T.c.stage == self.stage, T.c.id > self.last_id)
        if works is not None:
            query = query.where(T.c.work_id.in_(list(works)))
        if reviewer is not None:
            query = query.where(T.c.reviewer == reviewer)
        mapping = self.mapping
        for row in conn.execute(query.order_by(T.c.id)):
            row_id, work, stage, who, decision, reason, note, kind, origin, created, rpw = row
            live = mapping.get(work, work)
            self.last_id = row_id
            if kind == "retraction":
                self.by_work.get(live, {}).pop(who, None)
                continue
            item = Decision(row_id, live, stage, who, decision, reason, note, kind, origin, created, work, rpw)
            if kind == "resolution":
                self.resolutions[live] = item
            else:
                self.by_work.setdefault(live, {})[who] = item
        return self

    def decisions(self, work: int) -> list[Decision]:
        """The reviewers' current decisions on a work, by reviewer name."""
        return sorted(self.by_work.get(work, {}).values(), key=lambda d: d.reviewer)

    def status(self, work: int, reviewers_per_work: int) -> str:
        return combine(self.stage, list(self.by_work.get(work, {}).values()),
                       self.resolutions.get(work), reviewers_per_work)

    def current(self) -> list[Decision]:
        """Every current decision and resolution, by work, decisions before resolutions."""
        found = [d for reviewers in self.by_work.values() for d in reviewers.values()]
        found.extend(self.resolutions.values())
        return sorted(found, key=lambda d: (d.work_id, d.kind == "resolution", d.reviewer))
