"""Studies (the unit included reports are grouped into) and their reports."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from review.store.schema import metadata

studies = Table(
    "studies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(80), nullable=False, unique=True),  # as users write it: "1", "#1", "HOPE"
    Column("label", Text),
    Column("characteristics", Text),  # JSON object: field id -> value, per protocols/studies.yaml
    Column("position", Integer),  # display order (the seed numbers interventions #1..#22)
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

study_reports = Table(
    "study_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("study_id", Integer, ForeignKey("studies.id"), nullable=False, index=True),
    Column("work_id", Integer, ForeignKey("works.id"), nullable=False, unique=True),  # one study per report
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
)
