"""Dedup's tables, as SQLAlchemy Core metadata (created by migration ``m0100_dedup``).

- ``dedup_pair_decisions`` is append-only: a person's verdict on two records ("same" or
  "different"), and "retracted" rows that undo an earlier verdict. The latest row per pair
  is the one in force; nothing is ever updated or deleted.
- ``dedup_queue``: uncertain pairs waiting for ``review dedup check`` (derived by each
  run; ``status`` is open / decided / obsolete).
- ``dedup_runs``: one row per ``review dedup`` that wrote something: when, who, settings,
  what changed.
- ``works.merged_into`` (added by the same migration) points a work that a later run
  merged into another at the surviving work; work rows are never deleted.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    table,
)

from review.store.schema import metadata, works

VERDICTS = ("same", "different", "retracted")

pair_decisions = Table(
    "dedup_pair_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_a", Integer, ForeignKey("records.id"), nullable=False),  # the lower id
    Column("record_b", Integer, ForeignKey("records.id"), nullable=False),
    Column("verdict", String(20), nullable=False),  # same | different | retracted
    Column("retracts", Integer),  # for a retraction: the row it withdraws
    Column("actor", String(200), nullable=False),
    Column("origin", String(80), nullable=False),  # check | api | import
    Column("note", Text),
    Column("created_at", String(40), nullable=False),
)
Index("ix_dedup_decisions_pair", pair_decisions.c.record_a, pair_decisions.c.record_b)

queue = Table(
    "dedup_queue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_a", Integer, ForeignKey("records.id"), nullable=False),
    Column("record_b", Integer, ForeignKey("records.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("guard", String(80)),  # the guard that held the pair back, if any
    Column("status", String(20), nullable=False),  # open | decided | obsolete
    Column("skipped_at", String(40)),  # last time a person skipped it (asked again last)
    Column("run_id", Integer),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("record_a", "record_b"),
)
Index("ix_dedup_queue_status", queue.c.status)

runs = Table(
    "dedup_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("settings", Text, nullable=False),  # JSON
    Column("summary", Text, nullable=False),  # JSON
)

#: ``works`` with the column this migration adds (a lightweight view; the core table
#: definition in ``review.store.schema`` stays frozen).
works_x = table("works", *[column(c.name) for c in works.c], column("merged_into"))
