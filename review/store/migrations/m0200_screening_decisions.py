"""Screening: the append-only ``screening_decisions`` table and its indexes."""

from sqlalchemy.engine import Connection

from review.screening.tables import screening_decisions


def upgrade(conn: Connection) -> None:
    # Frozen: a later change to the table gets its own migration (m0201...).
    screening_decisions.create(conn)
