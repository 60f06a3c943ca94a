"""A queue kept up to date row by row equals one built afresh (the web app's fast refresh)."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.screening.criteria import load_criteria
from review.screening.decisions import record_decision, retract_decision
from review.screening.queue import ScreeningQueue
from review.store import Store
from review.workspace import Workspace

STAGE = "title-abstract"


def _state(queue: ScreeningQueue) -> tuple:
    return (queue.pending, queue.mine, queue.second, list(queue.labels.items()), queue.order(),
            queue.progress().screened)


@pytest.mark.parametrize("per_work", [1, 2])
def test_row_by_row_refresh_equals_a_fresh_queue(example_copy: Path, per_work: int) -> None:
    workspace = Workspace.find(example_copy)
    store = Store.open(workspace.db_url)
    criteria = load_criteria(workspace.path("protocols", "criteria.yaml"))
    options = {"stage": STAGE, "reviewer": "SA", "reviewers_per_work": per_work, "criteria": criteria}
    with store.read() as conn:
        works = sorted(ScreeningQueue(conn, **options).ids)
    with store.transaction() as conn:  # JM decided every work: some become undecided again
        for work in works[:8]:
            retract_decision(conn, work_id=work, stage=STAGE, reviewer="JM")
    with store.read() as conn:
        kept = ScreeningQueue(conn, **options)
        cadenced = ScreeningQueue(conn, **options, retrain_every=5)
        assert set(works[:6]) <= kept.pending
    steps = [("SA", works[0], "exclude"), ("SA", works[1], "include"), ("JM", works[2], "exclude"),
             ("SA", works[3], "exclude"), ("undo", works[3], None), ("JM", works[4], "include"),
             ("SA", works[2], "maybe"), ("SA", works[5], "exclude")]
    for who, work, decision in steps:
        with store.transaction() as conn:
            if who == "undo":
                retract_decision(conn, work_id=work, stage=STAGE, reviewer="SA")
            else:
                record_decision(conn, work_id=work, stage=STAGE, reviewer=who, decision=decision,
                                reviewers_per_work=per_work, criteria=criteria)
        with store.read() as conn:
            kept.refresh(conn)
            cadenced.refresh(conn)
            fresh = ScreeningQueue(conn, **options)
        assert _state(kept) == _state(fresh), (who, work, decision)
        # Refitting less often keeps the same works to screen, in the last fitted order.
        assert cadenced.pending == fresh.pending and sorted(cadenced.order()) == sorted(fresh.order())
        assert cadenced.labels == fresh.labels and cadenced.mine == fresh.mine
    store.close()
