"""review update start: an update re-imports an overlapping export and PRISMA 2020's diagram for
updated reviews counts it (previous studies and reports, new studies, totals)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from click.testing import CliRunner
from report_support import open_workspace
from sqlalchemy import select

from review.cli import main
from review.screening.queue import ScreeningQueue
from review.store import schema
from review.versions import sources_version
from review.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
MDPI = "exports/citation-file-formatting/RIS/_baseline_mdpi.ris"


def _run(root: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def _records(text: str, n: int) -> str:
    """The first ``n`` RIS records of an export, verbatim."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    kept, count = [], 0
    for line in text.splitlines():
        if line.startswith("TY  -"):
            count += 1
        if count > n:
            break
        if count:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _overlapping_export(tmp_path: Path, shared_data: Path) -> Path:
    """Three records the original review screened (its PsycINFO export) and two it never saw."""
    old = _records((REPO / "corpus" / "psycinfo.ris").read_text(encoding="utf-8"), 3)
    new = _records((shared_data / MDPI).read_text(encoding="utf-8-sig"), 2)
    path = tmp_path / "psycinfo-2026.ris"
    path.write_text(old + "\n" + new, encoding="utf-8")
    return path


def _prisma(root: Path, out: Path) -> dict[str, str]:
    _run(root, "report", "prisma", "--format", "csv,svg", "--out", str(out))
    with (out / "prisma.csv").open(encoding="utf-8") as fh:
        return {row["data"]: row["n"] for row in csv.DictReader(fh) if row["data"] != "NA"}


def _new_works(root: Path) -> list[int]:
    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            versions = dict(conn.execute(select(sources_version.c.id, sources_version.c.version)).all())
            r = schema.records
            by_work: dict[int, set[int]] = {}
            for work_id, source_id in conn.execute(select(r.c.work_id, r.c.source_id)):
                by_work.setdefault(work_id, set()).add(versions[source_id])
    finally:
        ws.close()
    return sorted(w for w, v in by_work.items() if v == {2})


def test_update_counts_an_overlapping_export_as_prisma_2020_updated_review(
        example_copy: Path, shared_data: Path, tmp_path: Path) -> None:
    root = example_copy
    out = _run(root, "update", "start", "2026 update")
    assert "22 studies included (29 reports)" in out
    export = _overlapping_export(tmp_path, shared_data)
    _run(root, "import", str(export), "--source", "PsycINFO 2026", "--kind", "database",
         "--searched", "2026-03-01")
    sources = json.loads(_run(root, "sources", "--json"))["sources"]
    assert {s["name"]: s["version"] for s in sources}["PsycINFO 2026"] == 2
    assert {s["version"] for s in sources if s["name"] != "PsycINFO 2026"} == {1}
    assert "v2  PsycINFO 2026" in _run(root, "sources")
    _run(root, "dedup")
    new = _new_works(root)
    assert len(new) == 2  # the three records screened before joined their works
    status = json.loads(_run(root, "status", "--json"))
    assert status["update"]["version"] == 2 and status["update"]["new_works"] == 2
    assert status["update"]["already_screened"] == 3

    # Only the new works wait for title-abstract screening.
    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            assert ScreeningQueue(conn, stage="title-abstract", reviewer="JM").pending == set(new)
    finally:
        ws.close()
    included, excluded = new
    _run(root, "screen", "decide", str(excluded), "--reviewer", "JM", "--decision", "exclude",
         "--reason", "E-TYPE-1")
    _run(root, "screen", "decide", str(included), "--reviewer", "JM", "--decision", "include")
    pdf = tmp_path / "new.txt"
    pdf.write_text("A new report.\n", encoding="utf-8")
    _run(root, "fulltext", "retrieved", str(included), "--file", str(pdf))
    _run(root, "screen", "decide", str(included), "--stage", "full-text", "--reviewer", "JM",
         "--decision", "include")

    counts = _prisma(root, tmp_path / "out")
    assert counts["previous_studies"] == "22" and counts["previous_reports"] == "29"
    assert counts["database_results"] == "5" and counts["citations_results"] == "0"
    assert counts["duplicates"] == "3"  # screened in the original review: not screened again
    assert counts["records_screened"] == "2" and counts["records_excluded"] == "1"
    assert counts["dbr_sought_reports"] == "1" and counts["dbr_assessed"] == "1"
    assert counts["new_studies"] == "1" and counts["new_reports"] == "1"
    assert counts["total_studies"] == "23" and counts["total_reports"] == "30"
    svg = (tmp_path / "out" / "prisma.svg").read_text(encoding="utf-8")
    words = " ".join(re.findall(r">([^<>]+)</t", svg)).replace("\u00a0", " ")
    for text in ("Previous studies", "Studies included in previous version of review (n = 22)",
                 "Reports of new included studies (n = 1)", "Total studies included in review (n = 23)",
                 "Reports of total included studies (n = 30)"):
        assert text in words, text

    # The documents table says which version found each included document.
    _run(root, "report", "tables", "--format", "csv", "--out", str(tmp_path / "tables"))
    with (tmp_path / "tables" / "table-documents.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30
    assert [row["Version"] for row in rows].count("2026 update") == 1
    assert [row["Version"] for row in rows].count("original review") == 29

    # A living review: the next update carries the totals over, and the audit trail has them.
    out = _run(root, "update", "start", "2027 update")
    assert "23 studies included (30 reports)" in out
    versions = json.loads(_run(root, "update", "--json"))["versions"]
    assert [v["label"] for v in versions] == ["original review", "2026 update", "2027 update"]
    assert [v.get("previous_studies") for v in versions] == [None, 22, 23]
    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            events = [json.loads(e.detail) for e in conn.execute(
                select(schema.events.c.detail).where(schema.events.c.action == "update-start")
                .order_by(schema.events.c.id))]
    finally:
        ws.close()
    assert [(e["previous_studies"], e["previous_reports"], len(e["included_reports"])) for e in events] == [
        (22, 29, 29), (23, 30, 30)]


def test_update_start_refuses_open_screening_and_writes_nothing(tmp_path: Path) -> None:
    root = open_workspace(tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "update", "start", "2026 update"])
    assert result.exit_code == 2
    assert "version 1 (original review) has unfinished work" in result.output
    assert "not yet sought" in result.output
    assert json.loads(_run(root, "update", "--json"))["versions"] == [
        {"number": 1, "label": "original review", "started_at": None, "actor": None}]


def test_update_start_refuses_a_label_taken(example_copy: Path) -> None:
    _run(example_copy, "update", "start", "2026 update")
    result = CliRunner().invoke(main, ["-C", str(example_copy), "update", "start", "2026 Update"])
    assert result.exit_code == 2 and "already called" in result.output
