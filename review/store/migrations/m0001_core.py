"""Core tables: event log, sources, records, works."""

from sqlalchemy.engine import Connection

from review.store import schema


def upgrade(conn: Connection) -> None:
    # Frozen: later migrations never change these tables' definitions in schema.py
    # without adding an ALTER migration of their own.
    for table in (schema.events, schema.sources, schema.works, schema.records):
        table.create(conn)
