"""Parsing one export into rows of the records table, in file order, a batch at a time.

A format that can cut its text where a record starts (``chunk_starts`` and
``parse_chunk``: RIS, BibTeX) is parsed piece by piece, so that the records of only a few
pieces are in memory at once; a big file's pieces are parsed and normalised by worker
processes while the caller stores the rows of earlier ones. Every other format is parsed
whole and normalised a batch at a time, except one that yields its records as it reads
them (``iter_records``: PubMed XML), whose records are normalised and stored a batch at a
time as they come.

Whichever way a file is read, the rows and the error are the same: pieces are handed
over in file order, and when a piece fails the piece after it is parsed together with it
(a record cut at the end of a piece is only an error once the next piece shows where the
file goes on), so the first error in the file wins with the message and line a whole-file
parse gives.
"""

from __future__ import annotations

import gc
import json
import marshal
import multiprocessing
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

import orjson

from review.corpus.formats._common import gc_paused
from review.corpus.model import ParsedRecord
from review.corpus.normalise import normalise_fields
from review.errors import InputError

#: Characters per piece at most (about 1,000 typical records): a file is cut into 16 pieces
#: or more, none shorter than ``MIN_CHUNK_CHARS``, so that workers share even small files.
CHUNK_CHARS = 2_000_000
MIN_CHUNK_CHARS = 250_000
#: Files at least this long (about 4,000 typical records) are parsed by worker processes.
PARALLEL_CHARS = 8_000_000
#: Records per batch for formats parsed whole.
BATCH = 2_000
#: The columns of a row, before ``source_id`` and ``position`` are added.
ROW_COLUMNS = ("line", "source_ref", "original", *normalise_fields({}))

_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode
_TEXT = ""  # the file being parsed, for worker processes forked while it is set
_HANDOFF = ""  # the directory in which those workers leave their rows


def original_json(original: dict[str, Any]) -> bytes:
    """A record's original fields as JSON, UTF-8 encoded (non-ASCII characters as they are).

    Bytes, not str: they go to the database as they are (see ``importer``), instead of
    being decoded here, and encoded again to pass between processes and to SQLite.
    """
    try:
        return orjson.dumps(original, default=str)
    except TypeError:  # a key that is not a string, an integer beyond 64 bits
        return _JSON(original).encode()


def rows(records: list[ParsedRecord]) -> list[tuple[Any, ...]]:
    """Rows of ``ROW_COLUMNS`` for parsed records (``original`` as UTF-8 JSON bytes)."""
    return [
        (r.line, r.source_ref, original_json(r.original), *normalise_fields(r.fields).values())
        for r in records
    ]


def row_batches(
    importer: Any, text: str, path: Path, *, mapping: dict[str, str] | None = None,
    workers: int | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of ``ROW_COLUMNS`` for every record of ``text``, in file order, in batches.

    Args:
        importer: the file's format (``review.corpus.formats``).
        text: the decoded file.
        path: the file, for messages.
        mapping: ``--map`` options, for the formats that take them.
        workers: worker processes to use (default: one per CPU for big files, else none).

    Raises:
        InputError: the first malformed record in the file.
    """
    if hasattr(importer, "iter_records"):  # read as a stream: a batch in memory at a time
        batch: list[ParsedRecord] = []
        for record in importer.iter_records(text, path):
            batch.append(record)
            if len(batch) == BATCH:
                yield rows(batch)
                batch = []
        if batch:
            yield rows(batch)
        return
    if not hasattr(importer, "parse_chunk"):
        records = importer.parse(text, path, mapping=mapping)
        for start in range(0, len(records), BATCH):
            yield rows(records[start : start + BATCH])
        return
    size = min(CHUNK_CHARS, max(MIN_CHUNK_CHARS, len(text) // 16))
    pieces = _pieces(text, importer.chunk_starts(text, size))
    if workers is None:
        workers = _default_workers() if len(text) >= PARALLEL_CHARS and len(pieces) > 2 else 0
    if workers > 0:
        yield from _parallel(importer, text, pieces, path, mapping, workers)
        return
    seen: set[str] = set()
    for index, (start, end, first_line) in enumerate(pieces):
        try:
            records, keys = importer.parse_chunk(text[start:end], path, first_line=first_line,
                                                 mapping=mapping, prior_keys=seen)
        except InputError:
            raise _first_error(importer, text, pieces, index, path, mapping, seen) from None
        seen.update(keys)
        yield rows(records)


def _pieces(text: str, starts: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, line of start) for each piece."""
    pieces = []
    line = 1
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        if pieces:
            line += text.count("\n", pieces[-1][0], start)
        pieces.append((start, end, line))
    return pieces


def _default_workers() -> int:
    # Workers are forked: safe (and cheap) on Linux, in a process without other threads.
    if sys.platform != "linux" or threading.active_count() > 1:
        return 0
    cpus = len(os.sched_getaffinity(0))
    return min(cpus, 4) if cpus > 1 else 0


def _first_error(
    importer: Any, text: str, pieces: list[tuple[int, int, int]], index: int, path: Path,
    mapping: dict[str, str] | None, seen: set[str],
) -> InputError:
    """The error a whole-file parse raises, given that piece ``index`` is the first to fail."""
    start, _end, first_line = pieces[index]
    end = pieces[index + 1][1] if index + 1 < len(pieces) else len(text)
    try:
        importer.parse_chunk(text[start:end], path, first_line=first_line, mapping=mapping,
                             prior_keys=seen)
    except InputError as exc:
        return exc
    raise AssertionError(f"{path}: a piece failed alone but not with the next one")


def _work(task: tuple[Any, ...]) -> str | bytes | None:
    """In a worker: the rows and keys of one piece, or None when it fails.

    They are marshalled (several times faster than pickle for rows of strings, numbers
    and None) and left in a file in the hand-off directory, whose name is returned: on
    Linux's shared memory that costs a fraction of what a pipe costs for the same bytes.
    If the file cannot be written, the bytes themselves are returned.
    """
    importer, start, end, first_line, path, mapping = task
    if end > len(_TEXT):
        raise RuntimeError("a worker process without the file's text")
    with gc_paused():
        try:
            records, keys = importer.parse_chunk(_TEXT[start:end], path, first_line=first_line,
                                                 mapping=mapping)
        except InputError:
            return None
        data = marshal.dumps((rows(records), keys))
    target = os.path.join(_HANDOFF, f"{start}.rows")
    try:
        with open(target, "wb") as out:
            out.write(data)
    except OSError:  # a full /dev/shm, say
        with suppress(OSError):
            os.unlink(target)
        return data
    return target


def _receive(result: str | bytes) -> tuple[list[tuple[Any, ...]], list[str]]:
    if isinstance(result, str):
        with open(result, "rb") as handle:
            data = handle.read()
        os.unlink(result)
        result = data
    return marshal.loads(result)


def _parallel(
    importer: Any, text: str, pieces: list[tuple[int, int, int]], path: Path,
    mapping: dict[str, str] | None, workers: int,
) -> Iterator[list[tuple[Any, ...]]]:
    """``row_batches`` by forked workers: a few pieces ahead of the caller, in order."""
    global _TEXT, _HANDOFF
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="review-import-", dir=shm) as handoff:
        _TEXT, _HANDOFF = text, handoff  # forked workers see them without a copy
        try:
            yield from _ordered(importer, text, pieces, path, mapping, workers)
        finally:
            _TEXT, _HANDOFF = "", ""


def _ordered(
    importer: Any, text: str, pieces: list[tuple[int, int, int]], path: Path,
    mapping: dict[str, str] | None, workers: int,
) -> Iterator[list[tuple[Any, ...]]]:
    """Pieces handed to the workers a few ahead; while the next one in order is not ready,
    the caller parses a later piece itself rather than wait. Results are used in order."""
    ahead = workers + 2  # pieces at the workers at most
    window = ahead + 2  # pieces handed out (to workers or taken here) but not yet used
    # A worker that dies breaks the pool (BrokenProcessPool): an error, never a hang.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=gc.enable)
    try:
        handed: dict[int, Any] = {}  # piece -> Future, or [rows and keys, or None] from here
        at_workers = 0
        next_piece = 0
        seen: set[str] = set()
        for index in range(len(pieces)):
            while next_piece < len(pieces) and at_workers < ahead and len(handed) < window:
                start, end, first_line = pieces[next_piece]
                handed[next_piece] = pool.submit(_work, (importer, start, end, first_line, path, mapping))
                next_piece += 1
                at_workers += 1
            entry = handed[index]
            while (not isinstance(entry, list) and not entry.done()
                   and next_piece < len(pieces) and len(handed) < window):
                handed[next_piece] = [_here(importer, text, pieces[next_piece], path, mapping)]
                next_piece += 1
            del handed[index]
            if isinstance(entry, list):
                entry = entry[0]
            else:
                at_workers -= 1
                entry = entry.result()
                entry = None if entry is None else _receive(entry)
            if entry is None:
                raise _first_error(importer, text, pieces, index, path, mapping, seen)
            batch, keys = entry
            if keys and not seen.isdisjoint(keys):  # a key repeated from an earlier piece
                start, end, first_line = pieces[index]
                records, keys = importer.parse_chunk(text[start:end], path, first_line=first_line,
                                                     mapping=mapping, prior_keys=seen)
                batch = rows(records)
            seen.update(keys)
            yield batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _here(
    importer: Any, text: str, piece: tuple[int, int, int], path: Path, mapping: dict[str, str] | None,
) -> tuple[list[tuple[Any, ...]], list[str]] | None:
    """What ``_work`` gives for a piece, parsed in this process."""
    start, end, first_line = piece
    try:
        records, keys = importer.parse_chunk(text[start:end], path, first_line=first_line,
                                             mapping=mapping)
    except InputError:
        return None
    return rows(records), keys
