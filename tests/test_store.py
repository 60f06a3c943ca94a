"""The store: migrations, the audit trail, one transaction per command."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from review.store import Store, schema
from review.store.migrations import all_migrations
from tests.postgres_support import Database


def test_new_database_is_at_latest_schema_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    assert store.schema_version() == max(m.version for m in all_migrations())
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_old_database_is_migrated_forward_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = Store.open(f"sqlite:///{db}", migrate=False)
    with store.transaction() as conn:
        schema.migrations.create(conn)
        first = all_migrations()[0]
        first.upgrade(conn)
        conn.execute(schema.migrations.insert().values(version=first.version, name=first.name, applied_at="2026-01-01T00:00:00+00:00"))
    store.close()
    reopened = Store.open(f"sqlite:///{db}")
    assert reopened.applied_versions() == {m.version for m in all_migrations()}
    reopened.close()


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        Store.log(conn, "alice", "test", "thing", 1, {"x": 1})
        raise RuntimeError("boom")
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.events)).scalar_one() == 0
    store.close()


def test_events_record_actor_time_and_detail(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    with store.transaction() as conn:
        Store.log(conn, "alice", "decide", "work", 7, {"decision": "include"})
    store.close()
    with Database(tmp_path / "r.db") as db:
        row = db.execute("SELECT actor, action, entity, entity_id, detail, at FROM events").fetchone()
    assert row[:4] == ("alice", "decide", "work", "7")
    assert '"include"' in row[4]
    assert row[5].startswith("20")


def test_a_reader_never_holds_up_a_writer(tmp_path: Path) -> None:
    # Twenty reviewers' queues are read at once while decisions are written: a read that is
    # still open (a queue being built) must not take the write lock.
    import threading

    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    written = threading.Event()

    def write() -> None:
        with store.transaction() as conn:
            Store.log(conn, "alice", "decide", "work", 7)
        written.set()

    try:
        with store.read() as conn:
            before = conn.execute(select(func.count()).select_from(schema.events)).scalar_one()
            writer = threading.Thread(target=write)
            writer.start()
            assert written.wait(10), "the writer waited for a reader to finish"
        writer.join()
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(schema.events)).scalar_one() == before + 1
    finally:
        store.close()
