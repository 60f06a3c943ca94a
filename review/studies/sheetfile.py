"""Sheets as rows with their line numbers: CSV (any encoding, ``,`` or ``;``) or XLSX."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from review.screening.exchange_formats import read_csv
from review.sheets import Rows, read_workbook


def read_sheet(path: str | Path) -> tuple[list[str], Rows]:
    """The header and (line, row) pairs of a CSV or XLSX file (first worksheet); blank rows skipped.

    Raises:
        InputError: the file is missing, empty, or not a readable sheet.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return read_csv(path)
    return read_workbook(path)


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
