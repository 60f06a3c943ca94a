"""The normalisation steps, one at a time."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from review.corpus import normalise as n


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Peer   support\n in pregnancy ", "Peer support in pregnancy"),
        ("Risk &amp;lt;5% &amp; more", "Risk <5% & more"),
        ("<i>In vitro</i> results<sup>2</sup>", "In vitro results2"),
        ("A {DNA} study", "A {DNA} study"),  # braces are characters; BibTeX's grouping goes with its LaTeX
        ("Cafe\u0301", "Café"),  # NFC
        ("\u00a0non-breaking\u2009spaces ", "non-breaking spaces"),
        (["two", "parts"], "two parts"),
        ("   ", None),
        (None, None),
    ],
)
def test_clean_text(raw: object, clean: str | None) -> None:
    assert n.clean_text(raw) == clean


def test_clean_title_drops_one_trailing_full_stop() -> None:
    assert n.clean_title("A study.") == "A study"
    assert n.clean_title("Wait for it...") == "Wait for it..."


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1186/S12884-017-1220-0", "10.1186/s12884-017-1220-0"),
        ("http://dx.doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
        ("doi:10.1011/hea0004444", "10.1011/hea0004444"),
        ("10.1136/neurintsurg-2017-013179 [doi]", "10.1136/neurintsurg-2017-013179"),
        ("10.1016/S0140-6736(20)30183-5.", "10.1016/s0140-6736(20)30183-5"),
        ("https://x.org/link?sid=EMBASE&id=doi:10.4103%2F2303-9027.138783&atitle=Duplication",
         "10.4103/2303-9027.138783"),
        (["no doi here", "10.1000/xyz"], "10.1000/xyz"),
        ("not a doi", None),
    ],
)
def test_normalise_doi(raw: object, doi: str | None) -> None:
    assert n.normalise_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "pmid"),
    [("33355555", "33355555"), ("PMID: 18460911", "18460911"), ("PUBMED 21314913", "21314913"),
     ("00012345", "12345"), ("PMC5887696", None), ("0", None), (None, None), ("12345678901", None)],
)
def test_normalise_pmid(raw: str | None, pmid: str | None) -> None:
    assert n.normalise_pmid(raw) == pmid


@pytest.mark.parametrize(
    ("values", "year"),
    [(("2020///",), 2020), (("2019 Mar 15",), 2019), (("Start date: 20170812",), 2017),
     ((None, "2024/04/03/"), 2024), (("n.d.",), None), (("12345",), None)],
)
def test_normalise_year(values: tuple, year: int | None) -> None:
    assert n.normalise_year(*values) == year


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("1012-24",), ("1012-1024", "1012", "1024")),
        (("283-98",), ("283-298", "283", "298")),
        (("99--123",), ("99-123", "99", "123")),
        (("e123",), ("e123", "e123", None)),
        (("S105",), ("S105", "S105", None)),
        (("pp 37-64",), ("37-64", "37", "64")),
        (("06-Oct",), ("6-10", "6", "10")),
        ((None, "349-69"), ("349-369", "349", "369")),
        ((None, "1012", "24"), ("1012-1024", "1012", "1024")),
        ((None, "704", "704"), ("704", "704", "704")),
        ((None, None, None), (None, None, None)),
    ],
)
def test_normalise_pages(args: tuple, expected: tuple) -> None:
    assert n.normalise_pages(*args) == expected


@pytest.mark.parametrize(
    ("name", "family", "given"),
    [
        ("McLeish, Jenny", "McLeish", "Jenny"),
        ("McLeish J", "McLeish", "J"),
        ("Smith J.A.", "Smith", "J.A."),
        ("Brownstein C D", "Brownstein", "C D"),
        ("Anna van der Berg", "van der Berg", "Anna"),
        ("Jenny McLeish", "McLeish", "Jenny"),
        ("World Health Organization", "World Health Organization", ""),
        ("van den Hoven,null", "van den Hoven", ""),
        ("Plato", "Plato", ""),
    ],
)
def test_split_name(name: str, family: str, given: str) -> None:
    assert n.split_name(name) == {"family": family, "given": given}


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Smith, J.; Doe, A.", ["Smith, J.", "Doe, A."]),
        ("Smith, J. and Doe, A.", ["Smith, J.", "Doe, A."]),
        ("Liu R., Adler D.G.", ["Liu R.", "Adler D.G."]),
        ("Griffin DK, Larkin DM, O'Connor RE.", ["Griffin DK", "Larkin DM", "O'Connor RE."]),
        ("Curry Rogers, Kristina", ["Curry Rogers, Kristina"]),
        ("Smith, J., Jones, K.", ["Smith, J.", "Jones, K."]),
        ("Alba Vicente|Josep Sanjuan", ["Alba Vicente", "Josep Sanjuan"]),
        ("Adeli K.Lewis G. F.", ["Adeli K.", "Lewis G. F."]),
        ("Wilson, Lauren N. (58975547800); Gardner, Jacob D. (57190394669)",
         ["Wilson, Lauren N.", "Gardner, Jacob D."]),
        ("Barrett, Paul M; Willis, Katherine J; ", ["Barrett, Paul M", "Willis, Katherine J"]),
        ("", []),
    ],
)
def test_split_authors(cell: str, names: list[str]) -> None:
    assert n.split_authors(cell) == names


def test_initials_and_format_authors() -> None:
    assert n.initials("John Andrew") == n.initials("J.A.") == n.initials("JA") == "JA"
    assert n.format_authors([{"family": "Doe", "given": "J"}, {"family": "WHO", "given": ""}]) == "Doe, J; WHO"


def test_issn_and_isbn() -> None:
    assert n.normalise_issn(["03064530 (ISSN)"]) == "0306-4530"
    assert n.normalise_issn("1999-7777(Electronic),0222-666x(Print)") == "1999-7777; 0222-666X"
    assert n.normalise_issn(["2041-1723", "2041-1723"]) == "2041-1723"
    assert n.normalise_isbn("ISBN 978-0-306-40615-7; 0-306-40615-2") == "9780306406157; 0306406152"
    assert n.normalise_isbn("978-0-306-40615-8") is None  # checksum wrong
    assert n.normalise_isbn(["2226-7190 2226-7190"]) is None  # two ISSNs are not an ISBN


def test_language_type_keywords() -> None:
    assert [n.normalise_language(v) for v in ("eng", "English", "fre; eng", "xx", None)] == ["en", "en", "fr", "xx", None]
    assert n.normalise_type(["Journal Article", "Published Erratum"]) == "erratum"
    assert n.normalise_type(["JOUR", "Review"]) == "review"
    assert n.normalise_type(["Book Chapter", "book"]) == "chapter"
    assert n.normalise_type("Something New") == "other"
    assert n.normalise_keywords(["a; b", "b", "c\nd"]) == ["a", "b", "c", "d"]


def test_normalise_fields_accepts_ready_author_dicts_and_finds_dois_in_links() -> None:
    row = n.normalise_fields({
        "title": "A title.", "authors": [{"family": "World Health Organization", "given": ""}, "Doe, J"],
        "url": ["https://example.org/x", "https://doi.org/10.1000/ABC"], "year": "2020",
    })
    assert json.loads(row["authors"]) == [{"family": "World Health Organization", "given": ""},
                                          {"family": "Doe", "given": "J"}]
    assert (row["title"], row["doi"], row["url"], row["year"]) == ("A title", "10.1000/abc", "https://example.org/x", 2020)


@given(st.lists(st.tuples(st.text(), st.text()).map(lambda t: {"family": t[0], "given": t[1]})))
def test_authors_json_is_json_dumps(authors: list[dict[str, str]]) -> None:
    assert n.authors_json(authors) == json.dumps(authors, ensure_ascii=False)
    assert json.loads(n.authors_json(authors)) == authors


@given(st.lists(st.text()))
def test_strings_json_is_json_dumps(items: list[str]) -> None:
    assert n.strings_json(items) == json.dumps(items, ensure_ascii=False)


def test_doi_from_openurl_and_double_encoded_links() -> None:
    from review.corpus.normalise import normalise_doi

    assert normalise_doi("info:doi/10.1186%252Fs12884-017-1220-0&rft.atitle=Mothers") == "10.1186/s12884-017-1220-0"
    assert normalise_doi("http://sfx.example/?sid=x&id=doi:10.1016/j.midw.2015.01.001&atitle=P") == "10.1016/j.midw.2015.01.001"
    assert normalise_doi("10.1000/abc&def") == "10.1000/abc&def"  # '&' inside a DOI is kept


def test_an_organisation_without_a_comma_stays_whole() -> None:
    # corpus/organisations.ris: the report's author is the charity itself (seed 001, ref. 83)
    from review.corpus.normalise import split_name

    assert split_name("Acacia Family Support") == {"family": "Acacia Family Support", "given": ""}
    assert split_name("Mary Ann Smith") == {"family": "Smith", "given": "Mary Ann"}
