"""EndNote XML: style runs, pretty-printed and one-line files, ids, malformed XML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.corpus.formats import endnote_xml
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

REFLIB = Path(__file__).resolve().parent / "data" / "exports" / "reflib"

SPLIT_RUNS = """<?xml version="1.0" encoding="UTF-8" ?>
<xml><records>
<record><rec-number>7</rec-number><ref-type name="Book Section">5</ref-type>
<contributors><authors><author><style face="normal" font="default" size="100%">Smith, </style><style face="bold" font="default" size="100%">Jane</style></author></authors></contributors>
<titles><title><style face="normal" font="default" size="100%">Peer </style><style face="italic" font="default" size="100%">support</style><style face="normal" font="default" size="100%"> works</style></title>
<secondary-title><style face="normal" font="default" size="100%">A Book of Chapters</style></secondary-title></titles>
<pages><style face="normal" font="default" size="100%">1012-24</style></pages>
<dates><year><style face="normal" font="default" size="100%">2019</style></year></dates>
<isbn><style face="normal" font="default" size="100%">978-0-306-40615-7&#xD;0028-3878</style></isbn>
<accession-num><style face="normal" font="default" size="100%">31000001</style></accession-num>
<remote-database-provider><style face="normal" font="default" size="100%">NLM</style></remote-database-provider>
<electronic-resource-num><style face="normal" font="default" size="100%">10.1000/ABC</style></electronic-resource-num>
<keywords><keyword><style face="normal" font="default" size="100%">peer support</style></keyword></keywords>
</record>
</records></xml>
"""


def test_split_style_runs_are_joined() -> None:
    (record,) = endnote_xml.FORMAT.parse(SPLIT_RUNS, Path("t.xml"))
    assert (record.line, record.source_ref) == (3, "7")
    assert record.original["titles/title"] == ["Peer support works"]
    assert record.original["ref-type"] == ["Book Section"]
    row = normalise_fields(record.fields)
    assert row["title"] == "Peer support works"
    assert json.loads(row["authors"]) == [{"family": "Smith", "given": "Jane"}]
    assert row["journal"] == "A Book of Chapters"
    assert row["type"] == "chapter"
    assert (row["page_first"], row["page_last"]) == ("1012", "1024")
    assert (row["isbn"], row["issn"]) == ("9780306406157", "0028-3878")  # both live in <isbn>
    assert (row["pmid"], row["doi"]) == ("31000001", "10.1000/abc")


def test_pretty_printed_file_keeps_values_without_indentation() -> None:
    _d, fmt, parsed, _w, _e = prepare_file(REFLIB / "multipart.xml")
    (record,) = parsed
    assert (fmt, record.line, record.source_ref) == ("endnote-xml", 4, "1 & 2")
    assert record.original["titles/title"] == ["Foo & Bar"]
    assert record.original["keywords/keyword"] == ["Foo & Bar", "Baz & Quz"]


def test_bold_title_runs() -> None:
    _d, _f, parsed, _w, _e = prepare_file(REFLIB / "bold.xml")
    row = normalise_fields(parsed[0].fields)
    assert row["title"] == "Patient satisfaction with physician-patient communication during telemedicine"
    assert (row["journal"], row["volume"], row["issue"]) == ("Telemed J E Health", "15", "9")
    assert row["pmid"] == "19919189"  # accession-num, remote-database-provider Nlm
    assert row["doi"] == "10.1089/tmj.2009.0030"


def test_cinahl_pmid_in_notes() -> None:
    _d, _f, parsed, _w, _e = prepare_file(REFLIB / "Dump-Converted test.xml")
    row = normalise_fields(parsed[0].fields)
    assert row["pmid"] == "34520387"  # notes: "PMID: NLM34520387."
    assert row["authors"] is None


def test_utf16_xml_with_its_declaration(tmp_path: Path) -> None:
    path = tmp_path / "win.xml"
    path.write_bytes(SPLIT_RUNS.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    _d, fmt, parsed, _w, encoding = prepare_file(path)
    assert (fmt, encoding, parsed[0].original["titles/title"]) == ("endnote-xml", "utf-16", ["Peer support works"])


def test_malformed_xml_names_line_and_column() -> None:
    broken = SPLIT_RUNS.replace("</pages>", "</page>")
    with pytest.raises(FormatError, match=r"t\.xml:7: malformed XML at column \d+: mismatched tag"):
        endnote_xml.FORMAT.parse(broken, Path("t.xml"))


def test_truncated_xml() -> None:
    with pytest.raises(FormatError, match=r"t\.xml:\d+: malformed XML .*no element found"):
        endnote_xml.FORMAT.parse(SPLIT_RUNS[:900], Path("t.xml"))


def test_other_xml_is_not_endnote() -> None:
    text = '<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>\n'
    assert endnote_xml.FORMAT.sniff(text) < 0.3
    with pytest.raises(FormatError, match="not an EndNote XML export"):
        endnote_xml.FORMAT.parse(text, Path("t.xml"))
