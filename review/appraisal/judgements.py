"""Recording appraisal judgements and reading the current view.

Every answer, design category and resolution is appended to ``appraisal_judgements`` and
to the audit trail; the current view is the latest row per report, reviewer and item (a
resolution: the latest per report and item, whoever settled it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from review.appraisal.tables import CATEGORY_ITEM, KINDS, appraisal_judgements
from review.store import Store, now


@dataclass
class Given:
    """One current answer (or design category) with its comment and who gave it."""

    answer: str
    comment: str | None = None
    reviewer: str = ""
    subcategories: tuple[str, ...] = ()
    at: str = ""


@dataclass
class Appraisal:
    """One reviewer's (or the resolutions') current appraisal of one report."""

    instrument: str | None = None
    items: dict[str, Given] = field(default_factory=dict)  # item id (or "category") -> Given

    @property
    def category(self) -> Given | None:
        return self.items.get(CATEGORY_ITEM)

    @property
    def categories(self) -> list[str]:
        """The design category then the categories it is also rated on ([] when none)."""
        given = self.category
        if given is None or given.answer is None:
            return []
        return [given.answer, *given.subcategories]

    def answers(self) -> dict[str, Given]:
        return {k: v for k, v in self.items.items() if k != CATEGORY_ITEM}


@dataclass
class ReportAppraisals:
    """Everything recorded for one report: per reviewer, and the resolutions."""

    work_id: int
    reviewers: dict[str, Appraisal] = field(default_factory=dict)
    resolved: Appraisal = field(default_factory=Appraisal)

    @property
    def instrument(self) -> str | None:
        for appraisal in [self.resolved, *self.reviewers.values()]:
            if appraisal.instrument:
                return appraisal.instrument
        return None


def split_subcategories(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip())


def current(conn: Connection, work_ids: Iterable[int] | None = None) -> dict[int, ReportAppraisals]:
    """The current appraisals, by work id (only works with at least one row)."""
    t = appraisal_judgements
    query = select(t).order_by(t.c.id)
    if work_ids is not None:
        query = query.where(t.c.work_id.in_(list(work_ids)))
    found: dict[int, ReportAppraisals] = {}
    for row in conn.execute(query):
        report = found.setdefault(row.work_id, ReportAppraisals(row.work_id))
        target = report.resolved if row.kind == "resolution" else report.reviewers.setdefault(row.reviewer, Appraisal())
        target.instrument = row.instrument
        if row.answer is None:
            target.items.pop(row.item, None)
        else:
            target.items[row.item] = Given(row.answer, row.comment, row.reviewer,
                                           split_subcategories(row.subcategories), row.created_at)
    return found


def record(conn: Connection, *, work_id: int, instrument: str, item: str, answer: str | None,
           reviewer: str, actor: str, origin: str, comment: str | None = None,
           subcategories: Iterable[str] = (), kind: str = "judgement") -> bool:
    """Append one judgement (or resolution) unless it equals the current one.

    Returns:
        Whether a row was written (False: the same answer, comment and categories are current).
    """
    if kind not in KINDS:
        raise ValueError(kind)
    subs = tuple(subcategories)
    state = current(conn, [work_id]).get(work_id, ReportAppraisals(work_id))
    holder = state.resolved if kind == "resolution" else state.reviewers.get(reviewer, Appraisal())
    now_given = holder.items.get(item)
    comment = (comment or "").strip() or None
    if answer is None and now_given is None:
        return False
    if (now_given is not None and answer == now_given.answer and comment == now_given.comment
            and subs == now_given.subcategories and holder.instrument == instrument):
        return False
    append(conn, work_id=work_id, instrument=instrument, item=item, answer=answer, reviewer=reviewer,
           actor=actor, origin=origin, comment=comment, subcategories=subs, kind=kind,
           previous=now_given.answer if now_given else None)
    return True


def append(conn: Connection, *, work_id: int, instrument: str, item: str, answer: str | None,
           reviewer: str, actor: str, origin: str, comment: str | None = None,
           subcategories: tuple[str, ...] = (), kind: str = "judgement", previous: str | None = None) -> None:
    """Write one row and its audit event (no check against the current view)."""
    subs = subcategories
    conn.execute(insert(appraisal_judgements).values(
        work_id=work_id, instrument=instrument, item=item, answer=answer,
        subcategories=",".join(subs) or None, comment=comment, reviewer=reviewer, kind=kind,
        origin=origin, created_at=now()))
    detail = {"instrument": instrument, "item": item, "answer": answer, "reviewer": reviewer,
              "origin": origin}
    if comment:
        detail["comment"] = comment
    if subs:
        detail["subcategories"] = list(subs)
    if previous is not None:
        detail["previous"] = previous
    Store.log(conn, actor, "appraise" if kind == "judgement" else "appraise-resolve", "work", work_id, detail)
