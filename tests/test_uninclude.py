"""A report that stops being included keeps its evidence, out of the synthesis; coming back restores it.

On the built worked example: report 47 (Shorey & Ng 2019) alone supports theory T2 and
report 68 (Sembi 2018) alone supports T11. Un-including one (an undo of its full-text
inclusion, or a conflict resolved the other way) must take it out of every derived view
(theory statuses, counts, tables, appraisal counts) without deleting a row, list it where a
reviewer will see it, and putting it back must restore everything.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main

SOLE = {47: "T2", 68: "T11"}  # report -> the theory it alone supports
CITATION = {47: "Shorey & Ng (2019)", 68: "Sembi (2018)"}


def _run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), *args], env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    return result.output


def _json(root: Path, *args: str) -> dict:
    return json.loads(_run(root, *args, "--json"))


def _appraise_fully(root: Path, report: int) -> None:
    """Answer report 47's questions (qualitative: S1, S2, 1.1-1.5), so that it counts as appraised."""
    for item in ("S1", "S2", "1.1", "1.2", "1.3", "1.4", "1.5"):
        _run(root, "appraise", "record", str(report), item, "yes", "--reviewer", "JM")


def _tables(root: Path) -> dict[str, str]:
    from review.reports.data import load
    from review.reports.tables_appraisal import mmat_table
    from review.reports.tables_documents import documents_table, study_characteristics_table
    from review.reports.tables_theories import (
        cmo_tables,
        evidence_matrix_table,
        theory_testing_table,
    )
    from review.workspace import Workspace

    workspace = Workspace.load(root)
    try:
        with workspace.store().read() as conn:
            data = load(workspace, conn)
    finally:
        workspace.close()
    tables = [theory_testing_table(data), evidence_matrix_table(data), mmat_table(data), documents_table(data),
              study_characteristics_table(data), *cmo_tables(data)]
    return {t.name: json.dumps([t.columns, *[[*map(str, row.cells), row.group] for row in t.rows]],
                               ensure_ascii=False) for t in tables}


def _theory(report: dict, theory_id: str) -> dict:
    return next(t for t in report["theories"] if t["id"] == theory_id)


def _snapshot(root: Path) -> dict:
    theories = _json(root, "theories")
    status = _json(root, "status")
    return {"counts": theories["counts"], "theories": {t["id"]: (t["status"], t["documents"], t["fragments"])
                                                       for t in theories["theories"]},
            "stages": {k: v for k, v in status["stages"].items() if k != "screening"}, "tables": _tables(root)}


def _assert_out(root: Path, report: int, before: dict) -> None:
    theory = SOLE[report]
    theories = _json(root, "theories")
    assert _theory(theories, theory)["status"] == "not-supported"
    assert _theory(theories, theory)["documents"] == 0
    assert theories["counts"]["supported"] == before["counts"]["supported"] - 1
    assert theories["counts"]["not-supported"] == before["counts"]["not-supported"] + 1
    assert all(report not in t["supporting"]["documents"] for t in theories["theories"])

    tables = _tables(root)
    for name, rows in tables.items():
        assert CITATION[report] not in rows and f"report {report}" not in rows, name

    status = _json(root, "status")
    assert status["stages"]["appraisal"]["included reports"] == before["stages"]["appraisal"]["included reports"] - 1
    assert status["stages"]["extraction"]["reports"] == before["stages"]["extraction"]["reports"] - 1
    assert status["stages"]["extraction"]["fragments"] < before["stages"]["extraction"]["fragments"]
    assert status["stages"]["extraction"]["fragments out of the synthesis"] == (
        before["stages"]["extraction"]["fragments"] - status["stages"]["extraction"]["fragments"])
    assert [r["report"] for r in status["no_longer_included"]] == [report]
    kept = status["no_longer_included"][0]
    assert kept["fragments"] > 0 and kept["command"] == f"review extract list --report {report}"
    text = _run(root, "status")
    assert "Evidence from 1 report no longer included" in text
    assert f"review extract list --report {report}" in text

    listing = _json(root, "extract", "list", "--report", str(report))
    assert [r["report"] for r in listing["reports"]] == [report]
    assert listing["reports"][0]["included"] is False and listing["reports"][0]["fragments"]
    assert listing["reports"][0]["citation"] == CITATION[report]
    assert "no longer included" in _run(root, "extract", "list", "--report", str(report))

    check = _json(root, "extract", "check", "--dry-run")
    assert [r["report"] for r in check["no_longer_included"]] == [report]
    checked = _run(root, "extract", "check", "--dry-run")
    assert "Evidence from 1 report no longer included" in checked
    assert f"review extract list --report {report}" in checked


def _assert_back(root: Path, before: dict) -> None:
    assert _snapshot(root) == before
    status = _json(root, "status")
    assert status["no_longer_included"] == []
    assert "no longer included" not in _run(root, "status")
    assert "no longer included" not in _run(root, "extract", "list", "--report", "47")


def test_undoing_an_inclusion_takes_its_evidence_out_and_redoing_it_brings_it_back(example_copy: Path) -> None:
    root = example_copy
    _appraise_fully(root, 47)
    before = _snapshot(root)
    assert before["theories"]["T2"] == ("supported", 1, before["theories"]["T2"][2])
    assert before["stages"]["appraisal"]["appraised"] == 1
    assert "Shorey & Ng (2019)" in before["tables"]["theory-testing"]
    assert "Shorey & Ng (2019)" in before["tables"]["evidence-matrix"]

    _run(root, "screen", "undo", "47", "--stage", "full-text", "--reviewer", "JM")
    _assert_out(root, 47, before)
    assert _json(root, "status")["stages"]["appraisal"]["appraised"] == 0
    kept = _json(root, "status")["no_longer_included"][0]
    assert kept["appraised"] is True and kept["study"] == "#19"

    _run(root, "screen", "decide", "47", "--stage", "full-text", "--reviewer", "JM", "--decision", "include")
    _assert_back(root, before)


def test_a_conflict_resolved_the_other_way_takes_the_evidence_out(example_copy: Path) -> None:
    root = example_copy
    before = _snapshot(root)
    assert before["theories"]["T11"][0] == "supported"
    _run(root, "screen", "decide", "68", "--stage", "full-text", "--reviewer", "SA", "--decision", "exclude",
         "--reason", "E-TYPE-1")
    _run(root, "screen", "resolve", "68", "--stage", "full-text", "--decision", "exclude", "--reason", "E-TYPE-1",
         "--reviewer", "JM")
    _assert_out(root, 68, before)
    # Intervention #18 has no other report: it leaves the studies count, marked where it is listed
    assert _json(root, "status")["stages"]["studies"]["studies"] == before["stages"]["studies"]["studies"] - 1
    studies = _json(root, "studies")
    assert studies["counts"]["studies"] == before["stages"]["studies"]["studies"] - 1
    assert [s["study"] for s in studies["studies"] if not s["included"]] == ["#18"]
    assert "no longer included" in _run(root, "studies", "show", "18")

    _run(root, "screen", "resolve", "68", "--stage", "full-text", "--decision", "include", "--reviewer", "JM")
    _assert_back(root, before)


def test_a_report_never_included_and_without_evidence_is_still_refused(example_copy: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(example_copy), "extract", "list", "--report", "2"],
                                env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code != 0
    assert "not an included report" in result.output


@pytest.mark.parametrize("report", [47])
def test_nothing_is_deleted(example_copy: Path, report: int) -> None:
    from sqlalchemy import func, select

    from review.appraisal.tables import appraisal_judgements
    from review.extraction.tables import fragments
    from review.studies.tables import study_reports
    from review.workspace import Workspace

    def count() -> tuple[int, int, int]:
        workspace = Workspace.load(example_copy)
        try:
            with workspace.store().read() as conn:
                return tuple(conn.execute(select(func.count()).select_from(t).where(t.c.work_id == report))
                             .scalar_one() for t in (fragments, appraisal_judgements, study_reports))
        finally:
            workspace.close()

    before = count()
    assert before[0] and before[1] and before[2]
    _run(example_copy, "screen", "undo", str(report), "--stage", "full-text", "--reviewer", "JM")
    assert count() == before


def test_the_committed_sheets_still_import_and_no_fragment_is_added_while_out(example_copy: Path,
                                                                                 tmp_path: Path) -> None:
    root = example_copy
    _run(root, "screen", "undo", "47", "--stage", "full-text", "--reviewer", "JM")
    sheet = tmp_path / "fragments.csv"
    _run(root, "extract", "export", "--output", str(sheet))
    assert "0 new, 0 changed, 56 unchanged" in _run(root, "extract", "import", str(sheet))
    assert "0 new, 0 changed, 56 unchanged" in _run(root, "extract", "import", "extraction/fragments.csv")
    assert "0 judgements recorded" in _run(root, "appraise", "import", "extraction/appraisals.csv")
    assert "29 unchanged" in _run(root, "studies", "import", "extraction/studies.csv")

    quote = "This file stands in for the"
    result = CliRunner().invoke(main, ["-C", str(root), "extract", "add", "--report", "47", "--quote", quote,
                                       "--coder", "JM"], env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 2 and "report 47 is no longer included" in result.output
    _run(root, "screen", "decide", "47", "--stage", "full-text", "--reviewer", "JM", "--decision", "include")
    assert "created" in _run(root, "extract", "add", "--report", "47", "--quote", quote, "--coder", "JM")


def test_a_report_with_an_appraisal_and_no_fragments_is_listed_too(example_copy: Path) -> None:
    """Report 40 (Dennis 2014) has a design category (not applicable) and a study, no fragments."""
    _run(example_copy, "screen", "undo", "40", "--stage", "full-text", "--reviewer", "JM")
    [kept] = _json(example_copy, "status")["no_longer_included"]
    assert (kept["report"], kept["fragments"], kept["appraised"], kept["study"]) == (40, 0, True, "#6")
    listing = _json(example_copy, "extract", "list", "--report", "40")
    assert listing["reports"][0]["fragments"] == [] and listing["reports"][0]["mmat"]["status"] == "not-applicable"
    assert "(no fragments)" in _run(example_copy, "extract", "list", "--report", "40")
