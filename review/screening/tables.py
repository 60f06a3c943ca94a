"""The screening tables, as SQLAlchemy Core metadata.

``screening_decisions`` is append-only: every decision, retraction and resolution is a new
row with who and when; the current view (``review.screening.decisions``) is derived from it.
Created by migration ``m0200_screening_decisions``.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from review.store.schema import metadata

#: What a row is: a reviewer's decision, the withdrawal of one, or a reconciled decision.
KINDS = ("decision", "retraction", "resolution")

screening_decisions = Table(
    "screening_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.id"), nullable=False),
    Column("stage", String(40), nullable=False),  # title-abstract | full-text
    Column("reviewer", String(200), nullable=False),  # for a resolution: who resolved it
    Column("decision", String(20)),  # include | exclude | maybe; NULL for a retraction
    Column("reason", String(80)),  # a criterion id (exclusions only)
    Column("note", Text),
    Column("kind", String(20), nullable=False),  # decision | retraction | resolution
    Column("origin", String(80), nullable=False),  # interactive | cli | import:<tool> | ...
    Column("retracts", Integer),  # for a retraction: the id of the row it withdraws
    Column("reviewers_per_work", Integer),  # the rule in force when the row was written
    Column("created_at", String(40), nullable=False),
)
Index("ix_screening_stage_work", screening_decisions.c.stage, screening_decisions.c.work_id)
Index("ix_screening_stage_reviewer", screening_decisions.c.stage, screening_decisions.c.reviewer)

#: Full-text retrieval, append-only: a work's current state is its latest row (see
#: ``review.screening.fulltext``). Created by migration ``m0250_fulltext_reports``.
fulltext_reports = Table(
    "fulltext_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # sought | retrieved | not-retrieved
    Column("file", Text),  # retrieved: path, relative to the workspace when inside it
    Column("sha256", String(64)),  # retrieved: of the file when recorded
    Column("reason", Text),  # not-retrieved: why
    Column("note", Text),
    Column("origin", String(80), nullable=False),  # cli | import
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
)
