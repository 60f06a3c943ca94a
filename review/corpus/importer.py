"""``review import``: search-export files into sources and records, all or nothing."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from review.corpus import formats, streaming
from review.corpus.dates import parse_search_date
from review.corpus.encoding import decode
from review.corpus.formats import xlsx
from review.corpus.formats._common import gc_paused
from review.corpus.model import ParsedRecord
from review.errors import FormatError, InputError
from review.store import Store, now, schema
from review.versions import set_source_version

SOURCE_KINDS = ("database", "register", "citation", "organisation", "website")

#: For the crash tests only: names a file that an import writes (the records stored so far)
#: after its first stored batch, inside the still-open transaction, before it waits to be
#: killed. tests/test_crash_safety.py thus interrupts every trial at a known point.
PAUSE_ENV = "REVIEW_TEST_PAUSE_IMPORT"


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


def _source_name(path: Path, explicit: str | None) -> str:
    return explicit or path.stem


@dataclass
class _File:
    """A file read and decoded, its format known, not yet parsed."""

    sha256: str
    text: str
    importer: Any
    warnings: list[str]
    encoding: str


def _read(path: Path, fmt: str | None, encoding: str | None) -> _File:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=path) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not an export file", path=path) from exc
    digest = _Digest(data)  # in a thread (hashlib lets go of the GIL) while decoding
    try:
        if fmt == "xlsx" or (fmt in (None, "", "auto") and xlsx.is_workbook(data)):
            return _read_workbook(path, data, digest)
        decoded = decode(data, path, encoding)
    finally:
        digest.join()
    del data  # only the text from here on
    if not decoded.text or decoded.text.isspace():
        raise FormatError("the file is empty", path=path, line=1)
    importer = formats.detect(decoded.text, path) if fmt in (None, "", "auto") else formats.get(fmt, path)
    text, warnings = decoded.text, decoded.warnings
    if hasattr(importer, "repair"):  # lines a person reads unambiguously, read so with a warning
        text, repaired = importer.repair(text, path)
        warnings = [*warnings, *repaired]
    return _File(digest.hexdigest, text, importer, warnings, decoded.encoding)


def _read_workbook(path: Path, data: bytes, digest: _Digest) -> _File:
    """An XLSX workbook's sheet as CSV text (see ``review.corpus.formats.xlsx``)."""
    if not xlsx.is_workbook(data):
        raise FormatError("not an XLSX workbook (a zip archive holding xl/workbook.xml)", path=path, line=1)
    text = xlsx.workbook_text(data, path)
    digest.join()
    return _File(digest.hexdigest, text, xlsx.FORMAT, [], "utf-8")


class _Digest(threading.Thread):
    """The sha256 of some bytes, computed in a thread."""

    def __init__(self, data: bytes) -> None:
        super().__init__(name="review-sha256", daemon=True)
        self._data = data
        self.hexdigest = ""
        self.start()

    def run(self) -> None:
        self.hexdigest = hashlib.sha256(self._data).hexdigest()
        self._data = b""


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
    file = _read(path, fmt, encoding)
    parsed = file.importer.parse(file.text, path, mapping=mapping)
    if not parsed:
        raise FormatError(f"no records found (read as {file.importer.name})", path=path, line=1)
    return file.sha256, file.importer.name, parsed, file.warnings, file.encoding


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
    progress: Callable[[Path, int], None] | None = None,
    same_search: bool = False,
) -> list[ImportResult]:
    """Import export files, one source each, in a single transaction.

    ``progress(path, records_so_far)``, if given, is called after each stored batch.

    Files are parsed, normalised and stored a batch of records at a time (big files by
    worker processes, see ``review.corpus.streaming``), all inside the one transaction:
    a malformed record in any file rolls it back, leaving the database exactly as it was.
    A file imported before (same sha256) is skipped.

    ``searched`` is checked and stored in ISO form (see ``review.corpus.dates``).

    A source name belongs to one search: a name an earlier import gave to another file is
    refused, unless ``same_search`` says the file is another part of that search (an export
    split into several files). The files of one call share their name.

    Raises:
        InputError: a file is unreadable, undetectable or malformed (with file and line); a
            search date that is not a date; a source name already taken (``--source``).
    """
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r} (use one of {', '.join(SOURCE_KINDS)})", field="--kind")
    searched = parse_search_date(searched)
    results: list[ImportResult] = []
    seen: dict[str, ImportResult] = {}
    with gc_paused(), store.transaction() as conn, _big_cache(conn):
        known = {row.sha256: (row.name, row.records_read) for row in conn.execute(
            select(schema.sources.c.sha256, schema.sources.c.name, schema.sources.c.records_read))}
        named = taken_names(conn)
        for raw_path in paths:
            path = Path(raw_path)
            file = _read(path, fmt, encoding)
            result = ImportResult(path=path, source=_source_name(path, source), format=file.importer.name,
                                  encoding=file.encoding, records=0, warnings=file.warnings)
            results.append(result)
            if file.sha256 in known:
                result.skipped = True
                result.previous_source, result.records = known[file.sha256]
            elif file.sha256 in seen:
                result.skipped = True
                result.previous_source, result.records = seen[file.sha256].source, seen[file.sha256].records
            else:
                if not same_search and result.source.casefold() in named:
                    raise InputError(name_taken_message(result.source, named, path), field="--source")
                seen[file.sha256] = result
                _store_file(conn, store, file, result, actor=actor, kind=kind, searched=searched,
                            query=query, hits_reported=hits_reported, mapping=mapping,
                            progress=progress)
            del file  # one file's text in memory at a time
    return results


def taken_names(conn: Connection) -> dict[str, dict[str, Any]]:
    """The sources already imported, by name folded to lower case (the first of each name)."""
    found: dict[str, dict[str, Any]] = {}
    for row in conn.execute(select(schema.sources).order_by(schema.sources.c.id)).mappings():
        found.setdefault(row["name"].casefold(), dict(row))
    return found


def name_taken_message(name: str, named: dict[str, dict[str, Any]], path: Path) -> str:
    """Why a second search may not take a source's name, and the two ways on."""
    existing = named[name.casefold()]
    number = 2
    while f"{existing['name']} ({number})".casefold() in named:
        number += 1
    searched = f", searched {existing['searched']}" if existing.get("searched") else ""
    other = f"{existing['name']} ({number})"
    return (f"a source called {existing['name']!r} exists already (#{existing['id']}, "
            f"{existing['file_name']}{searched}), and `review sources edit|remove NAME` must name one "
            f"search: give {path.name} its own name (e.g. --source {other!r}), "
            "or, if it is another part of that same search (an export split into several files), "
            "add --same-search")


def _store_file(
    conn: Connection, store: Store, file: _File, res: ImportResult, *, actor: str, kind: str,
    searched: str | None, query: str | None, hits_reported: int | None,
    mapping: dict[str, str] | None, progress: Callable[[Path, int], None] | None = None,
) -> None:
    """Insert one file's source and records (streamed in batches), and log the import."""
    sources = schema.sources
    source_id = conn.execute(
        insert(sources).values(
            name=res.source,
            kind=kind,
            format=res.format,
            file_name=res.path.name,
            path=str(res.path.resolve()),
            sha256=file.sha256,
            encoding=res.encoding,
            searched=searched,
            query=query,
            hits_reported=hits_reported,
            records_read=0,  # set below, once the file is read to its end
            imported_at=now(),
            actor=actor,
        )
    ).inserted_primary_key[0]
    res.source_id = source_id
    set_source_version(conn, source_id)  # an update's searches belong to it (review update start)
    count = 0
    for batch in streaming.row_batches(file.importer, file.text, res.path, mapping=mapping):
        _insert_records(conn, source_id, count + 1, batch)
        count += len(batch)
        if progress is not None:
            progress(res.path, count)
        _pause_for_tests(count)
    if not count:
        raise FormatError(f"no records found (read as {file.importer.name})", path=res.path, line=1)
    res.records = count
    conn.execute(update(sources).where(sources.c.id == source_id).values(records_read=count))
    store.log(
        conn, actor, "import", "source", source_id,
        {"file": res.path.name, "format": res.format, "records": count, "sha256": file.sha256},
    )


def _pause_for_tests(count: int) -> None:
    """If ``PAUSE_ENV`` names a file (never in normal use): write ``count`` to it, then wait."""
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker).write_text(str(count), encoding="utf-8")
        time.sleep(120)  # the test kills the process well before this ends


@contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a 64 MB page cache while importing: the index pages stay in memory."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-64 * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


_RECORD_COLUMNS = ("source_id", "position", *streaming.ROW_COLUMNS)
_ORIGINAL = _RECORD_COLUMNS.index("original")
# ``original`` arrives as UTF-8 bytes: SQLite takes them as text as they are.
_INSERT_SQL = (f"INSERT INTO {schema.records.name} ({', '.join(_RECORD_COLUMNS)}) VALUES ("
               + ", ".join("CAST(? AS TEXT)" if c == "original" else "?" for c in _RECORD_COLUMNS) + ")")


def _insert_records(conn: Connection, source_id: int, first: int, batch: list[tuple[Any, ...]]) -> None:
    """Insert rows fast: the DBAPI's executemany on SQLite (qmark), Core elsewhere."""
    params = ((source_id, position, *row) for position, row in enumerate(batch, start=first))
    if conn.dialect.paramstyle == "qmark":
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(_INSERT_SQL, params)
        finally:
            cursor.close()
    else:
        conn.execute(insert(schema.records), [
            {**dict(zip(_RECORD_COLUMNS, p, strict=True)), "original": p[_ORIGINAL].decode()} for p in params
        ])
