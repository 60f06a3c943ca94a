"""Versions of the review (``review update start``): each source's version, and the versions closed."""

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, text
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.versions.review_versions as first created; later changes need a
    # migration. Every source imported before an update belongs to version 1.
    conn.execute(text("ALTER TABLE sources ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))
    metadata = MetaData()
    Table(
        "review_versions",
        metadata,
        Column("number", Integer, primary_key=True, autoincrement=False),
        Column("label", String(200), nullable=False, unique=True),
        Column("started_at", String(40), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("previous_studies", Integer, nullable=False),
        Column("previous_reports", Integer, nullable=False),
        Column("detail", Text, nullable=False),  # JSON: the included reports and studies closed
    )
    metadata.create_all(conn)
