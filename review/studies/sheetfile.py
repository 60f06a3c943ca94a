"""Sheets as rows with their line numbers: CSV (any encoding, ``,`` or ``;``) or XLSX."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from review.errors import FormatError, InputError
from review.screening.exchange_formats import read_csv

Rows = list[tuple[int, dict[str, str]]]


def read_sheet(path: str | Path) -> tuple[list[str], Rows]:
    """The header and (line, row) pairs of a CSV or XLSX file (first worksheet); blank rows skipped.

    Raises:
        InputError: the file is missing, empty, or not a readable sheet.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return read_csv(path)
    if not path.is_file():
        raise InputError("file not found", path=path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise FormatError(f"not a readable XLSX workbook ({exc.__class__.__name__})", path=path) from exc
    try:
        values = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    if not values or not any(_cell(v) for v in values[0]):
        raise FormatError("the sheet is empty", path=path, line=1)
    header = [_cell(v) for v in values[0]]
    while header and not header[-1]:
        header.pop()
    rows: Rows = []
    for line, row in enumerate(values[1:], start=2):
        cells = [_cell(v) for v in row]
        if any(cells):
            rows.append((line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}))
    return header, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_sheet(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a CSV (UTF-8, a header row) or, for a ``.xlsx`` path, a workbook."""
    path = Path(path)
    if path.parent and not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(list(header))
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
        book.save(path)
        return path
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path
