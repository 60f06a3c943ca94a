"""Versions of a review: the original searches, then each update (``review update start``).

Version 1 is the review as first done. ``review update start LABEL`` closes the current
version and opens the next: every source imported afterwards belongs to it (the
``version`` column of ``sources``). A closed version keeps what PRISMA 2020's diagram for
updated reviews needs of it, the studies and reports it included, in ``review_versions``
(and in the audit trail, with the ids of the included reports).

A work belongs to the version of its earliest record: a work any of whose records came
from an earlier version was screened then, and is not screened again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    column,
    func,
    select,
    table,
    update,
)
from sqlalchemy.engine import Connection

from review.store import schema

_metadata = MetaData()

#: The closed versions, one row per ``review update start`` (number = the version it opens).
review_versions = Table(
    "review_versions",
    _metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("label", String(200), nullable=False, unique=True),
    Column("started_at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("previous_studies", Integer, nullable=False),
    Column("previous_reports", Integer, nullable=False),
    Column("detail", Text, nullable=False),
)

#: ``sources`` with the column the versions migration added (not in the frozen core schema).
sources_version = table("sources", column("id"), column("version"))

ORIGINAL_LABEL = "original review"


@dataclass(frozen=True)
class VersionScope:
    """What the counts of an update are drawn from.

    Attributes:
        number: the current version (2 or more).
        label: its label.
        sources: ids of the sources imported in it.
        previous_studies: studies included in the previous versions, all together.
        previous_reports: reports of those studies.
        previous_study_keys: the study keys (``study:KEY`` or ``report:ID``) behind them.
    """

    number: int
    label: str
    sources: frozenset[int]
    previous_studies: int
    previous_reports: int
    previous_study_keys: frozenset[str] = field(default_factory=frozenset)


def current_version(conn: Connection) -> int:
    """The version later imports belong to: 1, or the number of the last update started."""
    latest = conn.execute(select(func.max(review_versions.c.number))).scalar()
    return int(latest or 1)


def list_versions(conn: Connection) -> list[dict[str, Any]]:
    """Every version, the original first: number, label, started, and what it closed."""
    found: list[dict[str, Any]] = [{"number": 1, "label": ORIGINAL_LABEL, "started_at": None, "actor": None}]
    for row in conn.execute(select(review_versions).order_by(review_versions.c.number)).mappings():
        found.append({"number": row["number"], "label": row["label"], "started_at": row["started_at"],
                      "actor": row["actor"], "previous_studies": row["previous_studies"],
                      "previous_reports": row["previous_reports"]})
    return found


def source_versions(conn: Connection) -> dict[int, int]:
    """Each source's version, by source id."""
    return {int(sid): int(v or 1) for sid, v in conn.execute(select(sources_version.c.id,
                                                                    sources_version.c.version))}


def version_scope(conn: Connection) -> VersionScope | None:
    """The current update's scope, or None while the review is in its first version."""
    row = conn.execute(select(review_versions).order_by(review_versions.c.number.desc()).limit(1)).mappings().first()
    if row is None:
        return None
    number = int(row["number"])
    mine = frozenset(sid for sid, v in source_versions(conn).items() if v == number)
    detail = json.loads(row["detail"] or "{}")
    return VersionScope(number=number, label=row["label"], sources=mine,
                        previous_studies=int(row["previous_studies"]),
                        previous_reports=int(row["previous_reports"]),
                        previous_study_keys=frozenset(detail.get("study_keys", [])))


def previous_works(conn: Connection, mapping: dict[int, int], number: int) -> set[int]:
    """Live works with a record from a version before ``number`` (screened then)."""
    versions = source_versions(conn)
    earlier = {sid for sid, v in versions.items() if v < number}
    r = schema.records
    found: set[int] = set()
    for work_id, source_id in conn.execute(select(r.c.work_id, r.c.source_id).where(r.c.work_id.is_not(None))):
        if source_id in earlier:
            found.add(mapping.get(work_id, work_id))
    return found


def study_keys(conn: Connection, included: list[int]) -> set[str]:
    """The studies among these reports: ``study:KEY`` when grouped by ``review studies``,
    else ``report:ID`` (an ungrouped report is its own study)."""
    from review.studies.model import study_of

    groups = study_of(conn)
    return {f"study:{groups[w].key}" if w in groups else f"report:{w}" for w in included}


def set_source_version(conn: Connection, source_id: int) -> None:
    """Mark a source just imported as part of the current version (nothing to do in the first)."""
    number = current_version(conn)
    if number > 1:
        conn.execute(update(sources_version).where(sources_version.c.id == source_id).values(version=number))


def update_summary(conn: Connection) -> dict[str, Any] | None:
    """What ``review status`` says of the current update (None in the first version): its
    records, those of works screened in an earlier version (not screened again), and the new
    works that enter the screening queues."""
    from review.screening.works import live_map

    scope = version_scope(conn)
    if scope is None:
        return None
    mapping = live_map(conn)
    earlier = previous_works(conn, mapping, scope.number)
    r = schema.records
    records = already = 0
    new: set[int] = set()
    for work_id, source_id in conn.execute(select(r.c.work_id, r.c.source_id)):
        if source_id not in scope.sources:
            continue
        records += 1
        if work_id is None:
            continue
        work = mapping.get(work_id, work_id)
        if work in earlier:
            already += 1
        else:
            new.add(work)
    return {"version": scope.number, "label": scope.label, "sources": len(scope.sources), "records": records,
            "already_screened": already, "new_works": len(new),
            "previous_studies": scope.previous_studies, "previous_reports": scope.previous_reports}


def version_labels_of_works(conn: Connection) -> dict[int, str] | None:
    """Each live work's version label (the version of its earliest record), or None while the
    review has one version: tables use it to show which documents are new in an update."""
    from review.screening.works import live_map

    labels = {v["number"]: v["label"] for v in list_versions(conn)}
    if len(labels) == 1:
        return None
    versions = source_versions(conn)
    mapping = live_map(conn)
    r = schema.records
    earliest: dict[int, int] = {}
    for work_id, source_id in conn.execute(select(r.c.work_id, r.c.source_id).where(r.c.work_id.is_not(None))):
        work = mapping.get(work_id, work_id)
        number = versions.get(source_id, 1)
        earliest[work] = min(earliest.get(work, number), number)
    return {work: labels.get(number, str(number)) for work, number in earliest.items()}
