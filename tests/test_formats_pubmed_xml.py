"""PubMed XML (<PubmedArticleSet>), written as NLM's DTD documentation shows it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from review.corpus.formats import pubmed_xml
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

DATA = Path(__file__).resolve().parent / "data" / "formats"
SET = DATA / "pubmed_set.xml"


def _records() -> list[dict]:
    _digest, fmt, parsed, warnings, _encoding = prepare_file(SET)
    assert (fmt, warnings) == ("pubmed-xml", [])
    return [{"line": p.line, "ref": p.source_ref, **normalise_fields(p.fields)} for p in parsed]


def test_journal_article_fields() -> None:
    first = _records()[0]
    assert first["line"] == 4 and first["ref"] == "39000001" == first["pmid"]
    assert first["title"] == "Peer support for new mothers: a realist review"  # <i> kept as its text
    assert json.loads(first["authors"]) == [
        {"family": "van der Berg", "given": "Anna Maria"},
        {"family": "Smith", "given": "John Jr"},
        {"family": "EXAMPLE Study Group", "given": "", "kind": "organisation"},
    ]
    assert (first["journal"], first["journal_abbrev"]) == ("Journal of example studies", "J Ex Stud")
    assert (first["year"], first["volume"], first["issue"], first["pages"]) == (2024, "12", "3", "101-119")
    assert first["doi"] == "10.1000/jes.2024.101"  # ELocationID
    assert first["abstract"] == ("BACKGROUND: Mothers meet peers. METHODS: We searched five databases. "
                                 "CONCLUSIONS: Support works when trusted.")
    assert json.loads(first["keywords"]) == ["peer support", "realist review", "Humans", "Peer Group"]
    assert (first["type"], first["language"], first["issn"]) == ("review", "en", "1234-5678")


def test_medline_date_and_article_id_doi() -> None:
    second = _records()[1]
    assert second["year"] == 1998  # MedlineDate "1998 Dec-1999 Jan"
    assert second["doi"] == "10.1000/neq.1998.45"  # from ArticleIdList
    assert second["pages"] == "45-49"
    assert json.loads(second["authors"]) == [{"family": "Dupont", "given": "P"}]
    assert second["abstract"] == "An unlabelled abstract with H2O in it."
    assert second["language"] == "fr"


def test_book_with_editors_keeps_them_as_editors() -> None:
    book = _records()[2]
    assert book["type"] == "book" and book["isbn"] == "9780000000002"
    assert book["publisher"] == "Example University Press"
    assert [a["role"] for a in json.loads(book["authors"])] == ["editor", "editor"]


def test_records_are_read_as_a_stream_and_cleared() -> None:
    text = SET.read_text(encoding="utf-8")
    stream = pubmed_xml.FORMAT.iter_records(text, SET)
    first = next(stream)  # the first record comes before the rest of the file is read
    assert first.source_ref == "39000001"
    assert [r.source_ref for r in stream] == ["10000002", "20000003"]


@pytest.mark.parametrize(
    ("cut", "line", "what"),
    [
        (lambda t: t[: t.index("<Volume>7")], 115, "Premature end"),  # the file cut short
        (lambda t: t.replace("<Issue>3</Issue>", "<Issue>3</Isue>"), 17, "mismatch"),  # a malformed element
        (lambda t: t.replace('Label="METHODS"', "Label=METHODS"), 37, "AttValue"),  # an unquoted attribute
    ],
    ids=["cut-short", "malformed-element", "unquoted-attribute"],
)
def test_bad_xml_is_refused_with_its_line(tmp_path: Path, cut, line: int, what: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(cut(SET.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(FormatError, match=rf"bad\.xml:{line}: .*{what}"):
        prepare_file(path)


def test_other_xml_is_not_taken_for_pubmed(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<PubmedArticleSet>\n</PubmedArticleSet>\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no records found"):
        prepare_file(path, fmt="pubmed-xml")
    path.write_text("<eSearchResult><Count>1</Count></eSearchResult>\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"other\.xml:1: .*expected <PubmedArticleSet>"):
        prepare_file(path, fmt="pubmed-xml")


def test_round_trip_through_export_records(cli, tmp_path: Path) -> None:
    result = cli("import", str(SET))
    assert result.exit_code == 0, result.output
    assert "3 records (pubmed-xml" in result.output
    out = tmp_path / "records.csv"
    assert cli("export", "records", "--format", "csv", "--output", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["pmid"] for r in rows] == ["39000001", "10000002", "20000003"]
    assert rows[0]["doi"] == "10.1000/jes.2024.101" and rows[1]["year"] == "1998"
    ris = tmp_path / "records.ris"
    assert cli("export", "records", "--format", "ris", "--output", str(ris)).exit_code == 0
    _digest, _fmt, again, _w, _e = prepare_file(ris)
    assert [normalise_fields(p.fields)["title"] for p in again] == [r["title"] for r in rows]
    assert [normalise_fields(p.fields)["doi"] for p in again] == [r["doi"] or None for r in rows]
