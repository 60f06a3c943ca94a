"""Keeping a screening queue up to date after each decision, without re-reading everything.

:class:`~review.screening.queue.ScreeningQueue` re-reads the decisions on ``refresh``. When
only new decision rows arrived (no retraction, no report retrieved), :func:`apply_new_decisions`
replays just those rows onto the queue's state: the works they touch get their new status,
leave or re-enter the reviewer's pending set and the second-review group, and their label
(what the model learns from) moves to the end of the labels, the newest decision. The
result is exactly the state a queue built afresh would have (tests/test_screening_queue_refresh.py);
the queue then decides, by its retraining cadence, whether the model is refitted.

A retraction can bring a work back and move its label's place in time backwards, which a
replay of new rows cannot express: then :func:`apply_new_decisions` returns None and the
queue rebuilds its state from the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.screening.decisions import PASSES_TITLE_ABSTRACT, StageView
from review.screening.tables import screening_decisions

__all__ = ["OPEN", "Applied", "QueueState", "apply_new_decisions", "kept_order", "label"]

#: Statuses of works that still need a reviewer.
OPEN = ("undecided", "awaiting-second")


def label(decision: str | None) -> int | None:
    """What the model learns from a decision or status: 1 relevant, 0 irrelevant, None nothing."""
    if decision in PASSES_TITLE_ABSTRACT:
        return 1
    if decision == "exclude":
        return 0
    return None


class QueueState(Protocol):
    """The part of a queue the replay reads and updates (``ScreeningQueue``'s attributes)."""

    stage: str
    reviewer: str | None
    reviewers_per_work: int
    view: StageView
    index: dict[int, int]  # work id -> its row in the ranker
    labels: dict[int, int]  # ranker row -> 1/0, oldest decision first
    pending: set[int]
    mine: dict[int, str]
    second: set[int]
    statuses: dict[int, str]  # candidate -> its status at the stage
    waiting: list[int]  # full text: eligible works whose report is not retrieved
    awaiting_retrieval: int


@dataclass(frozen=True)
class Applied:
    """What the new rows changed."""

    touched: list[int]  # the works they touched, oldest decision first
    reorder: bool  # a work entered the queue or changed group: the kept order is stale
    label_changes: int  # labels the model learns from that changed


def apply_new_decisions(queue: QueueState, conn: Connection, after: int) -> Applied | None:
    """Apply the decision rows after id ``after`` to the works they touch (the queue's views
    are already loaded); None when a full refresh is needed instead (a retraction).

    Args:
        queue: the queue's state, updated in place.
        conn: a connection to read the new rows with.
        after: the id of the last decision row the queue had read.
    """
    rows = conn.execute(select(screening_decisions.c.id, screening_decisions.c.work_id,
                               screening_decisions.c.kind)
                        .where(screening_decisions.c.stage == queue.stage, screening_decisions.c.id > after)
                        .order_by(screening_decisions.c.id)).all()
    if any(kind == "retraction" for _, _, kind in rows):
        return None
    mapping = queue.view.mapping
    touched = list(dict.fromkeys(mapping.get(work, work) for _, work, _ in reversed(rows)))[::-1]
    rpw = queue.reviewers_per_work
    blinded = queue.reviewer is not None and rpw > 1
    reorder = False
    changes = 0
    for work in touched:  # oldest first: each label moves to the end (the newest)
        mine = queue.view.by_work.get(work, {}).get(queue.reviewer) if queue.reviewer is not None else None
        was_mine = queue.mine.get(work)
        if mine is not None:
            queue.mine[work] = str(mine.decision)
        else:
            queue.mine.pop(work, None)
        if work not in queue.index:
            continue
        status = queue.statuses[work] = queue.view.status(work, rpw)
        if status in OPEN and work not in queue.mine:
            if work not in queue.pending:
                reorder = True
            queue.pending.add(work)
        else:
            queue.pending.discard(work)
        if rpw > 1 and queue.reviewer is not None:
            second = work in queue.pending and status == "awaiting-second"
            if second != (work in queue.second):
                reorder = True
                (queue.second.add if second else queue.second.discard)(work)
        if blinded and queue.mine.get(work) == was_mine:
            continue  # another reviewer's decision: what the model learns is unchanged
        place = queue.index[work]
        old = queue.labels.pop(place, None)
        value = label(queue.mine.get(work) if blinded else status)
        if value is not None:
            queue.labels[place] = value
        if value != old:
            changes += 1
    if queue.waiting:
        queue.awaiting_retrieval = sum(1 for w in queue.waiting if w not in queue.mine
                                       and queue.view.status(w, rpw) in OPEN)
    return Applied(touched, reorder, changes)


def kept_order(order: list[int], touched: list[int], pending: set[int]) -> list[int]:
    """The kept order less the ``touched`` works that left the queue (a few: removed in
    place; many: one pass)."""
    if len(touched) > 8:
        return [w for w in order if w in pending]
    for work in touched:
        if work not in pending and work in order:
            order.remove(work)
    return order
