"""XLSX exports (Embase, Lens, EPPI-Reviewer, Covidence, Rayyan) through the CSV column recognition."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from review.corpus.importer import prepare_file
from review.store import schema
from review.workspace import Workspace


def _records(ws: Workspace) -> list:
    with ws.store().read() as conn:
        return conn.execute(select(schema.records).order_by(schema.records.c.id)).all()


@pytest.mark.parametrize(("name", "count", "first_line"), [
    ("_baseline.xlsx", 100, 3), ("_baseline_embase.xlsx", 10, 5), ("_baseline_eppireviewer.xlsx", 10, 2)])
def test_real_workbooks_import_by_content(cli, workspace: Workspace, shared_data: Path, name: str, count: int,
                                          first_line: int) -> None:
    result = cli("import", str(shared_data / "exports/citation-file-formatting/XLSX" / name))
    assert result.exit_code == 0, result.output
    assert f"{count} records (xlsx" in result.output
    rows = _records(workspace)
    assert len(rows) == count and rows[0].line == first_line  # the sheet's row
    assert all(r.title for r in rows)


def test_a_workbook_reads_exactly_like_the_same_export_as_csv(shared_data: Path) -> None:
    folder = shared_data / "exports/citation-file-formatting"
    _, fmt, from_xlsx, _, _ = prepare_file(folder / "XLSX/_baseline.xlsx")
    _, _, from_csv, _, _ = prepare_file(folder / "CSV/_baseline.csv")
    assert fmt == "xlsx"
    assert [r.fields for r in from_xlsx] == [r.fields for r in from_csv]
    embase = prepare_file(folder / "XLSX/_baseline_embase.xlsx")[2][0].fields
    assert embase["doi"] == "10.1038/s41467-024-48400-3" and embase["pmid"] == "38773066"


def _as_workbook(source: Path, target: Path) -> Path:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(c) if c.isdigit() and len(c) == 4 else c for c in row])
    book.save(target)
    return target


@pytest.mark.parametrize("name", ["_baseline_covidence.csv", "_baseline_rayyan.csv", "_baseline_scopus.csv"])
def test_covidence_rayyan_and_scopus_workbooks_use_the_csv_columns(shared_data: Path, tmp_path: Path,
                                                                    name: str) -> None:
    source = shared_data / "exports/citation-file-formatting/CSV" / name
    book = _as_workbook(source, tmp_path / "export.xlsx")
    as_csv = prepare_file(source)[2]
    as_xlsx = prepare_file(book)[2]
    assert [(r.fields.get("title"), r.fields.get("doi"), str(r.fields.get("year"))) for r in as_xlsx] == [
        (r.fields.get("title"), r.fields.get("doi"), str(r.fields.get("year"))) for r in as_csv]


def test_cell_values_are_written_as_excel_shows_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Title", "Authors", "Year", "Volume", "Date", "Abstract"])
    sheet.append(["A trial", "Doe, J; Roe, R", 2019.0, 12, dt.datetime(2019, 5, 4), "Line one\nline two"])
    book.save(tmp_path / "t.xlsx")
    record = prepare_file(tmp_path / "t.xlsx")[2][0]
    assert record.fields["year"] == "2019" and record.fields["volume"] == "12"
    assert record.original["Date"] == "2019-05-04"
    assert record.original["Abstract"] == "Line one line two"


def test_a_malformed_row_stops_the_import_with_its_sheet_row(cli, workspace: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Title", "Authors", "Year"])
    sheet.append(["A trial", "Doe, J", 2019])
    sheet.append(["Another", "Roe, R", 2020, "stray", "cells"])
    book.save(tmp_path / "bad.xlsx")
    result = cli("import", str(tmp_path / "bad.xlsx"))
    assert result.exit_code == 2
    assert "bad.xlsx:3:" in result.output
    with workspace.store().read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.records)).scalar() == 0


def test_format_xlsx_refuses_a_file_that_is_not_a_workbook(cli, workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_text("TY  - JOUR\nTI  - A\nER  - \n")
    result = cli("import", "--format", "xlsx", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and "x.xlsx:1: not an XLSX workbook" in result.output
    (tmp_path / "a.zip").write_bytes(b"PK\x03\x04" + b"\0" * 40)  # a zip, not a workbook
    result = cli("import", str(tmp_path / "a.zip"))
    assert result.exit_code == 2 and "a.zip:1: this is a ZIP archive" in result.output
    assert _records(workspace) == []
