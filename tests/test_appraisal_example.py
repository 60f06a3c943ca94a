"""Appraisal on the worked example's 29 included reports: run step, sheets, rules, CLI."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from review.appraisal.tables import appraisal_judgements
from review.cli import main
from review.store import Store, schema

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "appraisal"
COLUMNS = ["report", "study", "instrument", "category", "item", "answer", "comment", "reviewer"]


def review(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def built(built_example: Path) -> Path:
    """The worked example after `review run` (conftest builds it once per session; read only)."""
    return built_example


@pytest.fixture
def ws(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(built, target)
    return target


def counts(root: Path) -> tuple[int, int]:
    store = Store.open(f"sqlite:///{root / 'review.db'}")
    try:
        with store.read() as conn:
            return (conn.execute(select(func.count()).select_from(appraisal_judgements)).scalar_one(),
                    conn.execute(select(func.count()).select_from(schema.events)).scalar_one())
    finally:
        store.close()


def table(root: Path) -> dict:
    code, output = review("-C", str(root), "appraise", "table", "--json")
    assert code == 0, output
    return json.loads(output)


def write_sheet(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(report: int, item: str, answer: str, category: str = "1", reviewer: str = "SA", **more: str) -> dict:
    return {"report": str(report), "study": "", "instrument": "mmat-2018", "category": category, "item": item,
            "answer": answer, "comment": "", "reviewer": reviewer, **more}


# -- the run step and the table -------------------------------------------------------


def test_run_loads_the_seeds_design_categories(built: Path) -> None:
    data = table(built)
    reports = data["reports"]
    assert len(reports) == 29
    primary = [r["categories"][0] for r in reports if r["categories"]]
    assert {c: primary.count(c) for c in set(primary)} == {"1": 8, "2": 7, "3": 5, "4": 3, "5": 2,
                                                             "not-applicable": 4}
    mixed = [r for r in reports if r["categories"][0] == "5"]
    assert all(len(r["categories"]) == 3 and r["categories"][1] == "1" for r in mixed)
    assert all(r["category_label"].startswith("Mixed methods (Qualitative + Quantitative") for r in mixed)
    na = [r for r in reports if r["status"] == "not-applicable"]
    assert len(na) == 4 and all(r["not_applicable_reason"] for r in na)
    assert {r["status"] for r in reports} == {"not-appraised", "not-applicable"}  # no criteria answered yet
    assert all(r["study"] for r in reports)  # every report is grouped into an intervention
    assert data["instrument"]["id"] == "mmat-2018" and len(data["items"]) == 25 and len(data["screening"]) == 2
    assert set(reports[0]) >= {"report", "citation", "title", "study", "categories", "category_label", "status",
                                "not_applicable_reason", "screening_flag", "answers", "criteria_met",
                                "criteria_rated"}


def test_run_again_changes_nothing(ws: Path) -> None:
    from review.appraisal.pipeline_step import run_step
    from review.workspace import Workspace

    before = counts(ws)
    workspace = Workspace.find(ws)
    try:
        result = run_step(workspace, actor="tester")
    finally:
        workspace.close()
    assert result.summary == "1 appraisal sheet(s): 0 judgements recorded"
    assert result.details == ["extraction/appraisals.csv: 29 rows on 29 reports: 29 design rows, 0 answered, "
                              "0 not yet answered; 0 judgements recorded, 29 unchanged"]
    assert counts(ws) == before
    (ws / "extraction" / "appraisals.csv").unlink()
    workspace = Workspace.find(ws)
    try:
        assert run_step(workspace, actor="tester").status == "skipped"
    finally:
        workspace.close()


def test_a_bad_row_in_the_committed_sheet_stops_the_run(ws: Path) -> None:
    path = ws / "extraction" / "appraisals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",mmat-2018,1,", ",mmat-2018,7,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts(ws)
    code, output = review("-C", str(ws), "run", "--actor", "tester")
    assert code == 2
    assert "extraction/appraisals.csv:4: category: mmat-2018 has no category '7'" in output
    assert counts(ws) == before


# -- sheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_changes_nothing(ws: Path, tmp_path: Path, suffix: str) -> None:
    assert review("-C", str(ws), "appraise", "record", "24", "S1", "yes", "--reviewer", "JM")[0] == 0
    code, output = review("-C", str(ws), "appraise", "record", "24", "category", "1", "--reviewer", "SA")
    assert code == 0, output
    assert review("-C", str(ws), "appraise", "record", "24", "1.2", "cant-tell", "--reviewer", "SA",
                  "--comment", "few details")[0] == 0
    assert review("-C", str(ws), "appraise", "resolve", "24", "1.2", "no", "--reviewer", "JM")[0] == 0
    sheet = tmp_path / f"out{suffix}"
    code, output = review("-C", str(ws), "appraise", "export", "--output", str(sheet))
    assert code == 0, output
    before = counts(ws)
    code, output = review("-C", str(ws), "appraise", "import", str(sheet))
    assert code == 0, output
    assert " 0 judgements recorded" in output
    assert counts(ws) == before
    if suffix == ".csv":
        header = sheet.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[:8] == COLUMNS
    else:
        from openpyxl import load_workbook

        book = load_workbook(sheet)
        checks = book["appraisals"].data_validations.dataValidation
        assert any(c.formula1 == '"yes,no,cant-tell"' for c in checks)
        assert any("not-applicable" in c.formula1 for c in checks)


def test_template_lists_each_reports_questions_and_imports_filled(ws: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sa.csv"
    code, output = review("-C", str(ws), "appraise", "export", "--template", "--reviewer", "SA", "--output", str(sheet))
    assert code == 0, output
    with sheet.open(encoding="utf-8") as handle:
        blind = list(csv.DictReader(handle))
    assert {r["category"] for r in blind} == {""} and len(blind) == 29 * 28  # JM's designs stay hidden from SA
    sheet = tmp_path / "jm.csv"
    code, output = review("-C", str(ws), "appraise", "export", "--template", "--reviewer", "JM", "--output", str(sheet))
    assert code == 0, output
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["answer"] == "" and r["reviewer"] == "JM" for r in rows)
    by_report: dict[str, list[str]] = {}
    for r in rows:
        by_report.setdefault(r["report"], []).append(r["item"])
    assert by_report["24"] == ["", "S1", "S2", "1.1", "1.2", "1.3", "1.4", "1.5"]
    assert len(by_report["4"]) == 1 + 2 + 15  # mixed methods: 5, 1 and 2
    assert by_report["3"] == [""]  # not-applicable
    for r in rows:
        if r["report"] == "24" and r["item"]:
            r["answer"] = "Yes" if r["item"] != "1.4" else "Can't tell"
    write_sheet(sheet, rows, list(rows[0]))
    code, output = review("-C", str(ws), "appraise", "import", str(sheet))
    assert code == 0, output
    assert "7 answered" in output and "7 judgements recorded" in output  # JM's own design was already recorded
    report = next(r for r in table(ws)["reports"] if r["report"] == 24)
    assert report["status"] == "appraised" and report["criteria_met"] == 4 and report["criteria_rated"] == 5
    assert report["answers"]["1.4"]["answer"] == "cant-tell"


BAD = [
    ("unknown report", [row(999, "S1", "yes")], "2: report: 999 is not an included report"),
    ("unknown item", [row(24, "1.9", "yes")], "2: item: mmat-2018 has no question '1.9'"),
    ("answer outside the set", [row(24, "1.1", "maybe")], "2: answer: 'maybe' is not an answer of mmat-2018"),
    ("unknown category", [row(24, "1.1", "yes", category="6")], "2: category: mmat-2018 has no category '6'"),
    ("2011 version", [row(24, "1.1", "yes", instrument="MMAT 2011")], "2: instrument: 'MMAT 2011' is MMAT version 2011"),
    ("2011 item", [row(24, "Is there low withdrawal/drop-out (below 20%)?", "yes", category="2")],
     "2: item: 'Is there low withdrawal/drop-out (below 20%)?' is a question of MMAT 2011"),
    ("answered twice", [row(24, "1.1", "yes"), row(24, "1.1", "no")], "3: item: 1.1 of report 24 is answered twice by SA (line 2)"),
    ("criterion of another category", [row(24, "2.1", "yes")], "2: item: 2.1 category 1 is rated on its own criteria only"),
    ("not-applicable without reason", [row(24, "", "", category="not-applicable")],
     "2: comment: report 24 is not-applicable: say why"),
    ("answers on not-applicable", [row(24, "", "", category="n/a", comment="a programme description"),
                                   row(24, "S1", "yes", category="n/a")], "3: answer: report 24 is not-applicable"),
    ("unknown reviewer", [row(24, "S1", "yes", reviewer="ZZ")], "2: reviewer: unknown reviewer 'ZZ'"),
    ("two designs", [row(24, "1.1", "yes"), row(24, "1.2", "yes", category="3")], "3: category: report 24 (SA) is given category 1"),
    ("two quantitative categories", [row(4, "2.1", "yes", category="5"), row(4, "3.1", "yes", category="5")],
     "one quantitative category, not 2 and 3"),
]


@pytest.mark.parametrize("rows,message", [(r, m) for _, r, m in BAD], ids=[n for n, _, _ in BAD])
def test_bad_sheets_exit_2_with_file_line_column_and_change_nothing(ws: Path, tmp_path: Path, rows: list[dict],
                                                                    message: str) -> None:
    sheet = write_sheet(tmp_path / "bad.csv", rows)
    before = counts(ws)
    code, output = review("-C", str(ws), "appraise", "import", str(sheet))
    assert code == 2, output
    assert f"Error: {sheet}:" in output and message in output
    assert counts(ws) == before


def test_missing_column_is_refused(ws: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "bad.csv", [row(24, "1.1", "yes")], [c for c in COLUMNS if c != "answer"])
    code, output = review("-C", str(ws), "appraise", "import", str(sheet))
    assert code == 2
    assert f"{sheet}:1: answer: missing column(s) answer" in output


# -- recording, disagreements, agreement ----------------------------------------------


def test_conflicts_resolve_and_agreement(ws: Path, tmp_path: Path) -> None:
    answers = {"JM": ["yes", "yes", "yes", "no", "yes", "cant-tell", "yes"],
               "SA": ["yes", "no", "yes", "no", "yes", "yes", "yes"]}
    items = ["S1", "S2", "1.1", "1.2", "1.3", "1.4", "1.5"]
    rows = [row(24, i, a, reviewer=name) for name, given in answers.items() for i, a in zip(items, given, strict=True)]
    code, output = review("-C", str(ws), "appraise", "import", str(write_sheet(tmp_path / "two.csv", rows)))
    assert code == 0, output
    code, output = review("-C", str(ws), "appraise", "conflicts", "--json")
    found = json.loads(output)
    assert [(c["report"], c["item"], c["answers"]) for c in found] == [
        (24, "S2", {"JM": "yes", "SA": "no"}), (24, "1.4", {"JM": "cant-tell", "SA": "yes"})]
    report = next(r for r in table(ws)["reports"] if r["report"] == 24)
    assert report["status"] == "conflict" and report["answers"]["S2"]["answer"] == "conflict"
    code, output = review("-C", str(ws), "appraise", "agreement", "--json")
    pair = json.loads(output)["pairs"][0]
    assert (pair["items"], pair["agreed"], pair["percent"]) == (7, 5, 71.4)
    assert pair["kappa"] == pytest.approx(0.364, abs=0.001)  # sklearn's cohen_kappa_score on these 7 pairs
    assert "Cohen's kappa 0.36" in review("-C", str(ws), "appraise", "agreement")[1]
    assert review("-C", str(ws), "appraise", "resolve", "24", "S2", "no", "--reviewer", "JM")[0] == 0
    code, output = review("-C", str(ws), "appraise", "resolve", "24", "1.4", "yes", "--reviewer", "JM")
    assert code == 0, output
    assert review("-C", str(ws), "appraise", "conflicts")[1].startswith("No disagreements")
    report = next(r for r in table(ws)["reports"] if r["report"] == 24)
    assert report["status"] == "appraised" and report["screening_flag"] is True  # S2 agreed "no"
    assert report["answers"]["1.4"] == {"answer": "yes", "comment": None, "reviewers": {"JM": "cant-tell", "SA": "yes"},
                                        "resolved_by": "JM"}
    assert "\u2691 screening" in review("-C", str(ws), "appraise", "table")[1]


def test_record_checks_the_design(ws: Path) -> None:
    before = counts(ws)
    code, output = review("-C", str(ws), "appraise", "record", "24", "1.1", "yes", "--reviewer", "SA")
    assert code == 2 and "report 24: record its design category first" in output
    code, output = review("-C", str(ws), "appraise", "record", "3", "category", "not-applicable", "--reviewer", "SA")
    assert code == 2 and "--comment: not-applicable needs a reason" in output
    code, output = review("-C", str(ws), "appraise", "record", "999", "S1", "yes", "--reviewer", "SA")
    assert code == 2 and "report 999 is not an included report" in output
    code, output = review("-C", str(ws), "appraise", "record", "24", "S1", "yes", "--reviewer", "Nobody")
    assert code == 2 and "unknown reviewer 'Nobody'" in output
    assert counts(ws) == before
    code, output = review("-C", str(ws), "appraise", "record", "24", "S1", "yes", "--reviewer", "SA")
    assert code == 0 and "recorded" in output
    assert counts(ws) == (before[0] + 1, before[1] + 1)  # the answer and its audit-trail event
    code, output = review("-C", str(ws), "appraise", "record", "24", "S1", "Yes", "--reviewer", "SA")
    assert "unchanged" in output and counts(ws) == (before[0] + 1, before[1] + 1)
    store = Store.open(f"sqlite:///{ws / 'review.db'}")
    try:
        with store.read() as conn:
            event = conn.execute(select(schema.events).order_by(schema.events.c.id.desc())).first()
    finally:
        store.close()
    assert (event.action, event.entity_id) == ("appraise", "24") and json.loads(event.detail)["answer"] == "yes"


def test_walk_is_blinded_resumable_and_saves_each_answer(ws: Path) -> None:
    assert review("-C", str(ws), "appraise", "record", "24", "S1", "no", "--reviewer", "JM")[0] == 0
    code, output = review("-C", str(ws), "appraise", "24", "--reviewer", "SA", input="1\ny\nm\nsmall sample\nn\nq\n")
    assert code == 0, output
    assert "Is the qualitative approach appropriate" not in output.split("S2.")[0]  # design asked first
    assert "Are there clear research questions?" in output and "(your answer" not in output
    assert "JM" not in output  # the other reviewer's answers are hidden
    assert "2 of 7 questions answered; still open: 1.1, 1.2, 1.3, 1.4, 1.5" in output
    code, output = review("-C", str(ws), "appraise", "--reviewer", "SA", "24", input="c\nq\n")
    assert "Design: Qualitative (1); 2 of 7 questions answered already." in output  # the name, not only the id
    assert output.index("1.1. Is the qualitative approach") < output.index("[y]es")
    report = next(r for r in table(ws)["reports"] if r["report"] == 24)
    assert report["answers"]["S2"]["comment"] == "small sample" and report["answers"]["1.1"]["answer"] == "cant-tell"
    assert report["answers"]["S1"]["answer"] == "conflict"


# -- robvis -----------------------------------------------------------------------------


def test_robvis_layout_in_and_out(ws: Path, tmp_path: Path) -> None:
    code, output = review("-C", str(ws), "appraise", "robvis-import", str(DATA / "robvis_rct.csv"),
                          "--category", "2", "--reviewer", "JM")
    assert code == 0, output
    reports = {r["report"]: r for r in table(ws)["reports"]}
    assert {i: reports[5]["answers"][i]["answer"] for i in ("2.1", "2.2", "2.3", "2.5")} == {
        "2.1": "yes", "2.2": "cant-tell", "2.3": "no", "2.5": "yes"}
    assert "2.4" not in reports[5]["answers"]  # No information: not rated
    assert reports[1]["answers"]["2.3"]["answer"] == "no"
    out = tmp_path / "robvis.csv"
    code, output = review("-C", str(ws), "appraise", "robvis-export", "--output", str(out), "--category", "2")
    assert code == 0, output
    with out.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Study", "Clear.research.questions", "Data.address.the.questions", "Randomization.appropriate",
                        "Groups.comparable.at.baseline", "Complete.outcome.data", "Outcome.assessors.blinded",
                        "Participants.adhered", "Weight"]
    field = next(line for line in lines if line[0] == "Field et al. (2013) [5]")
    assert field[1:] == ["No information", "No information", "Low", "Some concerns", "High", "No information", "Low",
                         "1"]
    before = counts(ws)
    code, output = review("-C", str(ws), "appraise", "robvis-import", str(out), "--reviewer", "JM")
    assert code == 0, output
    assert counts(ws) == before


def test_robvis_ambiguous_study_is_refused(ws: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text("Study,D1,D2,D3,D4,D5,Overall\nField et al. (2013),Low,Low,Low,Low,Low,Low\n", encoding="utf-8")
    code, output = review("-C", str(ws), "appraise", "robvis-import", str(sheet), "--category", "2", "--reviewer", "JM")
    assert code == 2 and f"{sheet}:2: Study: 'Field et al. (2013)' is not an included report" in output


def test_plot_command_writes_both_plots(ws: Path, tmp_path: Path) -> None:
    code, output = review("-C", str(ws), "appraise", "plot", "--format", "svg", "--out", str(tmp_path / "f"))
    assert code == 0, output
    svg = (tmp_path / "f" / "plot-mmat-traffic-light.svg").read_text(encoding="utf-8")
    assert "Anderson (2013)" in svg and "Not appraisable with this instrument" in svg
    assert (tmp_path / "f" / "plot-mmat-summary.svg").is_file()


def test_dual_appraisal_status_and_workspace_instrument(ws: Path, tmp_path: Path) -> None:
    config = ws / "review.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[appraisal]\nreviewers_per_report = 2\n',
                      encoding="utf-8")
    rows = [row(24, i, "yes", reviewer="SA") for i in ("S1", "S2", "1.1", "1.2", "1.3", "1.4", "1.5")]
    assert review("-C", str(ws), "appraise", "import", str(write_sheet(tmp_path / "sa.csv", rows)))[0] == 0
    report = next(r for r in table(ws)["reports"] if r["report"] == 24)
    assert report["status"] == "partial" and report["answers"]["S1"]["answer"] is None  # awaiting JM
    rows = [row(24, i, "yes", reviewer="JM") for i in ("S1", "S2", "1.1", "1.2", "1.3", "1.4", "1.5")]
    assert review("-C", str(ws), "appraise", "import", str(write_sheet(tmp_path / "jm.csv", rows)))[0] == 0
    report = next(r for r in table(ws)["reports"] if r["report"] == 24)
    assert report["status"] == "appraised" and report["criteria_met"] == 5
    code, output = review("-C", str(ws), "status", "--json")
    counts = json.loads(output)["stages"]["appraisal"]
    assert (counts["included reports"], counts["appraised"], counts["not applicable"]) == (29, 1, 4)
    # a workspace instrument, chosen in review.toml
    folder = ws / "protocols" / "appraisal"
    folder.mkdir()
    shutil.copy(DATA / "custom_instrument.yaml", folder / "casp.yaml")
    config.write_text(config.read_text(encoding="utf-8").replace("reviewers_per_report = 2",
                                                                 'instrument = "casp-lite"'), encoding="utf-8")
    rows = [row(1, "A1", "no", category="A", instrument="casp-lite", reviewer="JM")]
    code, output = review("-C", str(ws), "appraise", "import", str(write_sheet(tmp_path / "c.csv", rows)))
    assert code == 2 and f"{tmp_path / 'c.csv'}:2: instrument: report 1 is already appraised with mmat-2018" in output
    data = table(ws)
    assert data["instrument"]["id"] == "casp-lite" and [c["id"] for c in data["categories"]] == ["A", "B"]
