"""The appraisal table, as SQLAlchemy Core metadata (created by migration ``m0300_appraisal``).

``appraisal_judgements`` is append-only: every answer a reviewer gives, every design
category they assign and every resolution is a new row with who, how and when; the current
view (:mod:`review.appraisal.judgements`) is the latest row per report, reviewer and item.

- ``item`` is a question id (``S1``, ``1.1`` ...) or ``category`` (the report's design:
  ``answer`` is a category id or ``not-applicable``; ``subcategories`` lists the categories
  a mixed-methods report is also rated on, e.g. ``1,2``; ``comment`` is the reason for
  ``not-applicable``).
- ``kind`` is ``judgement`` (a reviewer's) or ``resolution`` (the agreed answer; ``reviewer``
  is who settled it). ``answer`` NULL withdraws an earlier answer.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from review.store.schema import metadata

KINDS = ("judgement", "resolution")
CATEGORY_ITEM = "category"

appraisal_judgements = Table(
    "appraisal_judgements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.id"), nullable=False),
    Column("instrument", String(80), nullable=False),
    Column("item", String(40), nullable=False),
    Column("answer", String(40)),
    Column("subcategories", String(80)),
    Column("comment", Text),
    Column("reviewer", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("origin", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
)
Index("ix_appraisal_work", appraisal_judgements.c.work_id, appraisal_judgements.c.item)
