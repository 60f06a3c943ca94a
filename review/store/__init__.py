"""The state store: one database reached through one module.

``Store.open(url)`` connects (SQLite by default: WAL, foreign keys, a busy timeout so two
reviewers can work at once), applies pending migrations, and hands out transactions::

    with store.transaction() as conn:
        conn.execute(...)
        store.log(conn, "import", "source", source_id, {...})

Every change a person makes is appended to the ``events`` table with actor and time.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, insert, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from review.errors import InputError
from review.store import schema
from review.store.connection import cannot_connect, masked, no_driver, not_a_review
from review.store.migrations import all_migrations

__all__ = ["Store", "now", "schema"]


def now() -> str:
    """The current UTC time as an ISO 8601 string (seconds precision)."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: The PostgreSQL advisory lock every writing transaction holds (per database: one review's
#: writers never wait for another's on the same server).
WRITER_LOCK = 0x7265766965770001
#: How long a writer waits for the lock before failing (SQLite's busy timeout is the same).
WRITER_WAIT_SECONDS = 30
#: The execution option that marks a writing connection (:meth:`Store.transaction`, migrations).
WRITES = "review_writes"


class Store:
    """A connection to the review database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: The same engine (one pool) for writing: on SQLite its transactions take the write
        #: lock up front (``BEGIN IMMEDIATE``); reads begin deferred, on a snapshot of their own.
        self._writer = engine.execution_options(**{WRITES: True})

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Open the database at ``url`` and bring its schema up to date.

        Raises:
            InputError: the database cannot be reached or opened, holds something other than a
                review, or was written by a newer version of review (nothing written then).
        """
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        try:
            engine = create_engine(url, **kwargs)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise no_driver(url, exc) from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)

            # Let SQLAlchemy drive BEGIN itself so a write transaction takes the lock up
            # front (BEGIN IMMEDIATE): concurrent reviewers wait instead of failing. A read
            # begins deferred: in WAL mode it reads its snapshot while a writer writes, and
            # never holds the write lock (twenty reviewers' queues are read at once).
            @event.listens_for(engine, "connect")
            def _no_autobegin(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.isolation_level = None

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITES) else "BEGIN")

        store = cls(engine)
        store.check()
        if migrate:
            try:
                store.migrate()
            except BaseException:
                engine.dispose()  # no connection left open behind a refusal
                raise
        return store

    @property
    def url(self) -> str:
        """The database's URL, password masked (for messages)."""
        return masked(self.engine.url.render_as_string(hide_password=False))

    def check(self) -> None:
        """Connect once: a review's database (or an empty one) answers, anything else is refused.

        Raises:
            InputError: unreachable, refused, or a database holding other tables.
        """
        try:
            with self.engine.connect() as conn:
                tables = inspect(conn).get_table_names()
        except DBAPIError as exc:
            self.engine.dispose()
            raise cannot_connect(exc, self.engine.url.render_as_string(hide_password=False)) from exc
        if tables and schema.migrations.name not in tables:
            self.engine.dispose()
            raise not_a_review(self.url, tables)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any exception.

        One writer at a time on either backend: SQLite's ``BEGIN IMMEDIATE``; on PostgreSQL
        a transaction-level advisory lock (:data:`WRITER_LOCK`, waited for at most
        ``lock_timeout``). Rows are then numbered in commit order, which readers that keep
        what they read (a reviewer's queue, pages polling for changes) rely on: they read
        only the rows after the last id they saw.
        """
        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITER_WAIT_SECONDS}s'")
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading only."""
        with self.engine.connect() as conn:
            yield conn

    # -- migrations ---------------------------------------------------------------

    def applied_versions(self) -> set[int]:
        with self.engine.connect() as conn:
            if not self.engine.dialect.has_table(conn, schema.migrations.name):
                return set()
            return {row.version for row in conn.execute(select(schema.migrations.c.version))}

    def schema_version(self) -> int:
        applied = self.applied_versions()
        return max(applied) if applied else 0

    def migrate(self) -> list[int]:
        """Apply every pending migration, each atomically with its bookkeeping row.

        Raises:
            InputError: the database was written by a newer version of review (schema
                versions this one does not know); nothing is written then.
        """
        done = self.applied_versions()
        known = {m.version for m in all_migrations()}
        newer = sorted(done - known)
        if newer:
            raise InputError(
                f"this database was written by a newer version of review (schema {max(done)}; this "
                f"version knows up to {max(known)}); nothing was written: upgrade review "
                "(pip install -U review) to open it", path=self.url)
        with self._writer.begin() as conn:
            schema.migrations.create(conn, checkfirst=True)
        applied: list[int] = []
        for migration in all_migrations():
            if migration.version in done:
                continue
            with self._writer.begin() as conn:
                migration.upgrade(conn)
                conn.execute(
                    insert(schema.migrations).values(
                        version=migration.version, name=migration.name, applied_at=now()
                    )
                )
            applied.append(migration.version)
        return applied

    # -- audit trail --------------------------------------------------------------

    @staticmethod
    def log(
        conn: Connection,
        actor: str,
        action: str,
        entity: str,
        entity_id: Any = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one event to the audit trail (inside the caller's transaction)."""
        conn.execute(
            insert(schema.events).values(
                at=now(),
                actor=actor,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
            )
        )
