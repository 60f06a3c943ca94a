"""``review import``: search-export files into sources and records, all or nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from review.corpus import formats
from review.corpus.encoding import decode
from review.corpus.model import ParsedRecord
from review.corpus.normalise import normalise_fields
from review.errors import FormatError, InputError
from review.store import Store, now, schema

SOURCE_KINDS = ("database", "register", "citation", "organisation", "website")


@dataclass
class ImportResult:
    """What happened to one file."""

    path: Path
    source: str
    format: str
    encoding: str
    records: int
    source_id: int | None = None
    skipped: bool = False  # the same file (sha256) was imported before
    previous_source: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Prepared:
    result: ImportResult
    sha256: str
    parsed: list[ParsedRecord]
    rows: list[dict[str, Any]]


def _source_name(path: Path, explicit: str | None) -> str:
    return explicit or path.stem


def prepare_file(
    path: Path,
    *,
    source: str | None = None,
    fmt: str = "auto",
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
) -> tuple[str, str, list[ParsedRecord], list[str], str]:
    """Read, decode, detect and parse one file without touching the database.

    Returns (sha256, format name, parsed records, warnings, encoding used).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=path) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not an export file", path=path) from exc
    digest = hashlib.sha256(data).hexdigest()
    decoded = decode(data, path, encoding)
    if not decoded.text.strip():
        raise FormatError("the file is empty", path=path, line=1)
    importer = formats.detect(decoded.text, path) if fmt in (None, "", "auto") else formats.get(fmt, path)
    parsed = importer.parse(decoded.text, path, mapping=mapping)
    if not parsed:
        raise FormatError(f"no records found (read as {importer.name})", path=path, line=1)
    return digest, importer.name, parsed, decoded.warnings, decoded.encoding


def import_files(
    store: Store,
    paths: list[Path],
    *,
    actor: str,
    source: str | None = None,
    fmt: str = "auto",
    searched: str | None = None,
    query: str | None = None,
    kind: str = "database",
    hits_reported: int | None = None,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
) -> list[ImportResult]:
    """Import export files, one source each, in a single transaction.

    Every file is parsed before anything is written, so a malformed record in any file
    leaves the database exactly as it was. A file imported before (same sha256) is skipped.

    Raises:
        InputError: a file is unreadable, undetectable or malformed (with file and line).
    """
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r} (use one of {', '.join(SOURCE_KINDS)})", field="--kind")
    prepared: list[_Prepared] = []
    seen: dict[str, Path] = {}
    with store.read() as conn:
        known = {row.sha256: row.name for row in conn.execute(select(schema.sources.c.sha256, schema.sources.c.name))}
    for raw_path in paths:
        path = Path(raw_path)
        digest, fmt_name, parsed, warnings, used = prepare_file(
            path, source=source, fmt=fmt, encoding=encoding, mapping=mapping
        )
        result = ImportResult(
            path=path,
            source=_source_name(path, source),
            format=fmt_name,
            encoding=used,
            records=len(parsed),
            warnings=warnings,
        )
        if digest in known or digest in seen:
            result.skipped = True
            result.previous_source = known.get(digest) or _source_name(seen[digest], source)
            prepared.append(_Prepared(result, digest, [], []))
            continue
        seen[digest] = path
        rows = [_record_row(p) for p in parsed]
        prepared.append(_Prepared(result, digest, parsed, rows))

    with store.transaction() as conn:
        for item in prepared:
            if item.result.skipped:
                continue
            res = item.result
            source_id = conn.execute(
                insert(schema.sources).values(
                    name=res.source,
                    kind=kind,
                    format=res.format,
                    file_name=res.path.name,
                    path=str(res.path.resolve()),
                    sha256=item.sha256,
                    encoding=res.encoding,
                    searched=searched,
                    query=query,
                    hits_reported=hits_reported,
                    records_read=res.records,
                    imported_at=now(),
                    actor=actor,
                )
            ).inserted_primary_key[0]
            res.source_id = source_id
            for row in item.rows:
                row["source_id"] = source_id
            if item.rows:
                _bulk_insert_records(conn, item.rows)
            store.log(
                conn, actor, "import", "source", source_id,
                {"file": res.path.name, "format": res.format, "records": res.records, "sha256": item.sha256},
            )
    return [item.result for item in prepared]


def _bulk_insert_records(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert many records fast: the DBAPI's executemany on SQLite, Core elsewhere."""
    if conn.dialect.paramstyle != "qmark":
        conn.execute(insert(schema.records), rows)
        return
    columns = list(rows[0])
    sql = (f"INSERT INTO {schema.records.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])


def _record_row(parsed: ParsedRecord) -> dict[str, Any]:
    row = normalise_fields(parsed.fields)
    row.update(
        position=parsed.position,
        line=parsed.line,
        source_ref=parsed.source_ref,
        original=json.dumps(parsed.original, ensure_ascii=False, default=str),
    )
    return row
