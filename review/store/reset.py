"""Empty a database completely: every table dropped, then the migrations run again.

For ``review run --fresh`` on a server database (PostgreSQL), where there is no file to
delete. The tables are found by reflection, so tables this version does not know go
too, and dropped in dependency order in one transaction: all or nothing.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from review.store import Store

__all__ = ["reset_database"]


def reset_database(store: Store) -> list[str]:
    """Drop every table of ``store``'s database, then bring the empty schema up to date.

    Returns:
        The tables dropped.
    """
    with store.transaction() as conn:
        meta = MetaData()
        meta.reflect(conn)
        names = [table.name for table in reversed(meta.sorted_tables)]
        meta.drop_all(conn)
    store.migrate()
    return names
