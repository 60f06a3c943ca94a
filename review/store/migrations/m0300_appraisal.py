"""Appraisal judgements (append-only): answers, design categories and resolutions."""

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.appraisal.tables as first created.
    m = MetaData()
    Table("works", m, Column("id", Integer, primary_key=True))
    table = Table(
        "appraisal_judgements", m,
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
    Index("ix_appraisal_work", table.c.work_id, table.c.item)
    table.create(conn)
