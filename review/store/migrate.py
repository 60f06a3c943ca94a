"""Move a review's database to another server (SQLite to PostgreSQL and back), every row checked.

:func:`move_database` writes the source as an archive (:func:`review.store.archive.export_all`),
loads it into the target (:func:`review.store.archive.restore_archive`, all or nothing), then
compares the two databases table by table: the row count and a sha256 of the rows in primary
key order (:func:`table_checksums`). If anything differs, the target is emptied again and the
error says which tables; the source is never changed.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass

from sqlalchemy import MetaData, select

from review.errors import InputError, ReviewError
from review.store import Store
from review.store.archive import export_all, restore_archive
from review.store.reset import reset_database

__all__ = ["MoveSummary", "move_database", "table_checksums"]


@dataclass(frozen=True)
class MoveSummary:
    """What a move copied: per table, its row count and checksum (equal on both sides)."""

    source: str  # URLs, passwords masked
    target: str
    tables: dict[str, tuple[int, str]]

    @property
    def rows(self) -> int:
        return sum(count for count, _digest in self.tables.values())


def _cell(value: object) -> str:
    """One value as text, the same on every backend (1.0 and 1, None and '' kept apart)."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_checksums(store: Store) -> dict[str, tuple[int, str]]:
    """Every table's row count and the sha256 of its rows in primary key order, in one read."""
    result: dict[str, tuple[int, str]] = {}
    with store.read() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(select(table).order_by(*order)):
                digest.update("\x1f".join(_cell(v) for v in row).encode() + b"\x1e")
                count += 1
            result[table.name] = (count, digest.hexdigest())
    return result


def _has_rows(store: Store) -> list[str]:
    return [name for name, (count, _d) in table_checksums(store).items()
            if count and name != "schema_migrations"]


def move_database(source: Store, target: Store) -> MoveSummary:
    """Copy every row of ``source`` into the new, empty ``target`` and check the copy.

    Both are opened (so migrated to this version's schema) by the caller.

    Raises:
        InputError: the target is the source, or already holds a review's rows.
        ReviewError: the copy differs from the source (the target is emptied again).
    """
    if source.url == target.url:
        raise InputError("the target is the database the review already uses; name another one",
                         path=target.url, field="--to")
    filled = _has_rows(target)
    if filled:
        raise InputError(f"the target database already holds rows ({', '.join(filled[:3])}); "
                         "move into a new, empty database", path=target.url, field="--to")
    before = table_checksums(source)
    with tempfile.TemporaryDirectory(prefix="review-move-") as folder:
        export_all(source, f"{folder}/archive")
        restore_archive(target, f"{folder}/archive")
    after = table_checksums(target)
    differ = [name for name in before if name != "schema_migrations" and before[name] != after.get(name)]
    if differ:
        reset_database(target)
        detail = "; ".join(f"{name}: {before[name][0]} rows here, {after.get(name, (0, ''))[0]} there"
                           for name in differ[:3])
        raise ReviewError(f"the copy differs from the review's database ({detail}); the target was "
                          "emptied again and the review still uses its database")
    tables = {name: value for name, value in before.items() if name != "schema_migrations"}
    return MoveSummary(source.url, target.url, tables)
