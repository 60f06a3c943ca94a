"""BibTeX: Scopus and Web of Science exports, LaTeX, names, and blocks that fail to parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.formats import bibtex
from review.corpus.formats._latex import decode_latex
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

COLREV = Path(__file__).resolve().parent / "data" / "exports" / "colrev"


def _parse(text: str):
    return bibtex.FORMAT.parse(text, Path("t.bib"))


def test_scopus_bibtex_document_types() -> None:
    _digest, fmt, parsed, _w, _e = prepare_file(COLREV / "scopus_bib.bib")
    assert (fmt, len(parsed)) == ("bibtex", 11)
    types = {p.source_ref: normalise_fields(p.fields)["type"] for p in parsed}
    assert types["Firstwriter2022"] == "journal-article"
    assert types["Editorialwriter2021133"] == "editorial"
    assert types["Erratumwriter2018314"] == "erratum"
    assert types["Reviewwriter2021"] == "review"
    assert types["Bookchapterwriter202150"] == "chapter"  # @book, document_type Book Chapter
    assert types["Conference paper2022775"] == "conference-paper"  # @article, Conference Paper
    assert parsed[0].original["ID"] == "Firstwriter2022"
    assert parsed[0].original["ENTRYTYPE"] == "article"


def test_web_of_science_bibtex() -> None:
    _digest, _fmt, parsed, _w, encoding = prepare_file(COLREV / "web_of_science_bib.bib")
    assert encoding == "utf-8-sig"
    first, second = parsed
    assert (first.line, first.source_ref) == (3, "WOS:000223334444221")
    row = normalise_fields(first.fields)
    assert row["doi"] == "10.1007/999-9-999-99999-9_3"  # "\_" unescaped
    assert row["journal"] == "A BOOKTITLE"  # @inproceedings: the booktitle
    assert row["issn"] == "0111-9119; 1111-3333"  # ISSN and EISSN
    assert (row["page_first"], row["page_last"]) == ("48", "98")
    assert json.loads(row["authors"])[1] == {"family": "Writertwo", "given": "Paul"}
    assert normalise_fields(second.fields)["title"] == "A dummy title's"  # &apos;


def test_pmid_from_note_and_from_europe_pmc_key() -> None:
    _d, _f, tandf, _w, _e = prepare_file(COLREV / "taylor_and_francis_bib.bib")
    assert normalise_fields(tandf[0].fields)["pmid"] == "33355555"  # note = {PMID: 33355555}
    assert normalise_fields(tandf[0].fields)["url"] == "https://doi.org/10.1111/07777777.2018.1666666"
    _d, _f, epmc, _w, _e = prepare_file(COLREV / "europe_pmc_bib.bib")
    assert normalise_fields(epmc[0].fields)["pmid"] == "18888888"  # key PMID:18888888


def test_latex_names_and_string_macros() -> None:
    text = r"""
@string{jn = {Journal of {\"U}bung}}
@comment{ignored}
@article{k1,
  author = {M{\"u}ller, J{\"o}rg and {World Health Organization} and Anna van der Berg and others},
  title = {{\'E}tude of \emph{peer} support \& mothers --- a {CASE} study},
  journal = jn,
  year = 2020,
  pages = {12--19},
  keywords = {peer support; mothers},
}
"""
    (record,) = _parse(text)
    assert record.line == 4
    row = normalise_fields(record.fields)
    assert json.loads(row["authors"]) == [
        {"family": "Müller", "given": "Jörg"},
        {"family": "World Health Organization", "given": ""},
        {"family": "van der Berg", "given": "Anna"},
    ]
    assert row["title"] == "Étude of peer support & mothers — a CASE study"
    assert row["journal"] == "Journal of Übung"
    assert (row["year"], row["page_first"], row["page_last"]) == (2020, "12", "19")
    assert json.loads(row["keywords"]) == ["peer support", "mothers"]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Schr{\"o}dinger", "Schrödinger"),
        (r"\c{C}elik", "Çelik"),
        (r"Ko\v{s}ice", "Košice"),
        (r"{\o}stergaard", "østergaard"),
        (r"Stra\ss e", "Straße"),
        (r"50\% of $\alpha$", "50% of α"),
        ("no markup", "no markup"),
    ],
)
def test_decode_latex(latex: str, text: str) -> None:
    assert decode_latex(latex) == text


def test_duplicate_keys_and_fields_are_still_records() -> None:
    text = "@article{a, title={One}}\n@article{a, title={Two}}\n@article{b, title={Three}, title={Again}}\n"
    parsed = _parse(text)
    assert [(p.source_ref, p.line) for p in parsed] == [("a", 1), ("a", 2), ("b", 3)]
    assert normalise_fields(parsed[1].fields)["title"] == "Two"
    assert parsed[2].original["title"] == ["Three", "Again"]


def test_a_block_that_fails_to_parse_stops_the_import_with_its_line() -> None:
    text = "@article{ok, title={Fine}}\n\n@article{bad,\n  title = {unclosed,\n  year = 2000\n}\n\n@article{c, title={x}}\n"
    with pytest.raises(FormatError, match=r"t\.bib:3: @article\{bad: BibTeX entry cannot be parsed"):
        _parse(text)


def test_truncated_last_entry() -> None:
    with pytest.raises(FormatError, match=r"t\.bib:2: .*cannot be parsed.*end of file"):
        _parse("@article{a, title={A}}\n@article{b, title={B},\n  year = {20")


def test_ebscohost_export_with_unbalanced_braces_is_refused() -> None:
    # EBSCOhost wrote scraped page text into Keywords, closing the field early.
    with pytest.raises(FormatError, match=r"ebsco_bib\.bib:15: @article\{13362467620181001: BibTeX entry "
                                          r"cannot be parsed \(stopped on line 19\)"):
        prepare_file(COLREV / "ebsco_bib.bib")
