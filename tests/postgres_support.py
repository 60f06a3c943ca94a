"""The whole suite on PostgreSQL: each SQLite workspace database becomes its own PostgreSQL one.

With ``REVIEW_TEST_POSTGRES_URL`` naming a server (a role allowed to create databases) and
``REVIEW_TEST_BACKEND=postgresql``, :func:`install` makes every SQLite file URL a workspace or
a test opens (``sqlite:////tmp/.../ws/review.db``) mean a database of that server named after
the file's path (``rt<pid>_<hash>``), created on first use. Nothing else changes: the tests build
workspaces exactly as on SQLite, so every test that touches the database runs on both.

The mapping is installed in the pytest process by tests/conftest.py and in every Python
subprocess a test starts (CLI processes of the concurrency tests) through
tests/postgres_site/sitecustomize.py, which conftest puts on ``PYTHONPATH``: the same path
gives the same database in every process. conftest drops the databases a test made when it
ends, and every one of the session's databases when the session ends.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import weakref
from pathlib import Path
from typing import Any

#: The server to test on: postgresql+psycopg://USER:PASSWORD@HOST[:PORT]/DATABASE.
SERVER_ENV = "REVIEW_TEST_POSTGRES_URL"
#: ``postgresql``: every workspace database of the suite lives on that server.
BACKEND_ENV = "REVIEW_TEST_BACKEND"
#: Where a test session tells its subprocesses (the CLI's) how its databases' names begin.
PREFIX_ENV = "REVIEW_TEST_DB_PREFIX"
#: How the names of this session's databases begin: ``rt``, the pytest process's id and ``_``,
#: so that two test sessions on one server never drop each other's. A subprocess of a test
#: inherits it; a pytest session takes its own (:func:`begin_session`), so that the inner
#: session of a test of the suite's settings (pytester) never drops the outer one's.
PREFIX = os.environ.setdefault(PREFIX_ENV, f"rt{os.getpid()}_")


def begin_session() -> None:
    """This pytest process's own database names (tests/conftest.py calls it at import)."""
    global PREFIX
    PREFIX = os.environ[PREFIX_ENV] = f"rt{os.getpid()}_"


def server_url() -> str | None:
    return os.environ.get(SERVER_ENV) or None


def on_postgres() -> bool:
    """True when this run puts every workspace on PostgreSQL."""
    return os.environ.get(BACKEND_ENV, "").lower() in ("postgresql", "postgres") and bool(server_url())


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


#: This process's connection for CREATE/DROP DATABASE, by process id (a forked child opens its
#: own): opening one per question (a password check each time) cost the suite minutes.
_ADMIN: dict[int, Any] = {}


@contextlib.contextmanager
def admin():
    """An autocommit connection to the server's database, for CREATE/DROP DATABASE (kept open
    for the process's life, opened again when it broke)."""
    import psycopg

    conn = _ADMIN.get(os.getpid())
    if conn is None or conn.closed or conn.broken:
        if not _ADMIN:
            atexit.register(close_admin)
        conn = _ADMIN[os.getpid()] = psycopg.connect(_libpq(str(server_url())), autocommit=True)
    try:
        yield conn
    except psycopg.OperationalError:
        conn.close()
        raise


def close_admin() -> None:
    """Close this process's admin connection (at the end of the session)."""
    conn = _ADMIN.pop(os.getpid(), None)
    if conn is not None:
        conn.close()


def database_url(name: str) -> str:
    """The server URL with its database replaced by ``name``."""
    from sqlalchemy.engine import make_url

    return make_url(str(server_url())).set(database=name).render_as_string(hide_password=False)


def database_name(path: str | Path) -> str:
    return PREFIX + hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:20]


def exists(name: str) -> bool:
    with admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def create(name: str, *, template: str | None = None) -> None:
    """CREATE DATABASE ``name`` (from ``template``), unless another process just made it."""
    import psycopg
    from psycopg import sql

    if exists(name):
        return
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    with admin() as conn:
        if template:
            _disconnect(conn, template)
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                       sql.Identifier(template))
        with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            conn.execute(statement)


def _disconnect(conn: Any, name: str) -> None:
    """End the connections to database ``name`` that a test left open. Only the role's own:
    an autovacuum worker is not ours to end (WITH (FORCE) would fail on it without the
    pg_signal_backend role); CREATE and DROP DATABASE ask it to leave, and wait."""
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                 "AND pid <> pg_backend_pid() AND usename = current_user", (name,))


def drop(name: str) -> None:
    from psycopg import sql

    with admin() as conn:
        _disconnect(conn, name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def suite_databases() -> set[str]:
    with admin() as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (PREFIX,))
        return {name for (name,) in rows}


#: What the stand-in file at an SQLite path holds: this line, then its database's name.
MARK = "review test database on PostgreSQL: "


def mapped(url: str) -> str:
    """The PostgreSQL URL standing for an SQLite file URL; other URLs unchanged.

    A small stand-in file at the SQLite path names the database, so that the file system
    still tells the story the tests expect: a workspace copied with ``shutil.copytree`` gets
    a copy of the database (CREATE DATABASE ... TEMPLATE), a deleted file a new empty one.
    A real SQLite file (one a test put there) stays on SQLite.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    path = Path(url[len(prefix):].split("?", 1)[0])
    if not str(path) or str(path) == ":memory:" or not path.parent.is_dir():
        return url
    name = database_name(path)
    try:
        held = path.read_bytes()[:200] if path.is_file() else None
    except OSError:
        return url
    if held is not None and not held.startswith(MARK.encode()):
        return url  # a real SQLite database (or not one at all): SQLite says what it is
    source = held.decode()[len(MARK):].strip() if held else None
    if source != name or not exists(name):
        drop(name)
        create(name, template=source if source and source != name and exists(source) else None)
        path.write_text(MARK + name + "\n", encoding="utf-8")
    return database_url(name)


#: Every store opened in this process, so that a test's end can close what it left open.
OPENED: weakref.WeakSet = weakref.WeakSet()


def close_all() -> None:
    """Close the connections of every store still open (a workspace a test did not close):
    the garbage collector would close them later, and psycopg warns when it does."""
    for store in list(OPENED):
        store.engine.dispose()


def _dispose(engine: Any, pid: int) -> None:
    """Close ``engine``'s connections, but only in the process that opened them (a forked
    worker that drops a store it inherited leaves the parent's connections alone)."""
    engine.dispose(close=os.getpid() == pid)


def install() -> None:
    """Map SQLite file URLs to PostgreSQL in ``Store.open`` and ``Workspace.db_url``."""
    from review.store import Store
    from review.workspace import Workspace

    if getattr(Store.open, "_postgres_mapped", False):
        return
    original_open = Store.open.__func__
    original_url = Workspace.db_url.fget

    def open_mapped(cls, url: str, *args: Any, **kwargs: Any):
        store = original_open(cls, mapped(url), *args, **kwargs)
        OPENED.add(store)
        # A store dropped without close() (a test's ``Workspace.create(...).root``): SQLite's
        # connections then close silently, psycopg's warn (an error in this suite). Close its
        # connections the moment the store goes, as SQLite would, before psycopg sees them go.
        weakref.finalize(store, _dispose, store.engine, os.getpid())
        return store

    open_mapped._postgres_mapped = True  # type: ignore[attr-defined]
    Store.open = classmethod(open_mapped)  # type: ignore[method-assign,assignment]
    Workspace.db_url = property(lambda self: mapped(original_url(self)))  # type: ignore[method-assign,assignment]


class Database:
    """A workspace's database read (or changed) with plain SQL in a test, on either backend.

    ``Database(root / "review.db")`` opens what the workspace opens: the SQLite file, or in the
    PostgreSQL run the database standing for it. Statements take ``?`` placeholders on both.
    Use it as a context manager (committed and closed at the end), or ``close()`` it.
    """

    def __init__(self, path: str | Path) -> None:
        from review.store import Store

        self.store = Store.open(f"sqlite:///{Path(path)}", migrate=False)
        self.conn = self.store.engine.connect()
        self.postgres = self.store.engine.dialect.name == "postgresql"

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        """Run one statement; rows compare equal to tuples (``row._asdict()`` for a dict)."""
        if self.postgres:
            statement = statement.replace("?", "%s")
        return self.conn.exec_driver_sql(statement, tuple(params)) if params else self.conn.exec_driver_sql(statement)

    def tables(self) -> list[str]:
        """The names of the database's tables, sorted."""
        from sqlalchemy import inspect

        return sorted(inspect(self.conn).get_table_names())

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of ``table`` as tuples, sorted (the same rows compare equal on both backends)."""
        return sorted((tuple(row) for row in self.execute(f'SELECT * FROM "{table}"')), key=repr)

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()
        self.store.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.commit()
        self.close()


def database_rows(path: str | Path, *, leave: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the database at ``path`` (but ``leave``), on either backend."""
    with Database(path) as db:
        return {name: db.rows(name) for name in db.tables() if name not in leave}
