"""Web of Science plain text (ISI tagged) and tab-delimited exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.formats import wos
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"

TEXT = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Doe, J
   Roe, R
AF Doe, Jane
   Roe, Richard
TI A title wrapped
   over two lines
SO JOURNAL OF EXAMPLES
DT Review
DE peer support; mothers;
   pregnancy
AB An abstract.
SN 1234-5678
EI 8765-4321
JI J. Ex.
PY 2021
VL 3
BP 10
EP 19
DI 10.1000/EX.1
PM 33000001
UT WOS:000000000000001
ER

EF
"""


def test_plain_text_tags_continuations_and_mapping() -> None:
    (record,) = wos.FORMAT.parse(TEXT, Path("t.txt"))
    assert (record.line, record.source_ref) == (3, "WOS:000000000000001")
    assert record.original["AU"] == ["Doe, J", "Roe, R"]
    row = normalise_fields(record.fields)
    assert json.loads(row["authors"]) == [{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "Richard"}]
    assert row["title"] == "A title wrapped over two lines"
    assert (row["journal"], row["journal_abbrev"], row["type"]) == ("JOURNAL OF EXAMPLES", "J. Ex.", "review")
    assert json.loads(row["keywords"]) == ["peer support", "mothers", "pregnancy"]
    assert (row["doi"], row["pmid"], row["issn"]) == ("10.1000/ex.1", "33000001", "1234-5678; 8765-4321")
    assert (row["pages"], row["year"]) == ("10-19", 2021)


def test_rispy_example_saved_with_a_ris_name() -> None:
    _d, fmt, parsed, _w, _e = prepare_file(EXPORTS / "rispy" / "example_wos.ris")
    assert fmt == "wos"
    assert [(p.line, p.source_ref) for p in parsed] == [(3, "WOS:000221807500019"), (112, "WOS:000221807500020")]
    row = normalise_fields(parsed[0].fields)
    assert row["pmid"] == "15170338"
    assert json.loads(row["authors"])[0] == {"family": "Parkes-Loach", "given": "PS"}  # AF as AU here
    assert row["title"].startswith("Interactions stabilizing the structure of the core light-harvesting complex")


def test_tab_delimited_utf16_export() -> None:
    _d, fmt, parsed, _w, encoding = prepare_file(EXPORTS / "derived" / "wos_tab_delimited_utf16.txt")
    assert (fmt, encoding, len(parsed)) == ("csv", "utf-16", 2)
    row = normalise_fields(parsed[1].fields)
    assert parsed[1].source_ref == "WOS:000221807500020"
    assert (row["pmid"], row["doi"], row["journal_abbrev"]) == ("15170339", "10.1021/bi0497291", "Biochemistry")
    assert json.loads(row["authors"])[0] == {"family": "Cao", "given": "WX"}


def test_truncated_record() -> None:
    with pytest.raises(FormatError, match=r"t\.txt:3: ER: last record \(starting on line 3\) is truncated"):
        wos.FORMAT.parse("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI Cut off\n", Path("t.txt"))


def test_missing_er_before_next_pt() -> None:
    with pytest.raises(FormatError, match=r"t\.txt:3: PT: record starting on line 1 has no ER"):
        wos.FORMAT.parse("PT J\nTI One\nPT J\nTI Two\nER\n", Path("t.txt"))


def test_garbage_line() -> None:
    with pytest.raises(FormatError, match=r"t\.txt:3: expected a two-letter tag"):
        wos.FORMAT.parse("PT J\nTI One\n!!! not a tag\nER\n", Path("t.txt"))
