"""Ovid's citation export (<1> numbered records, 'TI  - ' field lines), written as Ovid shows it:
a Direct Export from Ovid MEDLINE with abstracts, and a Citation Manager file from APA
PsycInfo without abstracts, its search history on top and its tag lines indented."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from review.corpus.formats import ovid
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

DATA = Path(__file__).resolve().parent / "data" / "formats"
DIRECT = DATA / "ovid_medline_direct.txt"
CITATION_MANAGER = DATA / "ovid_psycinfo_citation_manager.txt"


def _records(path: Path) -> list[dict]:
    _digest, fmt, parsed, warnings, _encoding = prepare_file(path)
    assert (fmt, warnings) == ("ovid", [])
    return [{"line": p.line, "ref": p.source_ref, **normalise_fields(p.fields)} for p in parsed]


def test_direct_export_from_medline() -> None:
    first, second = _records(DIRECT)
    assert (first["line"], first["ref"], first["pmid"]) == (1, "39000001", "39000001")
    assert first["title"] == ("Peer support for new mothers: a realist review of what works, for whom "
                              "and in what circumstances")  # continued on an indented line
    assert json.loads(first["authors"]) == [
        {"family": "van der Berg", "given": "Anna Maria"},  # FA preferred over AU
        {"family": "Smith", "given": "John"},
        {"family": "EXAMPLE Study Group", "given": "", "kind": "organisation"},  # CN
    ]
    assert (first["journal"], first["volume"], first["issue"], first["pages"], first["year"]) == (
        "Journal of Example Studies", "12", "3", "101-119", 2024)
    assert first["doi"] == "10.1000/jes.2024.101"
    assert first["abstract"].startswith("BACKGROUND: Mothers meet peers. METHODS: We searched five databases.")
    assert json.loads(first["keywords"]) == ["Humans", "Peer Group"]
    # the second has no JN/VO/PG fields: all come from its source line
    assert (second["line"], second["journal"], second["volume"], second["issue"]) == (
        29, "Nursing Examples Quarterly", "7", None)
    assert (second["pages"], second["year"], second["abstract"]) == ("45-49", 1998, None)


def test_citation_manager_from_psycinfo() -> None:
    article, book, embase = _records(CITATION_MANAGER)
    assert (article["line"], article["ref"], article["pmid"]) == (9, "2021-12345-001", None)
    assert (article["journal"], article["volume"], article["issue"], article["pages"], article["year"]) == (
        "Journal of Family Examples", "35", "2", "210-224", 2021)
    assert article["doi"] == "10.1037/fam0000001"
    assert json.loads(article["keywords"]) == ["peer support", "trust", "parents"]
    assert [a["role"] for a in json.loads(book["authors"])] == ["editor", "editor"]
    assert (book["journal"], book["type"], book["isbn"]) == (None, "book", "9780000000002")
    assert (embase["ref"], embase["pmid"], embase["journal"], embase["issue"], embase["pages"]) == (
        "2014000003", "24000003", "Midwifery Examples", "4", "455-461")


@pytest.mark.parametrize(
    ("source", "parts"),
    [
        ("Journal of Things. 12(3):45-67, 2019 Mar.",
         {"journal": "Journal of Things", "volume": "12", "issue": "3", "pages": "45-67", "date": "2019 Mar"}),
        ("Journal of Things. 12 (3) (pp 45-67), 2019. Date of Publication: March 2019.",
         {"journal": "Journal of Things", "volume": "12", "issue": "3", "pages": "45-67", "date": "2019"}),
        ("Journal of Things. Vol.12(3), 2019, pp. 45-67.",
         {"journal": "Journal of Things", "volume": "12", "issue": "3", "pages": "45-67", "date": "2019"}),
        ("BMJ Open. 9(1):e012345, 2019 01 15.",
         {"journal": "BMJ Open", "volume": "9", "issue": "1", "pages": "e012345", "date": "2019 01 15"}),
        ("A report without the usual parts.", {"journal": "A report without the usual parts"}),
    ],
    ids=["medline", "embase", "psycinfo", "article-number", "other"],
)
def test_source_line_shapes(source: str, parts: dict[str, str]) -> None:
    assert ovid.parse_source(source) == parts


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("<1>\nUI  - 1\nTI  - First\n\n<2>\n", 5, "record <2> has no fields"),
        ("<1>\nUI  - 1\nTI  - First\nTitle of a field Ovid never writes\n", 4, "unknown Ovid field line"),
        ("<1>\nUI  - 1\nTI  - First\n\n<3>\nUI  - 3\n", 5, "record <3> follows <1>"),
    ],
    ids=["cut-after-number", "unknown-field", "record-missing"],
)
def test_bad_input_is_refused_with_its_line(tmp_path: Path, text: str, line: int, what: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=rf"bad\.txt:{line}: .*{what}"):
        prepare_file(path, fmt="ovid")


def test_ovid_ris_is_still_ris() -> None:
    text = "1.\nTY  - JOUR\nDB  - Ovid MEDLINE(R)\nTI  - A\nER  - \n"
    assert ovid.FORMAT.sniff(text) == 0.0


def test_round_trip_through_export_records(cli, tmp_path: Path) -> None:
    result = cli("import", "--format", "ovid", str(DIRECT), str(CITATION_MANAGER))
    assert result.exit_code == 0, result.output
    out = tmp_path / "records.csv"
    assert cli("export", "records", "--format", "csv", "--output", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["source_id"] for r in rows] == ["39000001", "10000002", "2021-12345-001", "2020-67890-002",
                                              "2014000003"]
    ris = tmp_path / "records.ris"
    assert cli("export", "records", "--format", "ris", "--output", str(ris)).exit_code == 0
    _digest, _fmt, again, _w, _e = prepare_file(ris)
    assert [normalise_fields(p.fields)["title"] for p in again] == [r["title"] for r in rows]
    assert [normalise_fields(p.fields)["pages"] for p in again] == [r["pages"] or None for r in rows]
