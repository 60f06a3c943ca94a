"""Fields that importers used to damage (issue 23): each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields


def _read(tmp_path: Path, text: str, fmt: str = "auto", name: str = "export.txt") -> tuple[list[dict], list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _digest, _fmt, parsed, warnings, _encoding = prepare_file(path, fmt=fmt)
    return [normalise_fields(p.fields) for p in parsed], warnings


def _names(record: dict) -> list[str]:
    return [a["family"] for a in json.loads(record["authors"])]


# RIS

def test_ris_keeps_the_file_order_of_mixed_a1_and_au_lines(tmp_path: Path) -> None:
    text = ("TY  - JOUR\nTI  - T\nA1  - First, A\nAU  - Second, B\nA1  - Third, C\nAU  - Fourth, D\nER  - \n"
            "TY  - JOUR\nTI  - U\nAU  - Alpha, A\nA1  - Beta, B\nER  - \n")
    records, _ = _read(tmp_path, text)
    assert _names(records[0]) == ["First", "Second", "Third", "Fourth"]
    assert _names(records[1]) == ["Alpha", "Beta"]


def test_ris_m1_is_the_issue_where_the_type_uses_it(tmp_path: Path) -> None:
    text = ("TY  - JOUR\nTI  - T\nVL  - 12\nM1  - 3\nER  - \n"
            "TY  - JOUR\nTI  - U\nIS  - 4\nM1  - 7\nER  - \n"
            "TY  - BOOK\nTI  - V\nM1  - 3\nER  - \n"
            "TY  - JOUR\nTI  - W\nM1  - PMID: 123456\nER  - \n")
    records, _ = _read(tmp_path, text)
    assert [r["issue"] for r in records] == ["3", "4", None, None]


def test_ris_year_and_date_order_of_preference(tmp_path: Path) -> None:
    text = ("TY  - JOUR\nTI  - T\nY1  - 2019/03/01/\nDA  - 2018/12/24/\nPY  - 2020\nER  - \n"
            "TY  - JOUR\nTI  - U\nDA  - 2018/12/24/\nY1  - 2019/03/01/\nER  - \n")
    records, _ = _read(tmp_path, text)
    assert [r["year"] for r in records] == [2020, 2019]  # PY, then Y1, then DA


def test_ris_editors_without_authors_are_editors(tmp_path: Path) -> None:
    text = "TY  - EDBOOK\nTI  - A handbook\nED  - Okafor, Ngozi\nA2  - Lee, Min\nER  - \n"
    records, _ = _read(tmp_path, text)
    assert json.loads(records[0]["authors"]) == [
        {"family": "Okafor", "given": "Ngozi", "role": "editor"},
        {"family": "Lee", "given": "Min", "role": "editor"},
    ]


# BibTeX

def test_bibtex_string_macros_and_concatenation(tmp_path: Path) -> None:
    text = ('@string{stefan = "Stefan Smith"}\n@string{xav = {Xavier Jones}}\n@string{jfoo = "Journal of Foo"}\n'
            '@article{a,\n  author = stefan # " and " # xav,\n  journal = jfoo # ": " # {Part B},\n'
            '  title = {Macros},\n  month = mar,\n  year = 2020\n}\n')
    records, _ = _read(tmp_path, text, name="x.bib")
    assert _names(records[0]) == ["Smith", "Jones"]
    assert records[0]["journal"] == "Journal of Foo: Part B"


def test_bibtex_missing_comma_is_a_warning_and_the_field_is_recovered(tmp_path: Path) -> None:
    text = ("@article{b,\n  title = {A title missing its comma}\n  file = {:C\\:/some/path:PDF},\n"
            "  year = {2019},\n}\n")
    records, warnings = _read(tmp_path, text, name="x.bib")
    assert records[0]["title"] == "A title missing its comma"
    assert records[0]["year"] == 2019
    assert len(warnings) == 1 and "x.bib:2: title: " in warnings[0] and "comma" in warnings[0]


def test_bibtex_escaped_characters_are_kept(tmp_path: Path) -> None:
    text = "@article{c,\n  title = {Costs of 50\\% and \\$5 \\& more},\n}\n"
    records, _ = _read(tmp_path, text, name="x.bib")
    assert records[0]["title"] == "Costs of 50% and $5 & more"


def test_bibtex_escaped_braces_are_characters_and_grouping_braces_markup(tmp_path: Path) -> None:
    text = "@article{c,\n  title = {The set \\{a, b\\} in {COVID}-19 and {\\em vivo}},\n}\n"
    records, _ = _read(tmp_path, text, name="x.bib")
    assert records[0]["title"] == "The set {a, b} in COVID-19 and vivo"


def test_braces_in_other_formats_are_kept(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - The set {a, b} of sizes\nER  - \n"
    records, _ = _read(tmp_path, text, name="x.ris")
    assert records[0]["title"] == "The set {a, b} of sizes"


def test_bibtex_pmid_in_a_note_and_full_journal_name(tmp_path: Path) -> None:
    text = ("@article{d,\n  title = {T},\n  journal = {J. Foo},\n  fjournal = {Journal of Foo},\n"
            "  note = {{PMID:} 23439512},\n}\n")
    records, _ = _read(tmp_path, text, name="x.bib")
    assert records[0]["pmid"] == "23439512"
    assert (records[0]["journal"], records[0]["journal_abbrev"]) == ("Journal of Foo", "J. Foo")


def test_bibtex_editors_without_authors_are_editors(tmp_path: Path) -> None:
    text = "@book{e,\n  title = {A handbook},\n  editor = {Okafor, Ngozi and Lee, Min},\n}\n"
    records, _ = _read(tmp_path, text, name="x.bib")
    assert [a.get("role") for a in json.loads(records[0]["authors"])] == ["editor", "editor"]


# MEDLINE

def test_eric_jt_is_the_publisher(tmp_path: Path) -> None:
    text = ("OWN - ERIC\nTI  - A report\nAU  - Doe, J\nJT  - Example Institute for Education\n"
            "PT  - Reports - Research\nDP  - 2019\nOID - ED500001\n")
    records, _ = _read(tmp_path, text, fmt="medline")
    assert (records[0]["publisher"], records[0]["journal"]) == ("Example Institute for Education", None)


def test_medline_group_author_and_editors(tmp_path: Path) -> None:
    text = ("PMID- 1\nTI  - T\nCN  - EXAMPLE Study Group\n\n"
            "PMID- 2\nBTI - A book\nFED - Okafor, Ngozi\nED  - Okafor N\n")
    records, _ = _read(tmp_path, text, fmt="medline")
    assert json.loads(records[0]["authors"]) == [{"family": "EXAMPLE Study Group", "given": "", "kind": "organisation"}]
    assert json.loads(records[1]["authors"]) == [{"family": "Okafor", "given": "Ngozi", "role": "editor"}]


# Web of Science

WOS = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Doe, J\nTI A title\n{extra}ER\n\nEF\n"


def test_wos_page_span(tmp_path: Path) -> None:
    records, _ = _read(tmp_path, WOS.format(extra="PS 123-130\n"))
    assert records[0]["pages"] == "123-130"


def test_wos_unindented_continuation_is_read_with_a_warning(tmp_path: Path) -> None:
    text = WOS.replace("TI A title\n", "TI A title wrapped\nover two lines\n").format(extra="")
    records, warnings = _read(tmp_path, text)
    assert records[0]["title"] == "A title wrapped over two lines"
    assert len(warnings) == 1 and "export.txt:6: TI: " in warnings[0]


def test_wos_group_authors_and_editors(tmp_path: Path) -> None:
    records, _ = _read(tmp_path, WOS.format(extra="GP EXAMPLE Consortium\n"))
    assert json.loads(records[0]["authors"])[-1] == {"family": "EXAMPLE Consortium", "given": "",
                                                      "kind": "organisation"}
    text = WOS.replace("AU Doe, J\n", "BE Okafor, N\n   Lee, M\n").format(extra="")
    records, _ = _read(tmp_path, text)
    assert [a.get("role") for a in json.loads(records[0]["authors"])] == ["editor", "editor"]


@pytest.mark.parametrize("fmt", ["medline", "wos"])
def test_group_authors_are_organisations_everywhere(tmp_path: Path, fmt: str) -> None:
    text = {"medline": "PMID- 1\nTI  - T\nAU  - Doe J\nCN  - G\n",
            "wos": WOS.format(extra="CA G\n")}[fmt]
    records, _ = _read(tmp_path, text, fmt=fmt)
    assert json.loads(records[0]["authors"])[-1].get("kind") == "organisation"
