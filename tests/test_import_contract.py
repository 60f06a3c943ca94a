"""What every importer promises (STYLE.md practice 4), run against each registered format:
detected from its content, the same records from any text encoding, an empty or BOM-only
file refused, a truncated last record reported with its line; through ``review import``
a bad file exits 2 with FILE:LINE and leaves the database exactly as it was.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from review.corpus import formats
from review.corpus.importer import prepare_file
from review.errors import FormatError
from review.workspace import Workspace
from tests.postgres_support import Database

#: Two records per format: "First" and "Second".
SAMPLES = {
    "ris": "TY  - JOUR\nTI  - First\nER  - \n\nTY  - JOUR\nTI  - Second\nER  - \n",
    "medline": "PMID- 1\nTI  - First\n\nPMID- 2\nTI  - Second\n",
    "bibtex": "@article{a,\n  title = {First},\n}\n\n@article{b,\n  title = {Second},\n}\n",
    "csv": "Title,Year\nFirst,2020\nSecond,2021\n",
    "wos": "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI First\nER\n\nPT J\nTI Second\nER\n\nEF\n",
    "endnote-tagged": "%0 Journal Article\n%T First\n%A Doe, J\n\n%0 Journal Article\n%T Second\n",
    "endnote-xml": '<?xml version="1.0" encoding="UTF-8" ?>\n<xml><records>\n'
                   '<record><rec-number>1</rec-number><titles><title><style face="normal">First</style>'
                   "</title></titles></record>\n<record><rec-number>2</rec-number><titles><title>"
                   "<style>Second</style></title></titles></record>\n</records></xml>\n",
    "pubmed-xml": '<?xml version="1.0" encoding="UTF-8" ?>\n<PubmedArticleSet>\n'
                  "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>First"
                  "</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
                  "<PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>Second"
                  "</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n</PubmedArticleSet>\n",
    "ovid": "<1>\nUI  - 1\nTI  - First\n\n<2>\nUI  - 2\nTI  - Second\n",
}
#: The same files cut inside their last record, and the line the error must name.
TRUNCATED = {
    "ris": ("TY  - JOUR\nTI  - First\nER  - \n\nTY  - JOUR\nTI  - Sec", 5),
    # MEDLINE has no end-of-record tag: a cut is caught when it breaks a line.
    "medline": ("PMID- 1\nTI  - First\n\nPMID- 2\nTI  - Second\nFA", 6),
    "bibtex": ("@article{a,\n  title = {First},\n}\n\n@article{b,\n  title = {Sec", 5),
    "csv": ('Title,Year\nFirst,2020\n"Second, cut', 3),
    "wos": ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI First\nER\n\nPT J\nTI Sec", 7),
    "endnote-xml": (SAMPLES["endnote-xml"][:200], 4),
    # Nor does EndNote's tagged format: caught when the cut leaves a broken tag.
    "endnote-tagged": ("%0 Journal Article\n%T First\n\n%0 Journal Article\n%T Second\n%", 6),
    # An XML file cut short: lxml finds it at the end of the text.
    "pubmed-xml": (SAMPLES["pubmed-xml"][:260], 4),
    # Ovid has no end-of-record tag either: a cut after "<2>" leaves a record without fields,
    # a cut inside a tag leaves a line that is no field.
    "ovid": ("<1>\nUI  - 1\nTI  - First\n\n<2>\nUI  - 2\nTI", 7),
}


def test_every_registered_format_has_a_sample() -> None:
    assert set(formats.registry()) == set(SAMPLES) == set(TRUNCATED)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_detected_from_content_and_parsed(tmp_path: Path, name: str) -> None:
    path = tmp_path / "export.dat"  # the extension says nothing
    path.write_text(SAMPLES[name], encoding="utf-8")
    _digest, fmt, parsed, _warnings, _encoding = prepare_file(path)
    assert fmt == name
    assert [p.position for p in parsed] == [1, 2]
    assert [p.fields["title"] for p in parsed] == ["First", "Second"]


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
        lambda t: t.replace("First", "Fïrst").encode("cp1252"),
    ],
    ids=["utf8-bom", "utf16-bom-crlf", "utf16le", "utf16be", "cp1252"],
)
def test_any_text_encoding_gives_the_same_records(tmp_path: Path, name: str, encode) -> None:
    text = SAMPLES[name]
    if "encoding=" in text:  # the XML declaration must not contradict the bytes
        text = text.replace(' encoding="UTF-8"', "")
    path = tmp_path / "export.dat"
    path.write_bytes(encode(text))
    _digest, fmt, parsed, _warnings, _encoding = prepare_file(path)
    assert fmt == name
    assert [p.fields["title"].replace("ï", "i") for p in parsed] == ["First", "Second"]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_parse_of_empty_text_finds_no_records(name: str) -> None:
    assert formats.get(name).parse("", Path("empty")) == []


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\r\n  \n"],
                         ids=["empty", "utf8-bom-only", "utf16-bom-only", "blank-lines"])
def test_empty_files_are_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / "empty.dat"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=r"empty\.dat:1: the file is empty"):
        prepare_file(path, fmt=name)


@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_truncated_last_record_is_reported_with_its_line(tmp_path: Path, name: str) -> None:
    text, line = TRUNCATED[name]
    path = tmp_path / "cut.dat"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=rf"cut\.dat:{line}: "):
        prepare_file(path, fmt=name)


# Through the command line: exit 2, FILE:LINE, nothing written.

def _state(cli, workspace: Workspace) -> tuple[tuple[int, int], dict]:
    with Database(workspace.root / "review.db") as con:
        counts = (con.execute("select count(*) from sources").fetchone()[0],
                  con.execute("select count(*) from records").fetchone()[0])
    result = cli("status", "--json")
    assert result.exit_code == 0, result.output
    return counts, json.loads(result.output)


@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_cli_refuses_a_bad_file_and_changes_nothing(cli, workspace: Workspace, tmp_path: Path, name: str) -> None:
    good = tmp_path / "good.ris"
    good.write_text(SAMPLES["ris"], encoding="utf-8")
    assert cli("import", str(good)).exit_code == 0
    before = _state(cli, workspace)
    text, line = TRUNCATED[name]
    bad = tmp_path / f"bad-{name}.txt"
    bad.write_text(text, encoding="utf-8")
    other = tmp_path / "other.bib"
    other.write_text(SAMPLES["bibtex"], encoding="utf-8")
    result = cli("import", str(other), str(bad))
    assert result.exit_code == 2
    assert f"Error: {bad}:{line}: " in result.output
    assert _state(cli, workspace) == before  # other.bib was not imported either


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "this is a ZIP archive"),
        (bytes(range(256)) * 4, "contains NUL bytes"),
        (b"just some notes\nnothing bibliographic here\n", "cannot tell the export format"),
        (b'<?xml version="1.0"?>\n<html><body>not a record</body></html>\n', "cannot tell the export format"),
    ],
    ids=["zip", "binary", "prose", "other-xml"],
)
def test_cli_refuses_files_that_are_not_exports(cli, workspace: Workspace, tmp_path: Path,
                                                content: bytes, message: str) -> None:
    before = _state(cli, workspace)
    path = tmp_path / "export.ris"
    path.write_bytes(content)
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert f"Error: {path}:1: " in result.output and message in result.output
    assert _state(cli, workspace) == before


def test_cli_warns_on_cp1252_and_reads_accents(cli, workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "win.ris"
    path.write_bytes("TY  - JOUR\nTI  - Étude sur le café\nER  - \n".encode("cp1252"))
    result = cli("import", str(path))
    assert result.exit_code == 0
    assert f"Warning: {path}:2: not valid UTF-8; read as cp1252" in result.output
    with Database(workspace.root / "review.db") as con:
        assert con.execute("select title from records").fetchone()[0] == "Étude sur le café"


def test_cli_map_option_and_its_errors(cli, workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Heading,Writers,When,Ref\nPeer support,\"Smith, J\",2019,r1\n", encoding="utf-8")
    before = _state(cli, workspace)
    result = cli("import", str(path), "--map", "Headline=title")
    assert result.exit_code == 2
    assert f"Error: {path}:1: Headline: --map column 'Headline' is not in the header" in result.output
    result = cli("import", str(path), "--map", "Heading=headline")
    assert result.exit_code == 2
    assert "--map: unknown field 'headline' for column 'Heading'" in result.output
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert "no title column recognised" in result.output and "--map COLUMN=title" in result.output
    assert _state(cli, workspace) == before
    result = cli("import", str(path), "--map", "Heading=title", "--map", "Writers=authors",
                 "--map", "When=year", "--map", "Ref=source_id")
    assert result.exit_code == 0, result.output
    result = cli("export", "records", "--format", "csv", "--output", str(tmp_path / "out.csv"))
    exported = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert exported[0].startswith("record_id,work_id,source,source_position,source_id,title,authors,year")
    assert ",sheet,1,r1,Peer support,\"Smith, J\",2019," in exported[1]


def test_format_option_overrides_detection(cli, workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text(SAMPLES["ris"], encoding="utf-8")
    result = cli("import", str(path), "--format", "csv")
    assert result.exit_code == 2
    assert f"Error: {path}:1: " in result.output
    result = cli("import", str(path), "--format", "ris")
    assert result.exit_code == 0
    assert "2 records (ris, utf-8)" in result.output
