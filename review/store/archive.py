"""Backups and archives of the review database.

- :func:`backup` writes a consistent copy of an SQLite database while others keep working
  (SQLite's online backup API copies a snapshot page by page, never a half-written state).
- :func:`export_all` writes every table as a CSV file, with a README of the columns and a
  manifest (schema version, row counts, sha256 of each file): what journals and PROSPERO
  ask authors to archive with a manuscript.
- :func:`restore_archive` loads such an archive into a new, empty database, checking the
  manifest first, all or nothing.

Sign-in secrets (the web app's password hashes and its session and API token hashes) leave
the database only in a backup (``credentials=True``: backups, ``review migrate``); an
archive for a journal carries the accounts' names and roles, with no password and no
session, and its manifest says so (``"credentials": false``).

CSV cannot tell an empty text from a missing value: an empty cell is NULL, and the few
cells that hold an empty text are listed in the manifest (``empty_strings``), so the round
trip loses nothing.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Float, Integer, MetaData, Numeric, func, insert, select
from sqlalchemy.engine import Connection

from review import __version__
from review.errors import InputError, ReviewError
from review.store import Store, schema

__all__ = ["ARCHIVE_FORMAT", "ArchiveSummary", "backup", "export_all", "restore_archive", "row_counts",
           "verify_archive", "verify_backup"]

ARCHIVE_FORMAT = "review-archive/1"
MANIFEST = "manifest.json"
README = "README.md"
#: The sign-in secrets an archive for others leaves out: (table, column) blanked, or a
#: whole table (column None) left empty.
CREDENTIALS: tuple[tuple[str, str | None], ...] = (("web_users", "password_hash"), ("web_sessions", None))


@dataclass(frozen=True)
class ArchiveSummary:
    """What an export or a restore covered."""

    directory: Path
    schema_version: int
    tables: dict[str, int]  # table name -> rows

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# -- backup ---------------------------------------------------------------------------


def backup(store: Store, path: str | Path) -> Path:
    """Write a consistent copy of the database to ``path``.

    SQLite: a copy of the file (online backup API). PostgreSQL: a pg_dump custom-format file
    (restore with pg_restore) when pg_dump is installed and not older than the server, else
    the archive of :func:`export_all` in the folder ``path``.

    Raises:
        ReviewError: ``path`` exists, or the copy did not check out.
    """
    target = Path(path)
    if target.exists():
        raise ReviewError(f"{target} exists; choose a new file name (a backup never overwrites)")
    target.parent.mkdir(parents=True, exist_ok=True)
    if store.engine.dialect.name != "sqlite":
        from review.store.pg_dump import pg_dump_to, pg_dump_usable

        program = pg_dump_usable(store.engine) if store.engine.dialect.name == "postgresql" else None
        if program is None:
            export_all(store, target)
            verify_archive(store, target)
            return target
        return pg_dump_to(store.engine, program, target, list(row_counts(store)))
    partial = target.with_name(target.name + ".partial")
    raw = store.engine.raw_connection()
    try:
        source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=256)
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        raw.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise ReviewError(f"the copy failed SQLite's integrity check ({check}); nothing was written")
    partial.replace(target)
    return target


def row_counts(store: Store) -> dict[str, int]:
    """Every table's row count, read in one transaction."""
    with store.read() as conn:
        meta = _reflect(conn)
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in meta.sorted_tables}


def verify_backup(store: Store, path: str | Path) -> dict[str, int]:
    """Open an SQLite backup and check it holds every table with the database's row counts.

    Returns:
        The backup's row count per table.

    Raises:
        ReviewError: the copy cannot be opened, fails SQLite's integrity check, or differs
            from the database (a table missing, or another number of rows).
    """
    try:
        copy = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
        try:
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
            names = [n for (n,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            found = {n: copy.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise ReviewError(f"the backup {path} cannot be read back: {exc}") from exc
    if check != "ok":
        raise ReviewError(f"the backup {path} fails SQLite's integrity check ({check})")
    _same_counts(row_counts(store), found, path)
    return found


def _same_counts(live: dict[str, int], copied: dict[str, int], path: str | Path) -> None:
    differ = [f"{name}: {n} in the database, {copied.get(name, 'none')} in the copy"
              for name, n in live.items() if copied.get(name) != n]
    if differ:
        raise ReviewError(f"the backup {path} does not hold every row ({'; '.join(differ[:3])}); "
                          "if others are working on the database, try again when they stop")


# -- export ---------------------------------------------------------------------------


def _reflect(conn: Connection) -> MetaData:
    meta = MetaData()
    meta.reflect(conn)
    return meta


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_all(store: Store, directory: str | Path, *, credentials: bool = True) -> ArchiveSummary:
    """Write every table of the database as ``<table>.csv`` into ``directory``.

    Args:
        credentials: keep the sign-in secrets (a backup). False for an archive given to
            others: password hashes blank, no sessions or tokens (see :data:`CREDENTIALS`);
            restored, each account needs ``review users passwd`` before it can sign in.

    Raises:
        ReviewError: ``directory`` exists and is not empty.
    """
    out = Path(directory)
    if out.exists() and any(out.iterdir()):
        raise ReviewError(f"{out} is not empty; export into a new directory")
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, int] = {}
    columns: dict[str, list[tuple[str, str]]] = {}
    empty: dict[str, list[list[Any]]] = {}
    files: dict[str, str] = {}
    blank = {} if credentials else dict(CREDENTIALS)
    with store.read() as conn:
        meta = _reflect(conn)
        version = max((v for (v,) in conn.execute(select(schema.migrations.c.version))), default=0)
        for table in meta.sorted_tables:
            names = [c.name for c in table.columns]
            columns[table.name] = [(c.name, str(c.type)) for c in table.columns]
            path = out / f"{table.name}.csv"
            order = list(table.primary_key.columns) or [table.columns[names[0]]]
            count = 0
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(names)
                left_out = table.name in blank and blank[table.name] is None
                rows = [] if left_out else conn.execute(select(table).order_by(*order))
                for number, row in enumerate(rows, start=1):
                    values = [None if blank.get(table.name) == name else value
                              for name, value in zip(names, row, strict=True)]
                    for name, value in zip(names, values, strict=True):
                        if value == "" and isinstance(value, str):
                            empty.setdefault(table.name, []).append([number, name])
                    writer.writerow([_text(v) for v in values])
                    count += 1
            tables[table.name] = count
            files[path.name] = _sha256(path)
    manifest = {
        "format": ARCHIVE_FORMAT, "review_version": __version__, "schema_version": version,
        "exported_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "tables": tables, "sha256": files, "empty_strings": empty, "credentials": credentials,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / README).write_text(_readme(manifest, columns), encoding="utf-8")
    return ArchiveSummary(out, version, tables)


def _readme(manifest: dict[str, Any], columns: dict[str, list[tuple[str, str]]]) -> str:
    lines = [
        "# Review database archive", "",
        f"Written by `review export all` (review {manifest['review_version']}, database schema "
        f"{manifest['schema_version']}) on {manifest['exported_at']}. One CSV file per table, UTF-8,",
        "a header row, one row per database row, ordered by primary key. An empty cell is a missing",
        "value (NULL); the few cells holding an empty text are listed in manifest.json under",
        "`empty_strings`. JSON columns hold JSON text. `manifest.json` gives each file's sha256.",
        "Restore with `review import-archive DIR --to NEW_WORKSPACE`.", "",
    ]
    for table, cols in columns.items():
        lines.append(f"## {table}.csv ({manifest['tables'][table]} rows)")
        lines.append("")
        lines.append("| column | type |")
        lines.append("| --- | --- |")
        lines.extend(f"| {name} | {kind} |" for name, kind in cols)
        lines.append("")
    return "\n".join(lines)


def verify_archive(store: Store, directory: str | Path) -> dict[str, int]:
    """Check an archive against its manifest (sha256 of each file) and the live row counts.

    Returns:
        The rows each table's CSV file holds.

    Raises:
        InputError: not an archive, or a file changed since it was written.
        ReviewError: a table's rows differ from the database's.
    """
    folder = Path(directory)
    manifest = _read_manifest(folder)
    found: dict[str, int] = {}
    for name in manifest.get("tables", {}):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            found[name] = sum(1 for _row in csv.reader(handle)) - 1
    _same_counts(row_counts(store), found, folder)
    return found


# -- restore --------------------------------------------------------------------------


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise InputError(f"not an archive written by `review export all` (no {MANIFEST})", path=folder)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}", path=path) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise InputError(f"expected format {ARCHIVE_FORMAT!r}", path=path, field="format")
    for name, digest in (manifest.get("sha256") or {}).items():
        file = folder / name
        if not file.is_file():
            raise InputError("listed in the manifest but missing", path=file)
        if _sha256(file) != digest:
            raise InputError("changed since it was exported (sha256 differs from manifest.json)", path=file)
    return manifest


def _convert(value: str, kind: Any) -> Any:
    if value == "":
        return None
    if isinstance(kind, Integer):
        return int(value)
    if isinstance(kind, Float | Numeric):
        return float(value)
    return value


def restore_archive(store: Store, directory: str | Path) -> ArchiveSummary:
    """Load an archive into ``store``, which must be new (no rows beyond its migrations).

    Raises:
        InputError: not an archive, a changed file, a schema it cannot hold, a bad row.
        ReviewError: the database already holds data.
    """
    folder = Path(directory)
    manifest = _read_manifest(folder)
    version = store.schema_version()
    if int(manifest.get("schema_version", -1)) != version:
        raise InputError(f"the archive is at database schema {manifest.get('schema_version')}, this "
                         f"version of review writes schema {version}; restore it with the review "
                         f"version that wrote it ({manifest.get('review_version')}), then upgrade",
                         path=folder / MANIFEST, field="schema_version")
    empty = {(t, int(n), c) for t, cells in (manifest.get("empty_strings") or {}).items() for n, c in cells}
    counts: dict[str, int] = {}
    with store.transaction() as conn:
        meta = _reflect(conn)
        for table in meta.sorted_tables:
            if table.name == "schema_migrations":
                continue
            if conn.execute(select(table).limit(1)).first() is not None:
                raise ReviewError(f"the database already has rows in {table.name}; restore into a new workspace")
        for table in meta.sorted_tables:
            if table.name == "schema_migrations":
                continue
            path = folder / f"{table.name}.csv"
            if not path.is_file():
                if table.name in manifest.get("tables", {}):
                    raise InputError("missing from the archive", path=path)
                counts[table.name] = 0
                continue
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                unknown = [h for h in header if h not in table.columns]
                if unknown:
                    raise InputError(f"no such column in table {table.name}", path=path, line=1, field=unknown[0])
                rows = []
                for number, cells in enumerate(reader, start=1):
                    if len(cells) != len(header):
                        raise InputError(f"expected {len(header)} cells, found {len(cells)}", path=path,
                                         line=reader.line_num)
                    row = {}
                    for name, cell in zip(header, cells, strict=True):
                        try:
                            value = _convert(cell, table.columns[name].type)
                        except ValueError as exc:
                            raise InputError(f"not a {table.columns[name].type}: {cell!r}", path=path,
                                             line=reader.line_num, field=name) from exc
                        row[name] = "" if (table.name, number, name) in empty else value
                    rows.append(row)
            if rows:
                conn.execute(insert(table), rows)
            counts[table.name] = len(rows)
        _advance_sequences(conn, meta)
    return ArchiveSummary(folder, version, counts)


def _advance_sequences(conn: Connection, meta: MetaData) -> None:
    """On PostgreSQL, move each id sequence past the ids just restored (the next insert's id).

    Rows restored with their ids leave a serial column's sequence where it was; without this,
    the first new row after a restore would collide with restored row 1.
    """
    if conn.dialect.name != "postgresql":
        return
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(select(func.pg_get_serial_sequence(table.name, column.name))).scalar()
            if sequence is None:
                continue
            highest = conn.execute(select(func.max(column))).scalar()
            if highest is not None:
                conn.execute(select(func.setval(sequence, highest)))
