"""Fragment labels: the codes of a QDA project (NVivo, ATLAS.ti, MAXQDA) that are neither
C/M/O nor a theory, kept on the fragments they coded (``review extract import .qdpx``)."""

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Text, UniqueConstraint
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.extraction.tables.fragment_labels as first created.
    metadata = MetaData()
    Table("fragments", metadata, Column("id", Integer, primary_key=True))
    Table(
        "fragment_labels",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("fragment_id", Integer, ForeignKey("fragments.id"), nullable=False, index=True),
        Column("label", Text, nullable=False),
        UniqueConstraint("fragment_id", "label"),
    )
    metadata.tables["fragment_labels"].create(conn)
