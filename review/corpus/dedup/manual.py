"""``review dedup merge A B`` and ``review dedup split WORK RECORD``: a person's hand on the works.

Neither edits works directly: each records pair verdicts (``dedup_pair_decisions``, the
same rows ``review dedup check`` writes, origin ``cli``) and then runs dedup with the
latest run's settings, so every later run, also after new imports, keeps the result.

- merge: "same" between the two works' canonical records (the clustering then unites the
  two groups, unless a "different" verdict forbids it: reported as a conflict);
- split: "different" between the record and every other record of its work.
"""

from __future__ import annotations

from sqlalchemy import select

from review.corpus.dedup import live_work_id
from review.corpus.dedup.decisions import record_pair_decision
from review.corpus.dedup.run import DedupResult, dedup, last_settings
from review.corpus.dedup.settings import DedupSettings
from review.corpus.dedup.tables import works_x
from review.errors import InputError, NotFound
from review.store import Store, schema


def merge_works(store: Store, work_a: int, work_b: int, *, actor: str,
                settings: DedupSettings | None = None) -> DedupResult:
    """Say that two works are one; returns the dedup run that applied it.

    Raises:
        NotFound: there is no such work.
        InputError: both ids name the same (live) work.
    """
    with store.transaction() as conn:
        live_a, live_b = live_work_id(conn, work_a), live_work_id(conn, work_b)
        if live_a == live_b:
            raise InputError(f"works {work_a} and {work_b} are already one work ({live_a})", field="WORK")
        canon = {}
        for live in (live_a, live_b):
            canon[live] = conn.execute(select(works_x.c.canonical_record_id).where(works_x.c.id == live)).scalar_one()
        record_pair_decision(conn, canon[live_a], canon[live_b], "same", actor=actor, origin="cli",
                             note=f"dedup merge {work_a} {work_b}")
        settings = last_settings(conn, settings or DedupSettings())
    return dedup(store, actor=actor, settings=settings)


def split_record(store: Store, work: int, record: int, *, actor: str,
                 settings: DedupSettings | None = None) -> DedupResult:
    """Take a record out of its work (it is a different work from every other member).

    Raises:
        NotFound: there is no such work.
        InputError: the record is not in the work, or is its only record.
    """
    r = schema.records
    with store.transaction() as conn:
        live = live_work_id(conn, work)
        members = [int(x) for (x,) in conn.execute(select(r.c.id).where(r.c.work_id == live).order_by(r.c.id))]
        if record not in members:
            exists = conn.execute(select(r.c.id).where(r.c.id == record)).first()
            if exists is None:
                raise NotFound(f"there is no record {record}", field="RECORD")
            raise InputError(f"record {record} is not in work {work}", field="RECORD")
        if len(members) == 1:
            raise InputError(f"record {record} is the only record of work {work}", field="RECORD")
        for other in members:
            if other != record:
                record_pair_decision(conn, record, other, "different", actor=actor, origin="cli",
                                     note=f"dedup split {work} {record}")
        settings = last_settings(conn, settings or DedupSettings())
    return dedup(store, actor=actor, settings=settings)
