"""Bulk reads and writes for a dedup run (a million records must not take minutes).

Plain, portable SQL; on a DBAPI with ``qmark`` parameters (SQLite) the rows go straight
to the driver's ``executemany`` (as the importer does), elsewhere through SQLAlchemy Core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause


def read_rows(conn: Connection, table: str, columns: Sequence[str], order_by: str) -> list[dict[str, Any]]:
    """Every row of ``table`` as a dict of ``columns``, ordered by ``order_by``."""
    sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order_by}"
    result = conn.exec_driver_sql(sql)
    return [dict(zip(columns, row, strict=True)) for row in result]


def insert_rows(conn: Connection, table: TableClause, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys)."""
    if not rows:
        return
    columns = list(rows[0])
    if conn.dialect.paramstyle == "qmark":
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        _executemany(conn, sql, ([row[c] for c in columns] for row in rows))
    else:
        conn.execute(insert(table), rows)


def update_rows(conn: Connection, table: TableClause, key: str, rows: list[dict[str, Any]]) -> None:
    """Update rows by ``key`` (each dict holds the key's value under ``key`` and the new values)."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != key]
    if conn.dialect.paramstyle == "qmark":
        sql = f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"
        _executemany(conn, sql, ([row[c] for c in columns] + [row[key]] for row in rows))
    else:
        values = {c: bindparam(f"v_{c}") for c in columns}
        conn.execute(update(table).where(table.c.id == bindparam(key)).values(values),
                     [{key: row[key], **{f"v_{c}": row[c] for c in columns}} for row in rows])


def _executemany(conn: Connection, sql: str, params: Any) -> None:
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()
