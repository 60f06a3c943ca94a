"""Reading and writing the fragment sheet as CSV or XLSX (by the file's extension)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review.screening.exchange_formats import read_csv
from review.sheets import is_xlsx, read_workbook


def read_sheet(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A CSV or XLSX sheet's header and rows, each with the line (or row) it starts on."""
    return read_workbook(path, sheet="fragments", strip=False) if is_xlsx(path) else read_csv(path)


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
