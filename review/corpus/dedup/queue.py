"""The queue of uncertain pairs that ``review dedup check`` shows a person.

Each run derives the uncertain pairs afresh; :func:`sync_queue` makes the table match:
new pairs open, pairs no longer uncertain become ``obsolete``, pairs a person has decided
stay ``decided`` (and are never asked again while that decision is in force).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from review.corpus.dedup.tables import queue
from review.store import now


@dataclass(frozen=True)
class QueueItem:
    id: int
    record_a: int
    record_b: int
    score: float
    guard: str | None


def sync_queue(
    conn: Connection,
    pairs: list[tuple[int, int, float, str]],
    *,
    decided: set[tuple[int, int]],
    run_id: int | None,
    write: bool,
) -> tuple[int, int]:
    """Make the queue hold exactly ``pairs`` (minus decided ones); returns (open, new)."""
    q = queue
    existing = {(row.record_a, row.record_b): row for row in conn.execute(select(q))}
    wanted = {(a, b): (score, guard) for a, b, score, guard in pairs if (a, b) not in decided}
    stamp = now()
    inserts, reopen, refresh, close, mark_decided = [], [], [], [], []
    for key, (score, guard) in wanted.items():
        row = existing.get(key)
        if row is None:
            inserts.append({"record_a": key[0], "record_b": key[1], "score": round(score, 4), "guard": guard or None,
                            "status": "open", "run_id": run_id, "created_at": stamp, "updated_at": stamp})
        elif row.status != "open":
            reopen.append({"qid": row.id, "score": round(score, 4), "guard": guard or None, "status": "open",
                           "updated_at": stamp})
        elif abs(row.score - round(score, 4)) > 1e-9 or (row.guard or "") != (guard or ""):
            refresh.append({"qid": row.id, "score": round(score, 4), "guard": guard or None, "updated_at": stamp})
    for key, row in existing.items():
        if row.status == "open" and key not in wanted:
            (mark_decided if key in decided else close).append({"qid": row.id, "updated_at": stamp})
    if write:
        if inserts:
            conn.execute(insert(q), inserts)
        for batch in (reopen, refresh):
            if batch:
                conn.execute(update(q).where(q.c.id == bindparam("qid")), batch)
        if close:
            conn.execute(update(q).where(q.c.id == bindparam("qid")).values(status="obsolete"), close)
        if mark_decided:
            conn.execute(update(q).where(q.c.id == bindparam("qid")).values(status="decided"), mark_decided)
    return len(wanted), len(inserts) + len(reopen)


def open_items(conn: Connection) -> list[QueueItem]:
    """Open pairs, the likeliest duplicates first, skipped ones last."""
    q = queue
    rows = conn.execute(select(q).where(q.c.status == "open"))
    items = sorted(rows, key=lambda r: (r.skipped_at is not None, r.skipped_at or "", -r.score, r.id))
    return [QueueItem(r.id, r.record_a, r.record_b, r.score, r.guard) for r in items]


def set_status(conn: Connection, record_a: int, record_b: int, status: str) -> None:
    a, b = sorted((record_a, record_b))
    conn.execute(update(queue).where(queue.c.record_a == a, queue.c.record_b == b)
                 .values(status=status, updated_at=now()))


def mark_skipped(conn: Connection, item_id: int) -> None:
    conn.execute(update(queue).where(queue.c.id == item_id).values(skipped_at=now(), updated_at=now()))
