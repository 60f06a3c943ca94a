"""``review dedup``: load records, run the core, keep work ids stable, write (or only report).

Work ids are stable because screening decisions point at them:

- every existing work claims the new group that holds its canonical record;
- a group claimed by one work keeps that work's id; a group claimed by several keeps the
  lowest id and the others get ``merged_into`` = that id (their rows stay);
- a group claimed by no live work revives a merged-away work whose canonical record it
  holds (a "different" decision undoing an earlier merge), else it becomes a new work.

So a work split by a person's "different" decision keeps its id for the part that holds its
canonical record, and re-running with nothing new changes nothing at all.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from review.corpus.dedup.bulk import insert_rows, read_rows, update_rows
from review.corpus.dedup.cluster import Clustering
from review.corpus.dedup.decisions import current_decisions
from review.corpus.dedup.keys import build_keys
from review.corpus.dedup.merge import merge_records
from review.corpus.dedup.pipeline import Groups, find_groups
from review.corpus.dedup.queue import sync_queue
from review.corpus.dedup.settings import DedupSettings
from review.corpus.dedup.tables import runs, works_x
from review.corpus.doi import doi_fragment_in_original
from review.store import Store, now, schema
from review.store.schema import BIB_COLUMNS

_WORK_COLUMNS = ["id", "canonical_record_id", "rule", "score", "explanation", "merged_into", *BIB_COLUMNS]
_RULE_STRENGTH = {"doi": 0, "pmid": 1, "title": 2, "fuzzy-title": 3, "person": 4}


@dataclass
class DedupResult:
    """What a run did (or, with ``dry_run``, would do)."""

    dry_run: bool
    records: int
    works: int  # live works afterwards
    groups: int  # works with more than one record
    created: int  # new works
    merged: list[tuple[int, int]] = field(default_factory=list)  # (work, merged into)
    revived: list[int] = field(default_factory=list)
    moved_records: int = 0  # records whose work changes
    new_records: int = 0  # of those, records that had no work yet (imported since the last run)
    updated_works: int = 0  # existing works whose merged record or membership changes
    queue_open: int = 0
    queue_new: int = 0
    decisions: int = 0
    conflicts: list[tuple[int, int]] = field(default_factory=list)
    run_id: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        """Records that are not their work's only record (records - works)."""
        return self.records - self.works

    @property
    def changed(self) -> bool:
        return bool(self.created or self.merged or self.revived or self.moved_records
                    or self.updated_works or self.queue_new)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run, "records": self.records, "works": self.works,
            "duplicates": self.duplicates, "groups": self.groups, "created": self.created,
            "merged": [list(m) for m in self.merged], "revived": self.revived,
            "moved_records": self.moved_records, "new_records": self.new_records,
            "updated_works": self.updated_works,
            "queue_open": self.queue_open, "queue_new": self.queue_new,
            "decisions": self.decisions, "conflicts": [list(c) for c in self.conflicts],
            "run_id": self.run_id, "settings": self.settings,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


@dataclass
class _Plan:
    """The target state: work id per group, and the bookkeeping around it."""

    work_of_group: list[int]
    new_ids: set[int]
    merged: dict[int, int]
    revived: set[int]


def load_records(conn: Connection) -> list[dict[str, Any]]:
    """Every record with its id, work id and bibliographic columns, by id; a record without a
    DOI whose original DOI field held a DOI that lost its prefix has it as ``doi_fragment``."""
    rows = read_rows(conn, schema.records.name, ["id", "work_id", *BIB_COLUMNS], "id")
    fragments = doi_fragments(conn)
    if fragments:
        for row in rows:
            if row["id"] in fragments:
                row["doi_fragment"] = fragments[row["id"]]
    return rows


def doi_fragments(conn: Connection) -> dict[int, str]:
    """record id -> what is left of a DOI without its ``10.`` prefix, for records without a DOI."""
    r = schema.records
    query = select(r.c.id, r.c.original).where(
        r.c.doi.is_(None), r.c.original.like('%"DO"%') | r.c.original.like('%"DI"%') | r.c.original.ilike("%doi%"))
    return {row.id: fragment for row in conn.execute(query)
            if (fragment := doi_fragment_in_original(row.original))}


def last_settings(conn: Connection, default: DedupSettings) -> DedupSettings:
    """The settings of the latest run that wrote something (``default`` before any)."""
    row = conn.execute(select(runs.c.settings).order_by(runs.c.id.desc()).limit(1)).first()
    if row is None:
        return default
    return DedupSettings.from_mapping(json.loads(row.settings))


def dedup(
    store: Store,
    *,
    actor: str,
    settings: DedupSettings | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DedupResult:
    """Group the records into works (see the module docstring), in one transaction.

    With ``dry_run`` nothing is written; the result says what would change.
    """
    settings = settings or DedupSettings()
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    context = store.read() if dry_run else store.transaction()
    with context as conn:
        t0 = time.perf_counter()
        say("loading records")
        rows = load_records(conn)
        works = {row["id"]: SimpleNamespace(**row) for row in read_rows(
            conn, "works", ["id", "canonical_record_id", "merged_into"], "id")}
        decisions = current_decisions(conn)
        timings["load"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        say("building keys")
        keys = build_keys(rows)
        timings["keys"] = time.perf_counter() - t0
        index = {int(rid): i for i, rid in enumerate(keys.ids.tolist())}
        sticky = {index[w.canonical_record_id]: w.id for w in works.values()
                  if w.merged_into is None and w.canonical_record_id in index}
        same = [(index[a], index[b]) for (a, b), d in decisions.items()
                if d.verdict == "same" and a in index and b in index]
        different = [(index[a], index[b]) for (a, b), d in decisions.items()
                     if d.verdict == "different" and a in index and b in index]
        say("finding duplicates")
        found = find_groups(keys, settings, sticky=sticky, same=same, different=different)
        timings.update(found.timings)
        t0 = time.perf_counter()
        plan = _plan(found.clustering, rows, works, store_next_id=_next_work_id(conn))
        result = DedupResult(
            dry_run=dry_run, records=len(rows), works=len(found.clustering.groups),
            groups=sum(1 for g in found.clustering.groups if len(g) > 1), created=len(plan.new_ids),
            merged=sorted(plan.merged.items()), revived=sorted(plan.revived),
            decisions=len(decisions),
            conflicts=[(int(keys.ids[a]), int(keys.ids[b])) for a, b in found.clustering.conflicts],
            settings=settings.as_dict(), timings=timings,
        )
        say("writing works" if not dry_run else "comparing with the stored works")
        _apply(conn, rows, found, plan, result, write=not dry_run)
        queue_pairs = [(int(keys.ids[q.left]), int(keys.ids[q.right]), q.score, q.guard) for q in found.queue]
        result.queue_open, result.queue_new = sync_queue(
            conn, queue_pairs, decided=set(decisions), run_id=None, write=not dry_run)
        timings["write"] = time.perf_counter() - t0
        if not dry_run and (result.changed or _never_ran(conn)):
            result.run_id = conn.execute(insert(runs).values(
                at=now(), actor=actor, settings=json.dumps(settings.as_dict()),
                summary=json.dumps({k: v for k, v in result.as_dict().items() if k not in ("settings", "timings")}),
            )).inserted_primary_key[0]
            Store.log(conn, actor, "dedup", "works", None, {
                "run": result.run_id, "records": result.records, "works": result.works,
                "created": result.created, "merged": result.merged, "revived": result.revived,
                "moved_records": result.moved_records, "queue_open": result.queue_open,
                "threshold": settings.threshold,
            })
    return result


def _never_ran(conn: Connection) -> bool:
    return conn.execute(select(func.count()).select_from(runs)).scalar_one() == 0


def _next_work_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(schema.works.c.id), 0))).scalar_one()) + 1


def _plan(clustering: Clustering, rows: list[dict[str, Any]], works: dict[int, Any], *, store_next_id: int) -> _Plan:
    groups = clustering.groups
    group_of = {int(rows[i]["id"]): g for g, members in enumerate(groups) for i in members}
    members_of: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row["work_id"] is not None:
            members_of[row["work_id"]].append(int(row["id"]))
    claims: dict[int, list[int]] = defaultdict(list)
    revivable: dict[int, list[int]] = defaultdict(list)
    for wid in sorted(works):
        work = works[wid]
        g = group_of.get(work.canonical_record_id) if work.canonical_record_id is not None else None
        if work.merged_into is not None:
            if g is not None:
                revivable[g].append(wid)
            continue
        if g is None and members_of.get(wid):
            counts = Counter(group_of[r] for r in members_of[wid] if r in group_of)
            g = min(counts, key=lambda k: (-counts[k], k)) if counts else None
        if g is not None:
            claims[g].append(wid)
    work_of_group: list[int] = []
    merged: dict[int, int] = {}
    revived: set[int] = set()
    new_ids: set[int] = set()
    next_id = store_next_id
    for g in range(len(groups)):
        live = sorted(claims.get(g, []))
        if live:
            survivor = live[0]
            for other in live[1:]:
                merged[other] = survivor
        elif revivable.get(g):
            survivor = min(revivable[g])
            revived.add(survivor)
        else:
            survivor = next_id
            next_id += 1
            new_ids.add(survivor)
        work_of_group.append(survivor)
    return _Plan(work_of_group=work_of_group, new_ids=new_ids, merged=merged, revived=revived)


def _work_row(members: list[dict[str, Any]], canonical: int, clustering: Clustering,
              index_of: dict[int, int]) -> dict[str, Any]:
    if len(members) == 1:  # a work of one record is that record
        row = members[0]
        explanation = json.dumps({"canonical": canonical, "members": [{"record": canonical, "via": "canonical"}]},
                                 sort_keys=True)
        return {**{name: row[name] for name in BIB_COLUMNS}, "canonical_record_id": canonical, "rule": "single",
                "score": None, "explanation": explanation}
    merged, sources = merge_records(members, canonical)
    described = []
    rules = []
    scores = []
    for row in sorted(members, key=lambda r: (r["id"] != canonical, r["id"])):
        rid = int(row["id"])
        if rid == canonical:
            described.append({"record": rid, "via": "canonical"})
            continue
        link = clustering.links.get(index_of[rid])
        if link is None:  # joined with its former group through a person's decision
            described.append({"record": rid, "via": "person"})
            rules.append("person")
            continue
        described.append({"record": rid, "via": link.via, "rule": link.rule, "score": round(link.score, 4)})
        rules.append(link.rule)
        scores.append(link.score)
    if len(members) == 1:
        rule, score = "single", None
    else:
        rule = max(rules, key=lambda r: _RULE_STRENGTH.get(r, 9)) if rules else "person"
        score = round(min(scores), 4) if scores else 1.0
    explanation = {"canonical": canonical, "members": described, "fields_from": sources}
    return {**merged, "canonical_record_id": canonical, "rule": rule, "score": score,
            "explanation": json.dumps(explanation, sort_keys=True)}


def _apply(conn: Connection, rows: list[dict[str, Any]], found: Groups, plan: _Plan,
           result: DedupResult, *, write: bool) -> None:
    """Compare the planned works with the stored ones; write the differences when asked."""
    clustering = found.clustering
    index_of = {int(row["id"]): i for i, row in enumerate(rows)}
    stored = {row["id"]: row for row in read_rows(conn, "works", _WORK_COLUMNS, "id")}
    stamp = now()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    compare = ("canonical_record_id", "rule", "score", "explanation", *BIB_COLUMNS)
    for g, members_idx in enumerate(clustering.groups):
        wid = plan.work_of_group[g]
        members = [rows[i] for i in members_idx]
        target = _work_row(members, int(rows[members_idx[0]]["id"]), clustering, index_of)
        for row in members:
            if row["work_id"] != wid:
                moves.append({"rid": int(row["id"]), "wid": wid})
                result.new_records += int(row["work_id"] is None)
        if wid in plan.new_ids:
            inserts.append({"id": wid, **target, "created_at": stamp, "updated_at": stamp, "merged_into": None})
            continue
        old = stored.get(wid, {})
        if wid in plan.revived or any(old.get(k) != target[k] for k in compare):
            updates.append({"wid": wid, **target, "merged_into": None, "updated_at": stamp})
    result.moved_records = len(moves)
    result.updated_works = len(updates)
    if not write:
        return
    insert_rows(conn, works_x, inserts)
    update_rows(conn, works_x, "wid", updates)
    update_rows(conn, schema.records, "rid", [{"rid": m["rid"], "work_id": m["wid"]} for m in moves])
    update_rows(conn, works_x, "wid", [{"wid": w, "merged_into": into, "updated_at": stamp}
                                       for w, into in sorted(plan.merged.items())])
