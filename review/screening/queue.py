"""The order a reviewer screens in: most likely relevant first, retrained as decisions arrive.

A :class:`ScreeningQueue` holds one :class:`~review.screening.prioritise.Ranker` over every
live work's title and abstract (cold start from the protocol's keywords until both classes
have examples) and re-reads the decisions from the database on :meth:`refresh`.

What the model learns from keeps dual screening blinded:

- one reviewer per work: every settled decision at the stage (the team's, resolutions
  included), because nobody's decision is hidden from anyone;
- two or more per work: only the reviewer's own decisions, so the order never hints at
  what a colleague decided.

A work waits in a reviewer's queue while it is eligible at the stage, the reviewer has not
decided it, and it still needs a decision (``undecided`` or ``awaiting-second``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from review.screening.decisions import (
    PASSES_TITLE_ABSTRACT,
    check_stage,
    current_decisions,
    work_status,
)
from review.screening.works import WorkView, load_works, require_works

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria

#: Statuses of works that still need a reviewer.
OPEN = ("undecided", "awaiting-second")


def _label(decision: str | None) -> int | None:
    if decision in PASSES_TITLE_ABSTRACT:
        return 1
    if decision == "exclude":
        return 0
    return None


@dataclass(frozen=True)
class Ranked:
    """One work in the queue: its place, its work and the model's score."""

    position: int
    work: WorkView
    score: float


@dataclass(frozen=True)
class Progress:
    """Where a reviewer stands at a stage."""

    screened: int  # works this reviewer has decided
    total: int  # screened + still in their queue
    included: int  # of the reviewer's decisions: include
    maybe: int
    excluded: int
    remaining: int  # works left in their queue
    estimate: Any | None  # Ranker.estimate_remaining(...) (has .expected), None if no queue


class ScreeningQueue:
    """A reviewer's (or, with ``reviewer=None``, the team's) prioritised queue at a stage.

    Args:
        conn: a connection to read works and decisions with.
        stage: the screening stage.
        reviewer: whose queue; ``None`` for every work still needing a decision.
        reviewers_per_work: the dual-screening rule (review.toml ``[screening]``).
        criteria: the protocol, for the cold-start keywords.
        seed: random seed for the model.

    Raises:
        InputError: there are no works yet (run ``review dedup`` first), or a bad stage.
    """

    def __init__(
        self,
        conn: Connection,
        *,
        stage: str,
        reviewer: str | None = None,
        reviewers_per_work: int = 1,
        criteria: Criteria | None = None,
        seed: int = 0,
    ) -> None:
        check_stage(stage)
        require_works(conn)
        from review.screening.prioritise import Ranker  # scikit-learn: load only when ranking

        self.stage = stage
        self.reviewer = reviewer
        self.reviewers_per_work = reviewers_per_work
        self.works = load_works(conn)
        self.ids = list(self.works)
        self.index = {work: i for i, work in enumerate(self.ids)}
        self.ranker = Ranker(
            [self.works[w].text for w in self.ids],
            include_keywords=tuple(criteria.keywords_include) if criteria else (),
            exclude_keywords=tuple(criteria.keywords_exclude) if criteria else (),
            seed=seed,
        )
        self.labels: dict[int, int] = {}
        self.pending: set[int] = set()
        self.mine: dict[int, str] = {}
        self.refresh(conn)

    def refresh(self, conn: Connection) -> None:
        """Re-read the decisions: what the model learns from and what is left to screen."""
        statuses = work_status(conn, self.stage, reviewers_per_work=self.reviewers_per_work)
        current = current_decisions(conn, self.stage)
        self.mine = {
            d.work_id: str(d.decision)
            for d in current
            if d.kind == "decision" and d.reviewer == self.reviewer
        }
        self.pending = {
            w for w, status in statuses.items()
            if status in OPEN and w not in self.mine and w in self.index
        }
        labels: dict[int, int] = {}
        if self.reviewer is not None and self.reviewers_per_work > 1:
            for work, decision in self.mine.items():
                value = _label(decision)
                if value is not None and work in self.index:
                    labels[self.index[work]] = value
        else:
            for work, status in statuses.items():
                value = _label(status)
                if value is not None and work in self.index:
                    labels[self.index[work]] = value
        self.labels = labels

    def order(self) -> list[int]:
        """Work ids still to screen, most likely relevant first."""
        ordered = [self.ids[i] for i in self.ranker.order(self.labels) if self.ids[i] in self.pending]
        seen = set(ordered)
        return ordered + sorted(w for w in self.pending if w not in seen)

    def top(self, n: int) -> list[Ranked]:
        """The first ``n`` works of the queue with their scores."""
        scores = self.ranker.scores(self.labels)
        return [
            Ranked(position, self.works[w], float(scores[self.index[w]]))
            for position, w in enumerate(self.order()[:n], start=1)
        ]

    def estimate(self) -> Any:
        """The ranker's estimate of relevant works not yet labelled (``.expected``)."""
        return self.ranker.estimate_remaining(self.labels)

    def progress(self) -> Progress:
        values = list(self.mine.values())
        return Progress(
            screened=len(values),
            total=len(values) + len(self.pending),
            included=values.count("include"),
            maybe=values.count("maybe"),
            excluded=values.count("exclude"),
            remaining=len(self.pending),
            estimate=self.estimate() if self.pending else None,
        )
