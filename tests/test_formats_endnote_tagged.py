"""EndNote tagged ("refer", %-tags): Google Scholar's and the AIS eLibrary's export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.formats import endnote_tagged
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

TEXT = """%0 Journal Article
%T Peer support for mothers
%A Doe, Jane
%A Roe, R.
%J Midwifery
%D 2019
%V 12
%N 3
%P 1012-24
%@ 0266-6138
%R 10.1016/j.midw.2019.01.001
%M 31000001
%~ PubMed
%K peer support
mothers
%X An abstract that is long
and wraps onto a second line.

%0 Book Section
%T A chapter
%B The Book
%A Poe, E
"""


def test_fields_and_wrapped_lines() -> None:
    first, second = endnote_tagged.FORMAT.parse(TEXT, Path("t.enw"))
    assert (first.line, first.source_ref, second.line) == (1, "31000001", 19)
    row = normalise_fields(first.fields)
    assert row["title"] == "Peer support for mothers"
    assert [a["family"] for a in json.loads(row["authors"])] == ["Doe", "Roe"]
    assert (row["journal"], row["year"], row["pages"]) == ("Midwifery", 2019, "1012-1024")
    assert (row["issn"], row["doi"], row["pmid"]) == ("0266-6138", "10.1016/j.midw.2019.01.001", "31000001")
    assert json.loads(row["keywords"]) == ["peer support", "mothers"]
    assert row["abstract"] == "An abstract that is long and wraps onto a second line."
    chapter = normalise_fields(second.fields)
    assert (chapter["type"], chapter["journal"]) == ("chapter", "The Book")


def test_ais_elibrary_export() -> None:
    path = Path(__file__).resolve().parent / "data" / "exports" / "colrev" / "ais_enl.txt"
    _d, fmt, parsed, _w, _e = prepare_file(path)
    assert (fmt, len(parsed)) == ("endnote-tagged", 6)
    assert [p.line for p in parsed] == [1, 17, 27, 37, 50, 61]
    assert normalise_fields(parsed[1].fields)["type"] is None  # no %0 line


def test_broken_tag_and_stray_text() -> None:
    with pytest.raises(FormatError, match=r"t\.enw:3: expected '%X value'"):
        endnote_tagged.FORMAT.parse("%0 Journal Article\n%T A\n%\n", Path("t.enw"))
    with pytest.raises(FormatError, match=r"t\.enw:1: text outside a record"):
        endnote_tagged.FORMAT.parse("stray\n%T A\n", Path("t.enw"))
