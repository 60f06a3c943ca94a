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
decided it, and it still needs a decision (``undecided`` or ``awaiting-second``). At full
text only works whose report is retrieved are offered (a decision needs the report); the
others are counted as waiting for retrieval.

With two or more reviewers per work, works another reviewer has already screened come
first (review.toml ``[screening] second_reviewer_first``, default true), ranked among
themselves by the model, as Covidence and Rayyan do: otherwise each reviewer works down
their own ranking and few works get both reviews until the very end. Only the fact that
someone else screened a work is used, never what they decided.

:func:`next_work` is the one call a front end (the terminal session, a web app) needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.screening.decisions import (
    StageView,
    check_reviewer,
    check_stage,
    eligible,
    report_files,
)
from review.screening.queue_update import OPEN, apply_new_decisions, kept_order, label
from review.screening.tables import fulltext_reports, screening_decisions
from review.screening.works import WorkView, live_map, load_works, require_works

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria
    from review.store import Store

#: Replaying only new rows relies on ids growing in commit order, which SQLite's single
#: writer guarantees; on a server database a rebuild now and then catches any stragglers.
FULL_RELOAD_EVERY = 50

#: Relevant and irrelevant decisions the model needs (before that: the cold start).
MIN_EACH = 2


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
    estimate: Any | None  # stopping.RemainingEstimate (.expected, .low, .high: None until it
    # has enough decisions; .summary() says so), or None when the queue is empty
    awaiting_second: int = 0  # of ``remaining``: screened by another reviewer, waiting for this one
    awaiting_retrieval: int = 0  # full text: works this reviewer would screen once retrieved


@dataclass(frozen=True)
class QueueItem:
    """The work to screen next, and what a front end shows with it."""

    work: WorkView
    report_file: str | None  # full text: the retrieved report's file (as recorded)
    second_review: bool  # another reviewer screened it (what they decided stays hidden)


class ScreeningQueue:
    """A reviewer's (or, with ``reviewer=None``, the team's) prioritised queue at a stage.

    Args:
        conn: a connection to read works and decisions with.
        stage: the screening stage.
        reviewer: whose queue; ``None`` for every work still needing a decision.
        reviewers_per_work: the dual-screening rule (review.toml ``[screening]``).
        criteria: the protocol, for the cold-start keywords.
        seed: random seed for the model.
        second_reviewer_first: with two or more reviewers per work, offer works another
            reviewer has screened first (review.toml ``[screening] second_reviewer_first``).
        model: the ranking model (review.toml ``[screening] model``, a name of
            ``Ranker.MODELS``; None: ``Ranker.DEFAULT_MODEL``).
        retrain_every: refit the model after this many new decisions (default 1: after
            every decision); in between, the last fitted order is kept, less the works
            decided since. Whatever the cadence, a new decision leaves the queue at once.

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
        second_reviewer_first: bool = True,
        model: str | None = None,
        retrain_every: int = 1,
    ) -> None:
        check_stage(stage)
        require_works(conn)
        self.stage = stage
        self.reviewer = reviewer
        self.reviewers_per_work = reviewers_per_work
        mapping = live_map(conn)
        self.live = [w for w, live in mapping.items() if w == live]
        self.works = load_works(conn, self.live)
        self.keywords = (
            tuple(criteria.keywords_include) if criteria else (),
            tuple(criteria.keywords_exclude) if criteria else (),
        )
        self.seed = seed
        self.second_reviewer_first = second_reviewer_first
        #: The ranking model (``[screening] model``; None: ``Ranker.DEFAULT_MODEL``).
        self.model = model
        #: The protocol as text (its title and inclusion criteria), for the ``protocol`` model.
        self.protocol = " ".join([criteria.title, *(c.text for c in criteria.criteria if c.kind == "include")]
                                 ) if criteria else ""
        #: Keywords per work (``;`` between them), read only for the models that use fields.
        self.work_keywords = _keywords(conn, self.live) if _reads_fields(model) else {}
        # Kept up to date by replaying new rows (decisions are append-only).
        self.view = StageView(stage, mapping)
        self.first = StageView("title-abstract", mapping) if stage == "full-text" else None
        self.ids: list[int] = []
        self.index: dict[int, int] = {}
        self.ranker: Any = None
        self.labels: dict[int, int] = {}
        self.pending: set[int] = set()
        self.mine: dict[int, str] = {}
        self.second: set[int] = set()  # pending works another reviewer has screened
        self.files: dict[int, str | None] = {}  # full text: retrieved works -> their file
        self.awaiting_retrieval = 0
        self._loads = 0
        self._seen: tuple[Any, Any] | None = None  # the newest decision and report rows read
        self._order: list[int] | None = None
        self._estimate: Any = None
        #: Refit the model after this many new decisions (1: after every one, as the
        #: terminal session does; a web server passes more, see :meth:`order`).
        self.retrain_every = max(1, retrain_every)
        self.statuses: dict[int, str] = {}  # candidate -> its status at the stage
        self.waiting: list[int] = []  # full text: eligible works whose report is not retrieved
        self._ranking: list[int] | None = None  # work ids in the last fitted model's order
        self._since_fit = 0  # label changes since that fit
        self.refresh(conn)

    def refresh(self, conn: Connection) -> None:
        """Re-read the decisions: what the model learns from and what is left to screen
        (nothing to do when no decision or report was recorded since the last read)."""
        newest = conn.execute(select(select(func.max(screening_decisions.c.id)).scalar_subquery(),
                                     select(func.max(fulltext_reports.c.id)).scalar_subquery())).one()
        if self._seen == tuple(newest):
            return
        previous, self._seen = self._seen, tuple(newest)
        self._loads += 1
        rebuild = self._loads % FULL_RELOAD_EVERY == 0
        if rebuild:  # see FULL_RELOAD_EVERY
            self.view = StageView(self.stage, self.view.mapping)
            self.first = StageView("title-abstract", self.view.mapping) if self.first else None
        seen_here = self.view.last_id
        seen_first = self.first.last_id if self.first is not None else 0
        self.view.load(conn)
        if self.first is not None:
            self.first.load(conn)
        if (not rebuild and previous is not None and previous[1] == newest[1]
                and (self.first is None or self.first.last_id == seen_first)
                and (applied := apply_new_decisions(self, conn, seen_here)) is not None):
            self._follow(applied.touched, applied.reorder, applied.label_changes)
            return
        self._full_refresh(conn)

    def _full_refresh(self, conn: Connection) -> None:
        """Every candidate's status, the reviewer's decisions and the labels, from the views."""
        rpw = self.reviewers_per_work
        reports = report_files(conn, self.view.mapping) if self.first is not None else {}
        missing = [w for w, (status, _) in reports.items() if status == "not-retrieved"]
        candidates = eligible(self.live, self.stage, self.first, rpw, missing)
        waiting: list[int] = []
        if self.first is not None:  # full text: only retrieved reports can be screened
            self.files = {w: file for w, (status, file) in reports.items() if status == "retrieved"}
            waiting = [w for w in candidates if w not in self.files]
            candidates = [w for w in candidates if w in self.files]
        if candidates != self.ids:  # at full text, title-abstract decisions change the set
            self._rank_over(candidates)
        self.waiting = waiting
        statuses = self.statuses = {w: self.view.status(w, rpw) for w in candidates}
        self.mine = {
            work: str(by[self.reviewer].decision)
            for work, by in self.view.by_work.items()
            if self.reviewer in by
        }
        self.pending = {w for w, status in statuses.items() if status in OPEN and w not in self.mine}
        self.second = ({w for w in self.pending if statuses[w] == "awaiting-second"}
                       if rpw > 1 and self.reviewer is not None else set())
        self.awaiting_retrieval = sum(1 for w in waiting if w not in self.mine
                                      and self.view.status(w, rpw) in OPEN)
        # Blinded: only the reviewer's own decisions; otherwise the team's settled ones.
        source = self.mine if self.reviewer is not None and rpw > 1 else statuses
        # In the order decided (the stopping estimate reads the most recent decisions).
        when = self._decided_at(rpw > 1)
        self.labels = {
            self.index[work]: value
            for work, decision in sorted(source.items(), key=lambda item: when.get(item[0], 0))
            if work in self.index and (value := label(decision)) is not None
        }
        self._order = None
        self._estimate = None
        self._ranking = None

    def _follow(self, touched: list[int], reorder: bool, label_changes: int) -> None:
        """After new decisions were applied (:mod:`review.screening.queue_update`): the
        stopping estimate and the order follow the model's retraining cadence."""
        self._since_fit += label_changes
        if self.retrain_every == 1 or self._since_fit >= self.retrain_every:
            self._estimate = None  # the stopping estimate follows the model's cadence
        if reorder or self._order is None or self._since_fit >= self.retrain_every:
            self._order = None  # re-ranked (refitted when the cadence says so) on the next order()
        else:
            self._order = kept_order(self._order, touched, self.pending)

    def _decided_at(self, blinded: bool) -> dict[int, int]:
        """Work id -> the id of the decision row that settled it (the reviewer's own when
        blinded; else the latest decision or resolution): decision ids grow in time."""
        when: dict[int, int] = {}
        for work, by in self.view.by_work.items():
            if blinded and self.reviewer is not None:
                if self.reviewer in by:
                    when[work] = by[self.reviewer].id
            elif by:
                when[work] = max(d.id for d in by.values())
        if not blinded:
            for work, resolution in self.view.resolutions.items():
                when[work] = max(when.get(work, 0), resolution.id)
        return when

    def _rank_over(self, ids: list[int]) -> None:
        """(Re)build the model over the works screened at this stage: the estimate of
        relevant works remaining then counts only works that can still be screened."""
        from review.screening.feature_cache import shared_ranker

        self.ids = ids
        self.index = {work: i for i, work in enumerate(ids)}
        if not ids:
            self.ranker = None
            return
        include, exclude = self.keywords
        fields = {"keywords": [self.work_keywords.get(w, "") for w in ids],
                  "authors": ["; ".join(self.works[w].authors) for w in ids],
                  "journal": [self.works[w].journal or "" for w in ids]}
        self.ranker = shared_ranker([self.works[w].text for w in ids], include_keywords=include,
                                    exclude_keywords=exclude, seed=self.seed, model=self.model,
                                    protocol=self.protocol, fields=fields)

    def order(self) -> list[int]:
        """Work ids still to screen, most likely relevant first (works waiting for this
        reviewer's second review before the rest, when ``second_reviewer_first``)."""
        if self.ranker is None:
            return []
        if self._order is None:
            if self._ranking is None or self._since_fit >= self.retrain_every:
                self._ranking = [self.ids[i] for i in self.ranker.order(self.labels)]
                self._since_fit = 0
            ranked = [w for w in self._ranking if w in self.pending]
            seen = set(ranked)
            ranked += sorted(w for w in self.pending if w not in seen)
            if self.second_reviewer_first and self.second:  # stable: model order within each group
                ranked.sort(key=lambda w: w not in self.second)
            self._order = ranked
        return self._order

    def item(self, work_id: int) -> QueueItem:
        """What a front end shows for one work of the queue."""
        return QueueItem(self.works[work_id], self.files.get(work_id), work_id in self.second)

    def top(self, n: int) -> list[Ranked]:
        """The first ``n`` works of the queue with their scores."""
        if self.ranker is None:
            return []
        scores = self.ranker.scores(self.labels)
        return [
            Ranked(position, self.works[w], float(scores[self.index[w]]))
            for position, w in enumerate(self.order()[:n], start=1)
        ]

    def estimate(self) -> Any:
        """How many relevant works may remain unscreened: a
        :class:`~review.screening.stopping.RemainingEstimate` (``.summary()`` for people)."""
        if self._estimate is None and self.ranker is not None:
            self._estimate = self.ranker.estimate_remaining(self.labels)
        return self._estimate

    def can_estimate(self) -> bool:
        """Whether there are enough decisions for a figure (before that the estimate says
        how many more decisions it needs)."""
        estimate = self.estimate()
        return bool(estimate is not None and estimate.ready)

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
            awaiting_second=len(self.second),
            awaiting_retrieval=self.awaiting_retrieval,
        )


def next_work(
    store: Store,
    *,
    stage: str,
    reviewer: str,
    reviewers: list[str] | None = None,
    reviewers_per_work: int = 1,
    criteria: Criteria | None = None,
    second_reviewer_first: bool = True,
    skip: tuple[int, ...] = (),
    seed: int = 0,
) -> tuple[QueueItem | None, Progress]:
    """The work ``reviewer`` should screen next at ``stage``, and where they stand.

    The same order as ``review screen`` (one front end's session keeps a
    :class:`ScreeningQueue` instead, to avoid re-reading everything per work).

    Args:
        store: the workspace's store.
        stage: ``title-abstract`` or ``full-text``.
        reviewer: whose queue (must be in ``reviewers`` when that is given).
        reviewers_per_work: the dual-screening rule (review.toml ``[screening]``).
        second_reviewer_first: see :class:`ScreeningQueue`.
        skip: works to pass over (skipped in this session), unless nothing else is left.

    Returns:
        The next work (None when the queue is empty) and the reviewer's progress.

    Raises:
        InputError: unknown stage or reviewer; no works yet.
    """
    reviewer = check_reviewer(reviewer, reviewers)
    with store.read() as conn:
        queue = ScreeningQueue(conn, stage=stage, reviewer=reviewer, reviewers_per_work=reviewers_per_work,
                               criteria=criteria, seed=seed, second_reviewer_first=second_reviewer_first)
    order = queue.order()
    chosen = next((w for w in order if w not in skip), order[0] if order else None)
    return (queue.item(chosen) if chosen is not None else None), queue.progress()


def _reads_fields(model: str | None) -> bool:
    """Whether the model reads the works' keywords (the default does not: no scikit-learn
    import just to say so)."""
    if model is None:
        return False
    from review.screening.prioritise import Ranker

    return model in Ranker.FIELD_MODELS


def _keywords(conn: Connection, ids: list[int]) -> dict[int, str]:
    """Work id -> its keywords joined by ``;`` (the works' JSON lists)."""
    import json

    from review.store import schema

    wanted = set(ids)
    found: dict[int, str] = {}
    for row in conn.execute(select(schema.works.c.id, schema.works.c.keywords)):
        if row.id in wanted and row.keywords:
            value = json.loads(row.keywords) if isinstance(row.keywords, str) else row.keywords
            found[row.id] = "; ".join(str(k) for k in value) if isinstance(value, list) else str(value)
    return found
