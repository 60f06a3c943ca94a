"""Reading a worksheet of an XLSX workbook as a sheet: a header and (row number, row) pairs.

Shared by every sheet the tool reads back (appraisals, fragments, studies, theory changes);
each keeps its own CSV side (``review.screening.exchange_formats.read_csv``) and columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review.errors import FormatError, InputError

#: Row numbers as the spreadsheet shows them (the header is row 1).
Rows = list[tuple[int, dict[str, str]]]
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def is_xlsx(path: str | Path) -> bool:
    """Whether the file is read as a workbook (by its extension)."""
    return Path(path).suffix.lower() in XLSX_SUFFIXES


def cell_text(value: Any, *, strip: bool = True) -> str:
    """A cell as text: empty for nothing, ``3`` rather than ``3.0`` for a whole number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if strip else str(value)


def read_workbook(path: str | Path, *, sheet: str | None = None, strip: bool = True) -> tuple[list[str], Rows]:
    """The header and non-blank rows of ``sheet`` (when the workbook has it) or the first worksheet.

    Args:
        strip: strip the cells' surrounding spaces (keep them for verbatim text such as quotes).

    Raises:
        InputError: the file is missing; FormatError: not a workbook, or an empty sheet.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", path=path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many unrelated types for a bad file
        raise FormatError(f"not a readable XLSX workbook ({exc.__class__.__name__})", path=path) from exc
    try:
        worksheet = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        values = worksheet.iter_rows(values_only=True)
        first = next(values, None)
        if not first or not any(v is not None and str(v).strip() for v in first):
            raise FormatError("the sheet is empty", path=path, line=1)
        header = [cell_text(v) for v in first]
        while header and not header[-1]:
            header.pop()
        rows: Rows = []
        for number, raw in enumerate(values, start=2):
            cells = [cell_text(v, strip=strip) for v in raw]
            if any(c.strip() for c in cells):
                rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
    finally:
        book.close()
    return header, rows
