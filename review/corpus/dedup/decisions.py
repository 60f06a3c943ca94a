"""A person's verdicts on pairs of records: appended, never changed; the latest one wins.

``record_pair_decision`` appends a "same" or "different" row; ``retract_pair_decision``
appends a "retracted" row that withdraws the verdict in force. ``current_decisions``
derives the verdict in force for every pair. Every dedup run applies them (see
:mod:`review.corpus.dedup.cluster`), so an update never undoes manual work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from review.corpus.dedup.tables import pair_decisions
from review.errors import InputError, NotFound
from review.store import Store, now, schema

VERDICT_WORDS = {"same": "same", "different": "different"}


@dataclass(frozen=True)
class PairDecision:
    """The verdict in force on one pair of records."""

    id: int
    record_a: int
    record_b: int
    verdict: str  # same | different
    actor: str
    created_at: str


def ordered(a: int, b: int) -> tuple[int, int]:
    """A pair as (lower id, higher id)."""
    if a == b:
        raise InputError(f"a record cannot be paired with itself (record {a})", field="RECORD")
    return (a, b) if a < b else (b, a)


def current_decisions(conn: Connection) -> dict[tuple[int, int], PairDecision]:
    """The verdict in force per pair (pairs whose latest row is a retraction are absent)."""
    d = pair_decisions
    latest = (
        select(d.c.record_a, d.c.record_b, func.max(d.c.id).label("last"))
        .group_by(d.c.record_a, d.c.record_b)
        .subquery()
    )
    rows = conn.execute(select(d).join(latest, d.c.id == latest.c.last))
    out: dict[tuple[int, int], PairDecision] = {}
    for row in rows:
        if row.verdict in VERDICT_WORDS:
            out[(row.record_a, row.record_b)] = PairDecision(
                row.id, row.record_a, row.record_b, row.verdict, row.actor, row.created_at
            )
    return out


def _require_records(conn: Connection, *ids: int) -> None:
    found = {r for (r,) in conn.execute(select(schema.records.c.id).where(schema.records.c.id.in_(ids)))}
    for rid in ids:
        if rid not in found:
            raise NotFound(f"there is no record {rid}", field="RECORD")


def record_pair_decision(
    conn: Connection, a: int, b: int, verdict: str, *, actor: str, origin: str = "api", note: str | None = None
) -> int:
    """Append a verdict ("same" or "different") on records ``a`` and ``b``; returns its row id."""
    if verdict not in VERDICT_WORDS:
        raise InputError(f"unknown verdict {verdict!r} (use same or different)", field="verdict")
    ra, rb = ordered(a, b)
    _require_records(conn, ra, rb)
    row_id = conn.execute(
        insert(pair_decisions).values(record_a=ra, record_b=rb, verdict=verdict, actor=actor,
                                      origin=origin, note=note, created_at=now())
    ).inserted_primary_key[0]
    Store.log(conn, actor, f"dedup-{verdict}", "record-pair", f"{ra}-{rb}", {"decision": row_id, "origin": origin})
    return int(row_id)


def retract_pair_decision(conn: Connection, a: int, b: int, *, actor: str, origin: str = "api") -> int | None:
    """Append a retraction of the verdict in force on ``a``/``b``; None if there is none."""
    ra, rb = ordered(a, b)
    d = pair_decisions
    last = conn.execute(
        select(d).where(d.c.record_a == ra, d.c.record_b == rb).order_by(d.c.id.desc()).limit(1)
    ).first()
    if last is None or last.verdict == "retracted":
        return None
    row_id = conn.execute(
        insert(d).values(record_a=ra, record_b=rb, verdict="retracted", retracts=last.id, actor=actor,
                         origin=origin, created_at=now())
    ).inserted_primary_key[0]
    Store.log(conn, actor, "dedup-retract", "record-pair", f"{ra}-{rb}", {"retracts": last.id, "origin": origin})
    return int(row_id)
