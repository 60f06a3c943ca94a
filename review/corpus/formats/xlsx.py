"""Excel workbooks (XLSX): Embase, Scopus, Lens, EPPI-Reviewer, Covidence and Rayyan write them.

A workbook is read with openpyxl (read-only, cached values) and its sheet is written out
as CSV text, one sheet row per line, so the rows go through the same column recognition,
``--map`` options and checks as a CSV export (:mod:`review.corpus.formats.csv_table`),
and every message names the sheet's row as the line. The sheet read is the first one with
a recognisable header (else the first sheet with data).

Cell values become text the way Excel shows them: whole numbers without ".0", dates as
ISO dates. Line breaks inside a cell become spaces (a CSV line is a sheet row); the
stored fields are whitespace-normalised anyway.

The importer recognises a workbook by its content (a zip archive holding
``xl/workbook.xml``), never by the file name; ``--format xlsx`` insists on one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from review.corpus.formats import _columns
from review.corpus.model import ParsedRecord
from review.errors import FormatError

#: The first bytes of a zip archive (an XLSX workbook is one).
ZIP_MAGIC = b"PK\x03\x04"
#: Rows looked at to find a sheet's header.
_HEADER_ROWS = 30


def is_workbook(data: bytes) -> bool:
    """A zip archive that holds an Excel workbook (``xl/workbook.xml``)."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text


def _recognised(rows: list[list[str]]) -> int:
    """The most recognised column names in any of the first rows."""
    best = 0
    for row in rows[:_HEADER_ROWS]:
        best = max(best, sum(1 for c in row if c and _columns.field_for(c)))
    return best


def workbook_text(data: bytes, path: Path) -> str:
    """The workbook's export sheet as CSV text (one sheet row per line).

    Raises:
        FormatError: not a readable workbook, or no sheet holds any data.
    """
    from openpyxl import load_workbook  # imported here: only workbooks need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FormatError(f"not a readable XLSX workbook ({exc})", path=path, line=1) from exc
    chosen: list[list[str]] | None = None
    try:
        for sheet in book.worksheets:
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            if not rows:
                continue
            if chosen is None:
                chosen = rows
            if _recognised(rows) >= 2:
                chosen = rows
                break
    finally:
        book.close()
    if chosen is None:
        raise FormatError("the workbook has no data in any sheet", path=path, line=1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in chosen:
        while row and not row[-1]:
            row.pop()
        writer.writerow(row)
    return out.getvalue()


class XlsxFormat:
    """Reads the CSV text :func:`workbook_text` made of a workbook."""

    name = "xlsx"

    def sniff(self, text: str) -> float:
        return 0.0  # a workbook is recognised from its bytes (see is_workbook), not from text

    def parse(self, text: str, path: Path, *, mapping: dict[str, str] | None = None) -> list[ParsedRecord]:
        from review.corpus.formats.csv_table import FORMAT as CSV

        return CSV.parse(text, path, mapping=mapping)


FORMAT = XlsxFormat()
