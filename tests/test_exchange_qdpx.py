"""REFI-QDA projects as NVivo writes them (Sources/, its own source and user names, its own
codebook), untrusted projects refused, and our export valid against the official REFI-QDA
project schema (tests/data/exchange/refi-qda/Project-mrt2019.xsd, MIT, REFI)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from extraction_support import extraction_workspace
from lxml import etree
from sqlalchemy import select
from test_extract_qdpx import FOREIGN, coded, sheet_row_unverified  # noqa: F401  (fixture)

from review.extraction.labels import labels_by_fragment
from review.extraction.sheet import CONTRACT_COLUMNS
from review.extraction.tables import fragments

XSD = Path(__file__).parent / "data" / "exchange" / "refi-qda" / "Project-mrt2019.xsd"
TEXT = "Findings. I didn’t have to pretend in there. Everyone knew what it was like, so I could finally be honest."


def nvivo_project(path: Path, *, qde: str | None = None, extra: dict[str, bytes] | None = None) -> Path:
    """As NVivo 12 exports: texts under Sources/ (capital S), sources and users by their own names."""
    start = TEXT.index("I didn’t")
    end = TEXT.index("honest") + len("honest")
    body = (FOREIGN.replace("{start}", str(start)).replace("{end}", str(end))
            .replace('name="report-anderson.md"', 'name="videos_10_selected"')
            .replace('name="alice"', 'name="Jane Doe"').replace('name="bob"', 'name="B. Smith"'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde if qde is not None else body)
        archive.writestr("Sources/anderson.txt", TEXT.encode("utf-8"))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def _count(workspace) -> int:
    with workspace.store().read() as conn:
        return len(conn.execute(select(fragments.c.id)).all())


def test_nvivo_project_imports_with_source_and_coder_maps(cli, workspace, tmp_path: Path) -> None:
    ids = extraction_workspace(workspace)
    project = nvivo_project(tmp_path / "nvivo.qdpx")
    refused = cli("extract", "import", str(project), "--allow-unverified")
    assert refused.exit_code == 2
    assert ("source: 'videos_10_selected' matches no included report; map it with "
            "--map 'videos_10_selected=WORK_ID'") in refused.output
    sheet = tmp_path / "sources.csv"
    sheet.write_text(f"source,report\nvideos_10_selected,{ids['md']}\n", encoding="utf-8")
    result = cli("extract", "import", str(project), "--map", str(sheet), "--coder-map", "Jane Doe=alice",
                 "--coder-map", "B. Smith=bob")
    assert result.exit_code == 0, result.output
    with workspace.store().read() as conn:
        rows = conn.execute(select(fragments)).mappings().all()
    assert sorted(r["coder"] for r in rows) == ["alice", "bob"]
    assert all(r["work_id"] == ids["md"] for r in rows)
    bob = next(r for r in rows if r["coder"] == "bob")
    assert bob["note"] == "a memo written in NVivo"
    with workspace.store().read() as conn:
        labels = labels_by_fragment(conn)
    assert labels[bob["id"]] == ["Interesting"]
    assert "kept as the fragments' labels: 'Interesting' (1)" in result.output


def _nvivo_imported(cli, workspace, tmp_path: Path) -> Path:
    ids = extraction_workspace(workspace)
    project = nvivo_project(tmp_path / "nvivo.qdpx")
    result = cli("extract", "import", str(project), "--map", f"videos_10_selected={ids['md']}",
                 "--coder-map", "Jane Doe=alice", "--coder-map", "B. Smith=bob")
    assert result.exit_code == 0, result.output
    return project


def test_the_projects_own_codes_go_out_again_as_codes(cli, workspace, tmp_path: Path) -> None:
    _nvivo_imported(cli, workspace, tmp_path)
    out = tmp_path / "coding.qdpx"
    assert cli("extract", "export", "--output", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        document = etree.fromstring(archive.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(document), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    group = document.find(".//q:Code[@name='Codes from the project']", ns)
    assert [c.get("name") for c in group.findall("q:Code", ns)] == ["Interesting"]
    code = group.find("q:Code", ns).get("guid")
    users = {u.get("guid"): u.get("name") for u in document.iter("{urn:QDA-XML:project:1.0}User")}
    coded_by = {users[c.get("creatingUser")] for c in document.iter("{urn:QDA-XML:project:1.0}Coding")
                if c.find("q:CodeRef", ns).get("targetGUID") == code}
    assert coded_by == {"bob"}
    again = cli("extract", "import", str(out))
    assert again.exit_code == 0 and "0 new, 0 changed, 2 unchanged" in again.output, again.output


def test_labels_travel_in_the_sheet_after_the_contract_columns(cli, workspace, tmp_path: Path) -> None:
    _nvivo_imported(cli, workspace, tmp_path)
    sheet = tmp_path / "fragments.csv"
    assert cli("extract", "export", "--output", str(sheet)).exit_code == 0
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[:len(CONTRACT_COLUMNS)] == list(CONTRACT_COLUMNS) and "labels" in header
    assert sorted(r["labels"] for r in rows) == ["", "Interesting"]
    for row in rows:
        if row["labels"]:
            row["labels"] = "Interesting; trust; distrust"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    result = cli("extract", "import", str(sheet))
    assert result.exit_code == 0 and "0 new, 1 changed, 1 unchanged" in result.output, result.output
    without = tmp_path / "without-labels.csv"
    with without.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c for c in header if c != "labels"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert "0 new, 0 changed, 2 unchanged" in cli("extract", "import", str(without)).output
    with workspace.store().read() as conn:
        assert sorted(labels_by_fragment(conn).values()) == [["Interesting", "trust", "distrust"]]


@pytest.mark.parametrize(("args", "message"), [
    (["--map", "no such source=1"], "--map: no source named 'no such source' in the project"),
    (["--map", "videos_10_selected=999"], "--map: '999' is not an included report's work id"),
    (["--coder-map", "Nobody=alice"], "--coder-map: no user named 'Nobody' in the project"),
])
def test_a_map_naming_what_is_not_there_is_refused(cli, workspace, tmp_path: Path, args, message) -> None:
    extraction_workspace(workspace)
    project = nvivo_project(tmp_path / "nvivo.qdpx")
    result = cli("extract", "import", str(project), *args)
    assert result.exit_code == 2 and f"{project}: {message}" in result.output, result.output
    assert _count(workspace) == 0


def test_untrusted_projects_are_refused_with_one_line(cli, workspace, tmp_path: Path) -> None:
    extraction_workspace(workspace)
    escape = nvivo_project(tmp_path / "escape.qdpx", extra={"../../outside.txt": b"x"})
    result = cli("extract", "import", str(escape))
    assert result.exit_code == 2 and "has a path that leaves the archive" in result.output
    bomb = tmp_path / "bomb.qdpx"
    nvivo_project(bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("Sources/big.txt", "w", force_zip64=True) as handle:
        for _ in range(70):
            handle.write(b"\0" * (1 << 20))
    assert bomb.stat().st_size < 1_000_000
    result = cli("extract", "import", str(bomb), "--map", "videos_10_selected=1")
    assert result.exit_code == 2 and "refused: Sources/big.txt inflates to" in result.output
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
              '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>')
    result = cli("extract", "import", str(nvivo_project(tmp_path / "laughs.qdpx", qde=laughs)))
    assert result.exit_code == 2 and "refused: project.qde declares a DTD or entities" in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1
    assert _count(workspace) == 0 and not (tmp_path.parent / "outside.txt").exists()


def test_our_project_round_trip_validates_against_the_refi_qda_schema(cli, workspace, coded, tmp_path) -> None:  # noqa: F811
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    project = tmp_path / "coding.qdpx"
    assert cli("extract", "export", "--output", str(project)).exit_code == 0
    with zipfile.ZipFile(project) as archive:
        document = etree.fromstring(archive.read("project.qde"))
    assert schema.validate(document), schema.error_log
    assert "0 new, 0 changed, 5 unchanged" in cli("extract", "import", str(project)).output


def _rewritten(project: Path, old: str, new: str) -> Path:
    with zipfile.ZipFile(project) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["project.qde"] = members["project.qde"].decode("utf-8").replace(old, new, 1).encode("utf-8")
    with zipfile.ZipFile(project, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return project


def test_a_report_without_full_text_keeps_the_projects_copy_of_the_source(cli, workspace, tmp_path: Path) -> None:
    ids = extraction_workspace(workspace)
    copies = workspace.root / "extraction" / "texts" / "qdpx"
    maps = ["--map", f"videos_10_selected={ids['none']}", "--coder-map", "Jane Doe=alice", "--coder-map", "B. Smith=bob"]
    bad = _rewritten(nvivo_project(tmp_path / "bad.qdpx"), "a memo written in NVivo", "relevance: extreme")
    refused = cli("extract", "import", str(bad), *maps)
    assert refused.exit_code == 2 and "relevance" in refused.output, refused.output
    assert not copies.exists()  # nothing left behind
    project = nvivo_project(tmp_path / "nvivo.qdpx")
    result = cli("extract", "import", str(project), *maps)
    assert result.exit_code == 0, result.output
    assert "2 quote(s) of reports without a full text verified against the project's copy" in result.output
    kept = list(copies.glob("*.txt"))
    assert len(kept) == 1 and kept[0].name.startswith("videos_10_selected-")
    assert kept[0].read_text(encoding="utf-8") == TEXT
    with workspace.store().read() as conn:
        rows = conn.execute(select(fragments)).mappings().all()
    assert {(r["verified"], r["evidence"], r["text_path"]) for r in rows} == {
        ("yes", "primary", f"extraction/texts/qdpx/{kept[0].name}")}
    assert {r["char_start"] for r in rows} == {TEXT.index("I didn’t")}
    again = cli("extract", "import", str(project), *maps)
    assert "0 new, 0 changed, 2 unchanged" in again.output and list(copies.glob("*.txt")) == kept


def test_a_report_with_its_own_full_text_is_checked_against_it_not_the_copy(cli, workspace, tmp_path: Path) -> None:
    ids = extraction_workspace(workspace)
    project = nvivo_project(tmp_path / "nvivo.qdpx")
    result = cli("extract", "import", str(project), "--map", f"videos_10_selected={ids['md']}")
    assert result.exit_code == 0, result.output
    with workspace.store().read() as conn:
        paths = {r.text_path for r in conn.execute(select(fragments.c.text_path))}
    assert paths == {"texts/report-anderson.md"}
    assert not (workspace.root / "extraction" / "texts" / "qdpx").exists()
