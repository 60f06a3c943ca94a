"""Search and filter the works of a screening stage, labels on works, and each reviewer's
progress (the library behind ``/screen/STAGE/works``).

Blinding: a reviewer filters and sees only their own decisions and labels; a lead filters
by the work's status at the stage or by any reviewer's decision, and sees everyone's labels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound
from review.screening.decisions import STATUSES, check_stage, eligible, report_files, stage_view
from review.screening.view import StageView
from review.screening.works import live_map
from review.store import Store, now, schema
from review.web.tables import work_labels

#: What a reviewer may filter by: their own decision, or none yet.
OWN_DECISIONS = ("undecided", "include", "exclude", "maybe")

#: Rows a page lists at most (the count says how many matched).
SHOWN = 200


@dataclass
class Found:
    """Works that matched a filter (the first ``SHOWN``) and how many matched."""

    total: int
    works: list[dict[str, Any]] = field(default_factory=list)


def _stage(conn: Connection, stage: str, reviewers_per_work: int) -> tuple[StageView, list[int]]:
    check_stage(stage)
    mapping = live_map(conn)
    live = [w for w, lw in mapping.items() if w == lw]
    first = stage_view(conn, "title-abstract", mapping) if stage == "full-text" else None
    missing = ({w for w, (status, _) in report_files(conn, mapping).items() if status == "not-retrieved"}
               if first is not None else set())
    return stage_view(conn, stage, mapping), eligible(live, stage, first, reviewers_per_work, missing)


def clean_label(text: Any) -> str:
    """A label as stored: trimmed, one space between words, at most 80 characters.

    Raises:
        InputError: empty or too long.
    """
    label = " ".join(str(text or "").split())
    if not label:
        raise InputError("a label needs some text", field="label")
    if len(label) > 80:
        raise InputError("a label is at most 80 characters", field="label")
    return label


def labels_by_work(conn: Connection, user: str | None) -> dict[int, list[str]]:
    """Work id -> its labels (``user``'s own; None: everyone's, as ``label (name)``)."""
    query = select(work_labels.c.work_id, work_labels.c.label, work_labels.c.user_name).order_by(work_labels.c.id)
    if user is not None:
        query = query.where(work_labels.c.user_name == user)
    found: dict[int, list[str]] = {}
    for work, label, who in conn.execute(query):
        found.setdefault(work, []).append(label if user is not None else f"{label} ({who})")
    return found


def set_label(store: Store, work_id: int, label: Any, *, user: str, remove: bool = False) -> bool:
    """Put ``label`` on a work for ``user`` (or take it off); True when something changed.

    Raises:
        InputError: an empty or over-long label.
        NotFound: no such work.
    """
    text = clean_label(label)
    row = (work_labels.c.work_id == work_id, work_labels.c.label == text, work_labels.c.user_name == user)
    with store.transaction() as conn:
        if conn.execute(select(schema.works.c.id).where(schema.works.c.id == work_id)).first() is None:
            raise NotFound(f"there is no work {work_id}", field="work")
        there = conn.execute(select(work_labels.c.id).where(*row)).first() is not None
        if remove == (not there):
            return False
        if remove:
            conn.execute(delete(work_labels).where(*row))
        else:
            conn.execute(insert(work_labels).values(work_id=work_id, label=text, user_name=user, created_at=now()))
        Store.log(conn, user, "label-remove" if remove else "label-add", "work", work_id, {"label": text})
    return True


def find_works(
    conn: Connection,
    *,
    stage: str,
    user: str,
    lead: bool,
    reviewers_per_work: int = 1,
    decision: str = "",
    reviewer: str = "",
    label: str = "",
    words: str = "",
) -> Found:
    """The works at ``stage`` that match every filter given, by work id.

    Args:
        user: who asks; a reviewer (``lead`` false) filters and sees only their own
            decisions and labels.
        decision: a reviewer: ``undecided`` or their decision; a lead: with ``reviewer``,
            that reviewer's decision (``undecided``: none), else the work's status
            (``undecided``, ``awaiting-second``, ``include``, ``exclude``, ``maybe``, ``conflict``).
        reviewer: a lead only: whose decisions ``decision`` is about.
        label: a label the work carries (the user's own; a lead: anyone's).
        words: every word in the title, abstract or authors (case-insensitive).

    Raises:
        InputError: an unknown decision or status.
    """
    who = reviewer if lead and reviewer else (None if lead else user)
    allowed = OWN_DECISIONS if who is not None else STATUSES
    if decision and decision not in allowed:
        raise InputError(f"unknown decision {decision!r} (use one of {', '.join(allowed)})", field="decision")
    view, works = _stage(conn, stage, reviewers_per_work)
    w = schema.works
    query = select(w.c.id, w.c.title, w.c.year, w.c.authors)
    for word in words.split():
        pattern = f"%{word}%"
        query = query.where(or_(w.c.title.ilike(pattern), w.c.abstract.ilike(pattern), w.c.authors.ilike(pattern)))
    candidates = set(works)
    if label:
        wanted = clean_label(label)
        condition = work_labels.c.label == wanted
        if not lead:
            condition = and_(condition, work_labels.c.user_name == user)
        candidates &= {r for (r,) in conn.execute(select(work_labels.c.work_id).where(condition))}
    labels = labels_by_work(conn, None if lead else user)
    found = Found(total=0)
    for row in conn.execute(query.order_by(w.c.id)):
        if row.id not in candidates:
            continue
        by = view.by_work.get(row.id, {})
        mine = by.get(who) if who is not None else None
        if who is not None:
            shown = mine.decision if mine is not None else "undecided"
        else:
            shown = view.status(row.id, reviewers_per_work)
        if decision and shown != decision:
            continue
        found.total += 1
        if len(found.works) < SHOWN:
            item: dict[str, Any] = {"id": row.id, "title": row.title or "(no title)", "year": row.year,
                                    "decision": shown, "labels": labels.get(row.id, [])}
            if lead:
                item["decisions"] = {name: d.decision for name, d in sorted(by.items())}
            found.works.append(item)
    return found


def team_progress(conn: Connection, stage: str, reviewers: list[str], reviewers_per_work: int) -> list[dict[str, Any]]:
    """Each reviewer's counts at ``stage`` (for leads): screened, include, exclude, maybe,
    and works still waiting for them."""
    view, works = _stage(conn, stage, reviewers_per_work)
    names = sorted({*reviewers, *(name for by in view.by_work.values() for name in by)})
    statuses = {w: view.status(w, reviewers_per_work) for w in works}
    rows = []
    for name in names:
        counts = Counter(by[name].decision for w, by in view.by_work.items() if name in by and w in statuses)
        waiting = sum(1 for w, status in statuses.items()
                      if status in ("undecided", "awaiting-second") and name not in view.by_work.get(w, {}))
        rows.append({"reviewer": name, "screened": sum(counts.values()), "include": counts["include"],
                     "exclude": counts["exclude"], "maybe": counts["maybe"], "waiting": waiting})
    return rows
