"""Dedup: pair decisions, the uncertain-pair queue, runs, and ``works.merged_into``."""

from sqlalchemy import text
from sqlalchemy.engine import Connection

from review.corpus.dedup.tables import pair_decisions, queue, runs


def upgrade(conn: Connection) -> None:
    # Frozen: a later change gets its own migration (m0101...).
    for table in (pair_decisions, queue, runs):
        table.create(conn)
    conn.execute(text("ALTER TABLE works ADD COLUMN merged_into INTEGER REFERENCES works(id)"))
    conn.execute(text("CREATE INDEX ix_works_merged_into ON works (merged_into)"))
