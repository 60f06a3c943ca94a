"""Labels people put on works in the web app (a reviewer's own; leads see everyone's)."""

from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.web.tables.work_labels as first created.
    metadata = MetaData()
    Table(
        "work_labels",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("work_id", Integer, nullable=False, index=True),
        Column("label", String(80), nullable=False),
        Column("user_name", String(200), nullable=False),
        Column("created_at", String(40), nullable=False),
        UniqueConstraint("work_id", "label", "user_name"),
    )
    metadata.tables["work_labels"].create(conn)
