"""Reading and writing the fragment sheet as CSV or XLSX (by the file's extension)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review.errors import FormatError, InputError
from review.screening.exchange_formats import read_csv

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in XLSX_SUFFIXES


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, sheet: str | None = None) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (row number, row) pairs of a workbook's first sheet (or ``sheet``)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    if not path.is_file():
        raise InputError("file not found", path=path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FormatError(f"not a readable XLSX workbook: {exc}", path=path) from exc
    try:
        ws = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise FormatError("the sheet is empty", path=path, line=1)
        header = [_cell_text(h).strip() for h in first]
        found: list[tuple[int, dict[str, str]]] = []
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            found.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
        return header, found
    finally:
        book.close()


def read_sheet(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A CSV or XLSX sheet's header and rows, each with the line (or row) it starts on."""
    return read_xlsx(path, "fragments") if is_xlsx(path) else read_csv(path)


def write_sheet(path: Path, columns: Sequence[str], rows: list[dict[str, Any]], *,
                title: str = "fragments", wide: Sequence[str] = ()) -> None:
    """Write a tidy sheet: CSV (UTF-8, with header), or XLSX with a frozen, bold header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not is_xlsx(path):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
        return
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(["" if row.get(c) is None else row.get(c) for c in columns])
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                if ILLEGAL_CHARACTERS_RE.search(cell.value):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub(" ", cell.value)
                if cell.data_type == "f":  # text that starts with "=" stays text
                    cell.data_type = "s"
                if cell.column_letter and columns[cell.column - 1] in wide:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, name in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = 60 if name in wide else max(10, min(30, len(name) + 4))
    ws.freeze_panes = "A2"
    book.save(path)
