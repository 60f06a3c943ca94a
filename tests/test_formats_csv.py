"""Tables: database CSV dialects, delimiters, physical line numbers, --map and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.formats import csv_table
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError, InputError

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
CSV = EXPORTS / "citation-file-formatting" / "CSV"


def _read(path: Path, mapping: dict[str, str] | None = None):
    _digest, fmt, parsed, warnings, encoding = prepare_file(path, mapping=mapping)
    assert fmt == "csv"
    return parsed, warnings, encoding


def _rows(path: Path):
    parsed, _w, _e = _read(path)
    return parsed, [normalise_fields(p.fields) for p in parsed]


def _parse(text: str, mapping: dict[str, str] | None = None):
    return csv_table.FORMAT.parse(text, Path("t.csv"), mapping=mapping)


def test_scopus_csv() -> None:
    parsed, rows = _rows(CSV / "_baseline_scopus.csv")
    row = rows[0]
    assert parsed[0].source_ref == "2-s2.0-85189760133"  # EID
    assert json.loads(row["authors"])[:2] == [  # "Author full names", Scopus ids dropped
        {"family": "Wilson", "given": "Lauren N."}, {"family": "Gardner", "given": "Jacob D."}]
    assert (row["pmid"], row["issn"], row["page_first"]) == ("38580657", "2041-1723", "2864")
    assert (row["journal"], row["journal_abbrev"]) == ("Nature Communications", "Nat. Commun.")
    assert (row["type"], row["language"]) == ("journal-article", "en")
    assert "Dinosaurs" in json.loads(row["keywords"])  # Index Keywords


def test_older_scopus_csv_with_more_funding_texts_than_its_header() -> None:
    parsed, rows = _rows(EXPORTS / "litstudy" / "scopus.csv")
    assert [len(p.original) for p in parsed] == [45, 45, 45, 45]
    fourth = parsed[3]
    assert fourth.source_ref.startswith("2-s2.0-")  # EID still in its column
    assert rows[3]["language"] == "en" and rows[3]["type"] == "journal-article"
    assert json.loads(rows[0]["authors"])[0] == {"family": "Phillips", "given": "J.C."}  # "Phillips J.C., Braun R."
    assert (rows[0]["page_first"], rows[0]["page_last"]) == ("1781", "1802")


def test_pubmed_csv_citation_gives_volume_issue_pages() -> None:
    parsed, rows = _rows(CSV / "_baseline_pubmed.csv")
    assert parsed[0].source_ref == "30922926"  # PMID, the only id
    row = rows[0]
    assert (row["volume"], row["issue"], row["page_first"]) == ("63", "2", "103640")
    assert row["pmid"] == "30922926"
    assert json.loads(row["authors"])[2] == {"family": "O'Connor", "given": "RE."}


def test_embase_csv_preamble_and_excel_semicolons() -> None:
    for name, encoding in (("_baseline_embase.csv", "utf-8"), ("_baseline_excel.csv", "utf-8-sig")):
        parsed, _w, used = _read(CSV / name)
        assert used == encoding
        assert [p.line for p in parsed] == [5, 6, 7, 8, 9]  # after "SEARCH QUERY", dashes, blank, header
        row = normalise_fields(parsed[1].fields)
        assert parsed[1].source_ref == "L644585435"  # PUI
        assert (row["pmid"], row["type"], row["page_first"]) == ("38906957", "erratum", "14316")


def test_embase_source_citation_fills_the_gaps() -> None:
    parsed, rows = _rows(EXPORTS / "asreview" / "embase.csv")
    row = rows[0]
    assert (row["journal"], row["year"], row["volume"], row["issue"]) == ("Endoscopic Ultrasound", 2014, "3", "3")
    assert (row["page_first"], row["page_last"]) == ("152", "160")
    assert row["doi"] == "10.4103/2303-9027.138783"  # from the Open URL link, query cut off


def test_cochrane_csv() -> None:
    parsed, rows = _rows(CSV / "_baseline_cochrane.csv")
    assert parsed[0].source_ref == "CN-00778158"
    assert (rows[0]["pmid"], rows[0]["journal"]) == ("21314913", "Trials")  # "PUBMED 21314913"


def test_cinahl_excel_guards_and_page_count() -> None:
    parsed, rows = _rows(CSV / "_baseline_cinahl.csv")
    assert parsed[0].original["ISSN"] == '="19326203"'
    assert (rows[0]["issn"], rows[0]["page_first"], rows[0]["page_last"]) == ("1932-6203", "1", "60")


def test_rayyan_and_abstrackr_and_line_numbers_of_multi_line_cells() -> None:
    parsed, rows = _rows(CSV / "_baseline_rayyan.csv")
    assert parsed[0].source_ref == "rayyan-42924189"
    assert len(json.loads(rows[0]["authors"])) == 4  # "Yang, Z. and Jiang, B. and ..."
    assert rows[0]["doi"] == "10.1038/s41467-024-48400-3"  # cell has junk after the DOI
    parsed, rows = _rows(CSV / "_baseline_abstrackr.csv")
    assert [p.line for p in parsed[:4]] == [2, 8, 11, 16]  # authors cells span lines
    assert json.loads(rows[0]["authors"])[1] == {"family": "Pereda-Suberbiola", "given": "X."}
    assert rows[0]["pmid"] is None  # "pubmed id" 0


def test_lens_tab_separated() -> None:
    parsed, rows = _rows(EXPORTS / "citation-file-formatting" / "TSV" / "_baseline.tsv")
    assert parsed[0].source_ref == "000-463-679-101-319"
    assert json.loads(rows[0]["authors"])[0] == {"family": "Blomberg", "given": "Björn A."}
    assert (rows[0]["pmid"], rows[0]["issn"]) == ("22752652", "1860-2002; 1536-1632")


def test_refworks_null_given_names() -> None:
    _parsed, rows = _rows(EXPORTS / "citation-file-formatting" / "TSV" / "_baseline_refworks.tsv")
    assert json.loads(rows[0]["authors"])[:2] == [
        {"family": "van den Hoven", "given": ""}, {"family": "Smits", "given": "Maarten L. J."}]


def test_openalex_zotero_google_scholar_springer_authors() -> None:
    _p, rows = _rows(CSV / "_baseline_openalex.csv")
    assert json.loads(rows[0]["authors"])[2] == {"family": "Pérez-Cano", "given": "Jordi"}  # "|"-separated
    parsed, rows = _rows(CSV / "_baseline_zotero.csv")
    assert parsed[0].source_ref == "YVC6GC78"
    assert "controlled study" in json.loads(rows[0]["keywords"])  # Manual Tags
    _p, rows = _rows(CSV / "_baseline_googlescholar.csv")
    assert [a["family"] for a in json.loads(rows[0]["authors"])] == ["Barrett", "Willis"]  # trailing "; "
    _p, rows = _rows(EXPORTS / "litstudy" / "springer.csv")
    assert json.loads(rows[0]["authors"]) == [  # "Araz R. AlievNigar T. Ismayilova"
        {"family": "Aliev", "given": "Araz R."}, {"family": "Ismayilova", "given": "Nigar T."}]


def test_hair2023_r_export_in_cp1252() -> None:
    parsed, warnings, encoding = _read(EXPORTS / "hair2023" / "final_labelled_Diabetes_duplicates_calc_performance.csv")
    assert encoding == "cp1252"
    assert warnings and "not valid UTF-8; read as cp1252" in warnings[0]
    rows = [normalise_fields(p.fields) for p in parsed]
    assert [p.source_ref for p in parsed] == ["1", "699", "728", "1447"]  # RecordID
    assert "© 2008 Lippincott" in rows[1]["abstract"]
    assert json.loads(rows[0]["authors"]) == [{"family": "Adeli", "given": "K."}, {"family": "Lewis", "given": "G. F."}]
    assert rows[0]["pmid"] == "18460911"  # from the PubMed link
    assert rows[1]["issn"] == "0957-9672"
    parsed, warnings, encoding = _read(EXPORTS / "hair2023" / "final_labelled_Neuroimaging_duplicates_calc_performance.csv")
    assert encoding == "utf-8+cp1252"
    assert "König" in parsed[0].original["Author"]  # UTF-8 kept, the one cp1252 byte too
    assert normalise_fields(parsed[0].fields)["pages"] == "6-10"  # Excel's "06-Oct"


def test_generic_csv_with_recognisable_columns_needs_no_map() -> None:
    text = "record_id;Title;Authors;Publication Year;Source title;DOI;Page start;Page end\n" \
           '7;"Peer support; a review";"Smith, J.; Doe, A.";2020;BMJ;10.1136/X;12;19\n'
    (record,) = _parse(text)
    row = normalise_fields(record.fields)
    assert (record.source_ref, record.line, row["title"]) == ("7", 2, "Peer support; a review")
    assert (row["year"], row["journal"], row["doi"], row["pages"]) == (2020, "BMJ", "10.1136/x", "12-19")
    assert [a["family"] for a in json.loads(row["authors"])] == ["Smith", "Doe"]


def test_map_names_columns_and_overrides_guesses() -> None:
    text = "Ref,Heading,Writers,When,Notes,Abstract\n" \
           "r1,Peer support,\"Smith, J\",2019,the real abstract,not this one\n"
    (record,) = _parse(text, {"Ref": "source_id", "Heading": "title", "Writers": "authors",
                              "When": "year", "Notes": "abstract"})
    row = normalise_fields(record.fields)
    assert (record.source_ref, row["title"], row["year"], row["abstract"]) == ("r1", "Peer support", 2019, "the real abstract")


def test_map_with_unknown_field_or_missing_column() -> None:
    text = "Ref,Heading\nr1,Peer support\n"
    with pytest.raises(InputError, match=r"--map: unknown field 'headline' for column 'Heading'"):
        _parse(text, {"Heading": "headline"})
    with pytest.raises(InputError, match=r"t\.csv:1: Titel: --map column 'Titel' is not in the header"):
        _parse(text, {"Titel": "title"})
    with pytest.raises(InputError, match=r"t\.csv:1: title: no title column recognised .* --map COLUMN=title"):
        _parse(text)


def test_row_with_too_many_cells_and_unclosed_quote() -> None:
    with pytest.raises(FormatError, match=r"t\.csv:3: row has 3 cells but the header has 2"):
        _parse("title,year\nA,2020\nB, with a comma,2021\n")
    with pytest.raises(FormatError, match=r"t\.csv:3: malformed CSV row .*quote opened on this line is never closed"):
        _parse('title,year\nA,2020\n"B never closed,2021\nC,2022\n')


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_detected_from_the_header(delimiter: str) -> None:
    text = delimiter.join(["Title", "Year", "DOI"]) + "\n" + delimiter.join(["A, B; C", "2020", "10.1/x"]).replace(
        "A, B; C", '"A, B; C"') + "\n"
    (record,) = _parse(text)
    assert record.fields["title"] == "A, B; C"
