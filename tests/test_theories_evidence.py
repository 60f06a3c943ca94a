"""Theory evidence: fragments behind theories add/refine, contested theories, the evidence matrix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from screening_support import setup_screening
from studies_support import THEORIES_YAML, add_fragment, write

from review.screening.decisions import record_decision
from review.screening.fulltext import mark_retrieved, mark_sought
from review.synthesis import load_model, theories_report
from review.workspace import Workspace


def included(workspace: Workspace, count: int = 6) -> list[int]:
    """Include ``count`` works at both stages, each with a retrieved full text; their ids."""
    ids = setup_screening(workspace, reviewers=["alice"], criteria=False)[:count]
    # studies_support.add_fragment quotes "Passage number N." (N counts up across tests)
    write(workspace, "texts/report.md", " ".join(f"Passage number {n}." for n in range(1, 500)))
    with workspace.store().transaction() as conn:
        for work_id in ids:
            record_decision(conn, work_id=work_id, stage="title-abstract", reviewer="alice", decision="include")
        mark_sought(conn, ids, actor="tester")
        for work_id in ids:
            mark_retrieved(conn, work_id, file=workspace.path("texts", "report.md"), actor="tester",
                           root=workspace.root)
            record_decision(conn, work_id=work_id, stage="full-text", reviewer="alice", decision="include")
    return ids


@pytest.fixture
def model(workspace: Workspace) -> list[int]:
    """Six included reports and the seed-like model loaded."""
    ids = included(workspace)
    write(workspace, "protocols/theories.yaml", THEORIES_YAML)
    load_model(workspace, actor="tester")
    return ids


def by_id(workspace: Workspace) -> dict[str, dict]:
    with workspace.store().read() as conn:
        return {t["id"]: t for t in theories_report(conn)["theories"]}


def test_fragments_behind_a_new_theory_and_a_refinement_are_its_evidence(cli, workspace: Workspace,
                                                                        model: list[int]) -> None:
    first = add_fragment(workspace, model[0], {}, context="Has recovered", resource="Volunteering",
                         outcome="Self-esteem")
    second = add_fragment(workspace, model[1], {})
    coded = add_fragment(workspace, model[2], {"P15": "refines"})
    result = cli("theories", "add", "P25", "--topic", "positive", "--label", "Helping others",
                 "--fragment", f"{first},{second}")
    assert result.exit_code == 0, result.output
    assert cli("theories", "refine", "P15", "--add-context", "Feels a failure", "--reason", "Two documents",
               "--fragment", f"{first}", "--fragment", f"{coded}").exit_code == 0
    data = {t["id"]: t for t in json.loads(cli("theories", "--json").output)["theories"]}
    p25 = data["P25"]
    assert (p25["status"], p25["fragments"], p25["documents"]) == ("new", 2, 2)
    assert p25["supporting"]["fragments"] == [first, second] and p25["partial"] is False
    assert p25["evidence"] == {"supporting": 2, "refuting": 0, "refining": 0}
    p15 = data["P15"]  # the fragment's own coding (refines) wins over "supports"
    assert p15["supporting"]["fragments"] == [first] and p15["refining"]["fragments"] == [coded]
    assert p15["evidence"] == {"supporting": 1, "refuting": 0, "refining": 1}
    assert p15["status"] == "refined" and p15["contested"] is False


def test_a_deleted_motivating_fragment_stops_counting(cli, workspace: Workspace, model: list[int]) -> None:
    fragment = add_fragment(workspace, model[0], {})
    assert cli("theories", "add", "P25", "--topic", "positive", "--label", "Helping others",
               "--fragment", str(fragment)).exit_code == 0
    assert by_id(workspace)["P25"]["fragments"] == 1
    assert cli("extract", "delete", str(fragment), "--reason", "duplicate").exit_code == 0
    assert by_id(workspace)["P25"]["fragments"] == 0


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_a_theory_with_evidence_both_ways_is_contested_in_every_table(cli, workspace: Workspace,
                                                                      model: list[int], tmp_path: Path) -> None:
    add_fragment(workspace, model[0], {"N1": "supports", "T1": "supports"})
    add_fragment(workspace, model[0], {"N1": "refutes"})
    add_fragment(workspace, model[1], {"N1": "refines"})
    n1 = by_id(workspace)["N1"]
    assert (n1["status"], n1["contested"]) == ("refined", True)
    assert n1["evidence"] == {"supporting": 1, "refuting": 1, "refining": 1}
    assert by_id(workspace)["T1"]["contested"] is False
    out = tmp_path / "out"
    result = cli("report", "tables", "--format", "md,csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    testing = (out / "table-theory-testing.md").read_text("utf-8")
    n1_row = next(line for line in testing.splitlines() if "N1 Feels judged" in line)
    assert "⚑ contested" in n1_row and "Refuting: 'Passage number" in n1_row
    t1_row = next(line for line in testing.splitlines() if "T1 Expects" in line)
    assert "contested" not in t1_row and "Refuting" not in t1_row
    assert "⚑ contested: evidence both for and against" in testing
    rows = {r["Theory"].split()[0]: r for r in _csv(out / "table-theory-testing.csv")}
    assert "⚑ contested" in rows["N1"]["Final theory"] and "Refuting: " in rows["N1"]["Illustrative quotation"]
    cmo = (out / "table-cmo-negative.md").read_text("utf-8")
    assert "Feels judged by other mothers ⚑" in cmo and "⚑: contested" in cmo
    final = (out / "table-final-model.md").read_text("utf-8")
    assert "refined (contested)" in final
    final_rows = {r["No."]: r for r in _csv(out / "table-final-model.csv")}
    assert (final_rows["N1"]["Status"], final_rows["N1"]["Contested"]) == ("refined", "yes")
    assert (final_rows["T1"]["Status"], final_rows["T1"]["Contested"]) == ("supported", "no")
    matrix = {(r["theory"], r["report"]): r for r in _csv(out / "table-evidence-matrix.csv")}
    first = matrix[("N1", str(model[0]))]
    assert (first["fragments"], first["supporting"], first["refuting"], first["refining"]) == ("2", "1", "1", "0")
    assert matrix[("N1", str(model[1]))]["refining"] == "1"
    table = (out / "table-evidence-matrix.md").read_text("utf-8")
    assert "| 1/1R |" in table and "| 1Rf |" in table


def test_a_motivating_fragment_may_refute_or_refine_and_the_log_keeps_it(cli, workspace: Workspace,
                                                                         model: list[int]) -> None:
    one, two = add_fragment(workspace, model[0], {}), add_fragment(workspace, model[1], {})
    assert cli("theories", "add", "P25", "--topic", "positive", "--label", "Helping others",
               "--fragment", f"{one},{two}:refutes").exit_code == 0
    p25 = by_id(workspace)["P25"]
    assert (p25["supporting"]["fragments"], p25["refuting"]["fragments"]) == ([one], [two])
    assert p25["contested"] is True and p25["status"] == "new"
    log = workspace.path("extraction", "theory-changes.csv").read_text("utf-8")
    assert f",{one};{two}:refutes," in log
    assert f"fragments: {one}, {two} (refutes)" in cli("theories", "history", "P25").output
    exported = workspace.path("exported.csv")
    assert cli("theories", "export", "--output", str(exported)).exit_code == 0
    assert f"{one};{two}:refutes" in exported.read_text("utf-8")
    bad = cli("theories", "refine", "P25", "--add-context", "x", "--reason", "r", "--fragment", f"{one}:weakens")
    assert bad.exit_code == 2 and "--fragment: unknown direction 'weakens'" in bad.output
