"""A database frozen before dedup's migration opens, upgrades, and keeps its works."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, insert, inspect, select

from review.corpus.dedup import live_work_id
from review.corpus.dedup.tables import works_x
from review.store import Store, now, schema
from review.store.migrations import m0001_core


def test_an_older_database_gets_the_dedup_tables_and_keeps_its_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # the schema as it was before m0100
        schema.migrations.create(conn)
        m0001_core.upgrade(conn)
        conn.execute(insert(schema.migrations).values(version=1, name="core", applied_at=now()))
        conn.execute(insert(schema.works).values(id=7, title="An old work", created_at=now(), updated_at=now()))
    engine.dispose()

    store = Store.open(url)
    try:
        assert 100 in store.applied_versions()
        with store.read() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("works")}
            tables = set(inspect(conn).get_table_names())
            row = conn.execute(select(works_x.c.title, works_x.c.merged_into).where(works_x.c.id == 7)).one()
            assert live_work_id(conn, 7) == 7
    finally:
        store.close()
    assert "merged_into" in columns
    assert {"dedup_pair_decisions", "dedup_queue", "dedup_runs"} <= tables
    assert tuple(row) == ("An old work", None)
