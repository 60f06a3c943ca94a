"""The full real exports and benchmark sets in ../shared/data (skipped when absent): every
file MANIFEST.md lists with a record count imports with exactly that count, and the
Rathbone EndNote XML exports line up with bib-dedupe's ``records_pre_merged.csv`` (row i
is XML record i), which the dedup benchmark relies on.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

#: Listed with a count but not importable: the reason is asserted in the error.
NOT_IMPORTED = {
    "exports/colrev/ebsco_bib.bib": "BibTeX entry cannot be parsed",
    "exports/colrev/ebsco_bib_result.bib": "BibTeX entry cannot be parsed",
}
#: MANIFEST counts rows; abstrackr has a one-cell heading row between its record groups.
RECORDS_NOT_ROWS = {"exports/citation-file-formatting/CSV/_baseline_abstrackr.csv": 10}
RATHBONE = {
    "cytology_screening/Cytology screening.xml": 1856,
    "haematology/Haematology.xml": 1415,
}


def _manifest_counts(shared: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    section = ""
    for line in (shared / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## `"):
            section = line.split("`")[1]
        elif line.startswith("| `") and section:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[4].isdigit():
                counts[section + cells[0].strip("`")] = int(cells[4])
    return counts


def test_every_manifest_export_imports_with_its_record_count(shared_data: Path) -> None:
    counts = _manifest_counts(shared_data)
    assert len(counts) > 100
    wrong = {}
    for name, expected in counts.items():
        expected = RECORDS_NOT_ROWS.get(name, expected)
        path = shared_data / name
        if name in NOT_IMPORTED:
            with pytest.raises(FormatError, match=NOT_IMPORTED[name]):
                prepare_file(path)
            continue
        _digest, _fmt, parsed, _warnings, _encoding = prepare_file(path)
        if len(parsed) != expected:
            wrong[name] = (len(parsed), expected)
    assert wrong == {}


@pytest.mark.parametrize("name", sorted(RATHBONE))
def test_rathbone_endnote_xml_rows_line_up_with_records_pre_merged(shared_data: Path, name: str) -> None:
    xml = shared_data / "dedup" / "rathbone2015" / name
    _digest, fmt, parsed, _warnings, _encoding = prepare_file(xml)
    assert (fmt, len(parsed)) == ("endnote-xml", RATHBONE[name])
    with (xml.parent / "records_pre_merged.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(parsed)

    def key(text: str | None) -> str:
        return re.sub(r"[^a-z0-9]", "", (text or "").lower())

    compared = 0
    for row, record in zip(rows, parsed, strict=True):
        if row["title"]:
            assert key(normalise_fields(record.fields)["title"]) == key(row["title"]), row["ID"]
            compared += 1
    assert compared > 0.9 * len(rows)
