"""REFI-QDA exchange: our .qdpx round trip, a project coded elsewhere, and invalid projects."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from extraction_support import extraction_workspace
from lxml import etree
from sqlalchemy import func, select
from test_extract_sheet import good_rows, sheet, state

from review.extraction.tables import fragments
from review.workspace import Workspace

NS = {"q": "urn:QDA-XML:project:1.0"}
VOLATILE = ("id", "actor", "created_at", "updated_at")


def comparable(items: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in item.items() if k not in VOLATILE} for item in items),
                  key=lambda d: (d["work_id"], d["quote"]))


@pytest.fixture
def coded(cli, workspace, tmp_path):
    ids = extraction_workspace(workspace)
    rows = good_rows(ids) + [sheet_row_unverified(ids)]
    assert cli("extract", "import", str(sheet(tmp_path, rows)), "--allow-unverified").exit_code == 0
    return ids


def sheet_row_unverified(ids):
    from test_extract_sheet import row

    return row(ids["md"], "Words the “report” never says", context="Unverified context", theories="T2:refines")


def test_round_trip_into_a_new_workspace_is_lossless(cli, runner, workspace, coded, tmp_path) -> None:
    project = tmp_path / "coding.qdpx"
    result = cli("extract", "export", "--output", str(project))
    assert result.exit_code == 0 and "Wrote 5 fragment(s)" in result.output
    assert "0 new, 0 changed, 5 unchanged" in cli("extract", "import", str(project)).output
    other = Workspace.create(tmp_path / "other", title="Other")
    try:
        assert extraction_workspace(other) == coded
        from review.cli import main

        result = runner.invoke(main, ["-C", str(other.root), "extract", "import", str(project)],
                               catch_exceptions=False)
        assert result.exit_code == 2 and "quote: not found in texts/report-anderson.md" in result.output
        result = runner.invoke(main, ["-C", str(other.root), "extract", "import", str(project),
                                      "--allow-unverified"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "5 new" in result.output
        assert comparable(state(other)[2]) == comparable(state(workspace)[2])
    finally:
        other.close()


def test_exported_project_selections_slice_the_sources(cli, workspace, coded, tmp_path) -> None:
    project = tmp_path / "coding.qdpx"
    cli("extract", "export", "--output", str(project))
    with zipfile.ZipFile(project) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        assert root.tag == "{urn:QDA-XML:project:1.0}Project"
        assert [u.get("name") for u in root.iterfind(".//q:User", NS)] == ["alice"]
        names = [c.get("name") for c in root.iterfind(".//q:Code", NS)]
        assert {"Context", "Mechanism - resource", "Outcome", "Programme theories", "T1 refutes"} <= set(names)
        assert any(n.startswith("T1: Expects peers") for n in names)
        for source in root.iterfind(".//q:TextSource", NS):
            member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
            text = archive.read(member).decode("utf-8")
            for sel in source.iterfind("q:PlainTextSelection", NS):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert " ".join(text[start:end].split())[:60] == sel.get("name")
    with zipfile.ZipFile(project) as archive:
        anderson = [m for m in archive.namelist() if m.startswith("sources/")]
        assert any("hon-\nest" in archive.read(m).decode("utf-8") for m in anderson)
    codebook = tmp_path / "codes.qdc"
    assert cli("extract", "export", "--output", str(codebook)).exit_code == 0
    book = etree.parse(str(codebook)).getroot()
    assert book.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Coded in NVivo" origin="NVivo">
  <Users>
    <User guid="11111111-1111-1111-1111-111111111111" name="alice"/>
    <User guid="22222222-2222-2222-2222-222222222222" name="bob"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-0000-0000-000000000001" name="Context" isCodable="false">
      <Code guid="C0000000-0000-0000-0000-000000000002" name="Mothers with postnatal depression" isCodable="true"/>
    </Code>
    <Code guid="C0000000-0000-0000-0000-000000000003" name="Outcome" isCodable="true"/>
    <Code guid="C0000000-0000-0000-0000-000000000004" name="T1 Expects peers to offer empathetic understanding" isCodable="true"/>
    <Code guid="C0000000-0000-0000-0000-000000000005" name="N2 refutes" isCodable="true"/>
    <Code guid="C0000000-0000-0000-0000-000000000006" name="Interesting" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="50000000-0000-0000-0000-000000000001" name="report-anderson.md" plainTextPath="internal://anderson.txt">
      <PlainTextSelection guid="5E000000-0000-0000-0000-000000000001" startPosition="{start}" endPosition="{end}" creatingUser="11111111-1111-1111-1111-111111111111">
        <Description>a memo written in NVivo</Description>
        <Coding guid="6C000000-0000-0000-0000-000000000001" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000002"/></Coding>
        <Coding guid="6C000000-0000-0000-0000-000000000002" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000004"/></Coding>
        <Coding guid="6C000000-0000-0000-0000-000000000003" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000005"/></Coding>
        <Coding guid="6C000000-0000-0000-0000-000000000004" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000003"/></Coding>
        <Coding guid="6C000000-0000-0000-0000-000000000005" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000006"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""


def foreign_project(path: Path, text: str, start: int, end: int, qde: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde if qde is not None else
                         FOREIGN.replace("{start}", str(start)).replace("{end}", str(end)))
        archive.writestr("sources/anderson.txt", text.encode("utf-8"))
    return path


def test_project_coded_elsewhere_becomes_one_fragment_per_coder(cli, workspace, tmp_path) -> None:
    ids = extraction_workspace(workspace)
    # NVivo's copy of the text, with the hyphenated line joined: offsets in code points.
    text = "Findings. I didn’t have to pretend in there. Everyone knew what it was like, so I could finally be honest."
    start = text.index("I didn’t")
    end = text.index(" Everyone")
    result = cli("extract", "import", str(foreign_project(tmp_path / "nvivo.qdpx", text, start, end)))
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    assert "neither C/M/O nor a theory, kept as the fragments' labels: 'Interesting' (1)" in result.output
    alice, bob = state(workspace)[2]
    assert alice["coder"] == "alice" and bob["coder"] == "bob"
    assert alice["quote"] == "I didn’t have to pretend in there." and alice["work_id"] == ids["md"]
    assert alice["context"] == "Mothers with postnatal depression" and alice["verified"] == "yes"
    assert alice["theories"] == [{"theory": "T1", "direction": "supports"}] and alice["note"] == "a memo written in NVivo"
    assert bob["outcome"] == "I didn’t have to pretend in there." and bob["theories"][0]["direction"] == "refutes"


@pytest.mark.parametrize("case,message", [
    ("not-zip", "not a REFI-QDA project: a .qdpx is a zip archive"),
    ("no-qde", "not a REFI-QDA project: no project.qde in the archive"),
    ("bad-xml", "project.qde:3: not a REFI-QDA project: project.qde is not XML"),
    ("wrong-root", "project.qde:2: not a REFI-QDA project: the root element is"),
    ("out-of-range", "project.qde:18: startPosition: selection 5-9999 is outside the source's"),
    ("unknown-code", "CodeRef: unknown code"),
    ("no-report", "source: 'unknown.txt' matches no included report; map it with --map 'unknown.txt=WORK_ID'"),
    ("absent-quote", "quote: not found in texts/report-anderson.md"),
    ("codebook", "a REFI-QDA codebook (.qdc) holds codes but no coded passages"),
])
def test_invalid_projects_are_refused_and_nothing_is_written(cli, workspace, tmp_path, case, message) -> None:
    extraction_workspace(workspace)
    text = "Findings. I didn’t have to pretend in there. Everyone knew what it was like."
    path = tmp_path / "project.qdpx"
    if case == "not-zip":
        path.write_text("<Project/>", encoding="utf-8")
    elif case == "no-qde":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("sources/a.txt", "x")
    elif case == "bad-xml":
        foreign_project(path, text, 0, 5, qde='<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0">\n<Users><User></Project>')
    elif case == "wrong-root":
        foreign_project(path, text, 0, 5, qde='<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    elif case == "out-of-range":
        foreign_project(path, text, 5, 9999)
    elif case == "unknown-code":
        foreign_project(path, text, 10, 20, qde=FOREIGN.replace("{start}", "10").replace("{end}", "20")
                        .replace('<CodeRef targetGUID="C0000000-0000-0000-0000-000000000006"/>',
                                 '<CodeRef targetGUID="DEADBEEF-0000-0000-0000-000000000000"/>'))
    elif case == "no-report":
        foreign_project(path, text, 10, 20, qde=FOREIGN.replace("{start}", "10").replace("{end}", "20")
                        .replace('name="report-anderson.md"', 'name="unknown.txt"'))
    elif case == "absent-quote":
        foreign_project(path, "Nothing of the kind was ever said by anyone.", 0, 20)
    else:
        path = tmp_path / "codes.qdc"
        path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', encoding="utf-8")
    result = cli("extract", "import", str(path))
    assert result.exit_code == 2, result.output
    assert message in result.output
    with workspace.store().read() as conn:
        assert conn.execute(select(func.count()).select_from(fragments)).scalar_one() == 0


def test_pdf_source_representation_is_read_like_a_text_source(cli, workspace, tmp_path) -> None:
    ids = extraction_workspace(workspace)
    text = "Mothers said they felt less alone after the peer supporters visited them at home."
    start, end = text.index("felt"), text.index(" at home")
    qde = (FOREIGN.replace("{start}", str(start)).replace("{end}", str(end))
           .replace('<TextSource guid="50000000-0000-0000-0000-000000000001" name="report-anderson.md" '
                    'plainTextPath="internal://anderson.txt">',
                    '<PDFSource guid="50000000-0000-0000-0000-000000000001" name="report-cust.pdf" '
                    'path="internal://cust.pdf"><Representation guid="50000000-0000-0000-0000-000000000009" '
                    'plainTextPath="internal://anderson.txt">')
           .replace("</TextSource>", "</Representation></PDFSource>"))
    result = cli("extract", "import", str(foreign_project(tmp_path / "pdf.qdpx", text, start, end, qde=qde)))
    assert result.exit_code == 0, result.output
    alice, _ = state(workspace)[2]
    assert alice["work_id"] == ids["pdf"] and alice["page"] == 2 and alice["verified"] == "yes"
