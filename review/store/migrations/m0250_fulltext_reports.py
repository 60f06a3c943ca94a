"""Full-text reports: sought, retrieved (with a file) or not retrieved (with a reason)."""

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.screening.fulltext.fulltext_reports as first created; later
    # changes to that table need a migration of their own. ``works`` is declared only so
    # the foreign key can be resolved.
    metadata = MetaData()
    Table("works", metadata, Column("id", Integer, primary_key=True))
    reports = Table(
        "fulltext_reports",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("work_id", Integer, ForeignKey("works.id"), nullable=False, index=True),
        Column("status", String(20), nullable=False),
        Column("file", Text),
        Column("sha256", String(64)),
        Column("reason", Text),
        Column("note", Text),
        Column("origin", String(80), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("created_at", String(40), nullable=False),
    )
    reports.create(conn)
