"""PubMed MEDLINE (.nbib), the PMC MEDLARS variant and ERIC's nbib."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.formats import medline
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"

RECORD = """PMID- 31000001
OWN - NLM
IS  - 1234-5678 (Electronic)
IS  - 8765-4321 (Print)
DP  - 2019 Mar 15
TI  - A title that is long enough to be wrapped over
      two lines by PubMed.
PG  - 1012-24
LID - S0000-0000(19)00000-0 [pii]
LID - 10.1000/XYZ.2019.1 [doi]
AB  - First line of the abstract
      and its second line.
FAU - van der Berg, Anna Maria
AU  - van der Berg AM
FAU - Smith, John
AU  - Smith J
CN  - The EXAMPLE Study Group
LA  - fre
PT  - Journal Article
PT  - {pt}
TA  - J Ex
JT  - Journal of examples
MH  - Humans
MH  - *Peer Group
OT  - peer support
"""


def _one(pt: str = "Review") -> dict:
    (record,) = medline.FORMAT.parse(RECORD.format(pt=pt), Path("t.nbib"))
    return normalise_fields(record.fields) | {"_ref": record.source_ref, "_original": record.original}


def test_tags_continuations_and_mapping() -> None:
    row = _one()
    assert row["_ref"] == "31000001"
    assert row["title"] == "A title that is long enough to be wrapped over two lines by PubMed"
    assert row["_original"]["TI"] == ["A title that is long enough to be wrapped over two lines by PubMed."]
    assert row["abstract"] == "First line of the abstract and its second line."
    assert json.loads(row["authors"]) == [
        {"family": "van der Berg", "given": "Anna Maria"},  # FAU, not AU
        {"family": "Smith", "given": "John"},
        {"family": "The EXAMPLE Study Group", "given": "", "kind": "organisation"},  # CN
    ]
    assert (row["year"], row["pages"], row["page_first"], row["page_last"]) == (2019, "1012-1024", "1012", "1024")
    assert row["doi"] == "10.1000/xyz.2019.1"  # the [doi] LID, not the [pii]
    assert (row["journal"], row["journal_abbrev"]) == ("Journal of examples", "J Ex")
    assert row["issn"] == "1234-5678; 8765-4321"
    assert row["language"] == "fr"
    assert json.loads(row["keywords"]) == ["peer support", "Humans", "*Peer Group"]
    assert row["pmid"] == "31000001"


@pytest.mark.parametrize(
    ("pt", "expected"),
    [
        ("Review", "review"),
        ("Systematic Review", "review"),
        ("Published Erratum", "erratum"),
        ("Comment", "comment"),
        ("Retraction of Publication", "retraction"),
        ("Letter", "letter"),
        ("Editorial", "editorial"),
        ("Randomized Controlled Trial", "journal-article"),
    ],
)
def test_publication_types_give_the_specific_type(pt: str, expected: str) -> None:
    assert _one(pt)["type"] == expected


def test_pubmed_export_saved_as_ris_is_detected_as_medline() -> None:
    _digest, fmt, parsed, _w, _e = prepare_file(EXPORTS / "citation-file-formatting" / "RIS" / "_baseline_pubmed.ris")
    assert fmt == "medline"
    row = normalise_fields(parsed[0].fields)
    assert (row["doi"], row["page_first"], row["page_last"]) == ("10.1016/j.ejmg.2019.03.004", "103640", None)
    assert row["issn"] == "1878-0849; 1769-7212"
    second = normalise_fields(parsed[1].fields)
    assert (second["year"], second["page_first"]) == (2023, "e2217872120")


def test_crlf_and_trailing_spaces() -> None:
    path = EXPORTS / "nbib" / "pubmed-balloongui-set.nbib"
    assert b"\r\n" in path.read_bytes() and b" \r\n" in path.read_bytes()
    _digest, _fmt, parsed, _w, _e = prepare_file(path)
    row = normalise_fields(parsed[0].fields)
    assert row["title"] == ("Impact of Balloon Guide Catheter Use on Clinical and Angiographic "
                            "Outcomes in the STRATIS Stroke Thrombectomy Registry")
    assert [p.line for p in parsed[:3]] == [1, 284, 396]
    assert all(p.source_ref and p.source_ref.isdigit() for p in parsed)


def test_pmc_medlars_records() -> None:
    _digest, fmt, parsed, _w, _e = prepare_file(EXPORTS / "nbib" / "pmc_medlars.txt")
    assert (fmt, len(parsed)) == ("medline", 5)
    assert [p.line for p in parsed] == [2, 47, 109, 153, 191]
    assert parsed[0].original["PMC"] == ["PMC6055010"]
    assert parsed[0].source_ref == "30042925"
    row = normalise_fields(parsed[0].fields)
    assert (row["page_first"], row["page_last"]) == ("283", "298")  # PG - 283-98
    assert row["abstract"] is None  # AB is empty; OAB is a publisher note, not an abstract


def test_eric_nbib() -> None:
    _digest, fmt, parsed, _w, _e = prepare_file(EXPORTS / "colrev" / "eric_nbib.nbib")
    (record,) = parsed
    assert (fmt, record.line, record.source_ref) == ("medline", 2, "EJ1131633")
    row = normalise_fields(record.fields)
    assert row["issn"] == "1234-4567"  # "ISSN - ISSN-1234-4567"
    assert row["doi"] == "10.1000/123456789"  # AID without [doi]
    assert row["url"] == "http://eric.ed.gov/?id=EJ1131633"
    assert row["type"] == "journal-article"


def test_records_joined_without_a_blank_line_are_split_at_pmid() -> None:
    text = "PMID- 1\nTI  - One\nPMID- 2\nTI  - Two\n"
    parsed = medline.FORMAT.parse(text, Path("t.nbib"))
    assert [(p.source_ref, p.line) for p in parsed] == [("1", 1), ("2", 3)]


def test_garbage_line_is_an_error_with_its_line() -> None:
    text = "PMID- 1\nTI  - One\nthis is not a tag line\n"
    with pytest.raises(FormatError, match=r"t\.nbib:3: expected 'TAG - value'"):
        medline.FORMAT.parse(text, Path("t.nbib"))


def test_continuation_without_a_tag_is_an_error() -> None:
    with pytest.raises(FormatError, match=r"t\.nbib:2: indented continuation line"):
        medline.FORMAT.parse("\n      floating text\n", Path("t.nbib"))
