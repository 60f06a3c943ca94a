"""Reading and writing appraisal sheets as CSV or XLSX (rows with their line numbers)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review.appraisal.instruments import Instrument
from review.errors import InputError
from review.screening.exchange_formats import read_csv
from review.sheets import read_workbook

SHEET_NAME = "appraisals"


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line, row) pairs of a CSV or XLSX sheet (XLSX: the ``appraisals`` sheet)."""
    if not path.is_file():
        raise InputError("file not found", path=path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        header, rows = read_csv(path)
        return header, [(line, {k: (v or "").strip() for k, v in row.items()}) for line, row in rows]
    return read_workbook(path, sheet=SHEET_NAME)


def write_rows(path: Path, columns: Sequence[str], rows: list[dict[str, Any]],
               instrument: Instrument) -> None:
    """Write a sheet: CSV, or XLSX (drop-down lists for answers, categories and kinds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() != ".xlsx":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    last = max(len(rows) + 1, 2) + 500  # room for rows a reviewer adds
    lists = {"answer": instrument.answer_ids,
             "category": [*instrument.category_ids, instrument.not_applicable],
             "kind": ["judgement", "resolution"]}
    for name, allowed in lists.items():
        if name not in columns:
            continue
        letter = get_column_letter(list(columns).index(name) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True,
                               showErrorMessage=True, errorTitle=f"Not a {name}",
                               error=f"Use one of: {', '.join(allowed)}")
        check.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(check)
    widths = {"report": 8, "study": 8, "instrument": 11, "category": 14, "item": 6, "answer": 11,
              "comment": 40, "reviewer": 10, "subcategories": 13, "kind": 11, "citation": 24,
              "question": 70}
    for number, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = widths.get(name, 14)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("questions")
    guide.append(["item", "category", "question", "guidance"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for item in instrument.all_items():
        guide.append([item.id, item.category or "all", item.text, item.guidance])
    guide.append([])
    guide.append(["answers", "", ", ".join(instrument.answer_ids), "blank = not yet appraised"])
    guide.append(["instrument", "", f"{instrument.name} {instrument.version}", instrument.citation])
    for letter, width in (("A", 10), ("B", 10), ("C", 80), ("D", 80)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
