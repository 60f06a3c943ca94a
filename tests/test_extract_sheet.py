"""`review extract import/export/add/check/list/delete` on a workspace with three included
reports: a Markdown full text, a PDF, and one without a full text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from extraction_support import extraction_workspace
from sqlalchemy import func, select

from review.extraction import current_fragments, is_partial
from review.extraction.tables import fragments
from review.store import schema

HEADER = ("fragment_id,report,quote,location,context,mechanism_resource,mechanism_reasoning,outcome,"
          "theories,relevance,rigour,coder,verified,evidence,text,relevance_note,rigour_note,note")


@pytest.fixture
def ids(workspace):
    return extraction_workspace(workspace)


def sheet(tmp_path: Path, rows: list[list[str]], name: str = "fragments.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        writer.writerows(rows)
    return path


def row(report: int, quote: str, **cells: str) -> list[str]:
    values = dict.fromkeys(HEADER.split(","), "")
    values.update(report=str(report), quote=quote, coder="alice", **cells)
    return list(values.values())


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def state(workspace) -> tuple[int, int, list]:
    with workspace.store().read() as conn:
        count = conn.execute(select(func.count()).select_from(fragments)).scalar_one()
        events = conn.execute(select(func.count()).select_from(schema.events)).scalar_one()
        items = [f.to_dict() for f in current_fragments(conn)]
    return count, events, items


def good_rows(ids) -> list[list[str]]:
    return [
        row(ids["md"], "so I could finally be honest about how bad it was", location="Findings, para 1",
            context="Mothers with postnatal depression", mechanism_resource="A group of peers",
            mechanism_reasoning="Does not have to pretend", outcome="Speaks openly",
            theories="T1;N2:refutes", relevance="High", rigour="moderate", relevance_note="direct quote"),
        row(ids["pdf"], "felt less alone after the peer supporters visited them", location="p. 2",
            outcome="Less isolated", theories="P14:refines"),
        row(ids["none"], "A quote from a report we could not retrieve.", note="from the abstract"),
        row(ids["md"], "mothers valued peer supporters who had lived experience", text="texts/synthesis.md",
            mechanism_resource="Lived experience", theories="T2"),
    ]


def test_import_verifies_quotes_and_stores_offsets_pages_and_links(cli, workspace, ids, tmp_path) -> None:
    result = cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    assert result.exit_code == 0, result.output
    assert "4 new" in result.output and "1 not verified" in result.output
    _, _, items = state(workspace)
    md, pdf, none, secondary = items
    text = (workspace.root / "texts" / "report-anderson.md").read_text(encoding="utf-8")
    assert md["verified"] == "yes" and text[md["char_start"]:md["char_end"]].startswith("so I could finally be hon-\nest")
    assert md["relevance"] == "high" and md["theories"] == [{"theory": "T1", "direction": "supports"},
                                                            {"theory": "N2", "direction": "refutes"}]
    assert md["partial"] is False and len(md["text_sha256"]) == 64 and md["evidence"] == "primary"
    assert pdf["verified"] == "yes" and pdf["page"] == 2 and pdf["partial"] is True
    assert none["verified"] == "no-text" and none["text_path"] is None
    assert secondary["evidence"] == "secondary" and secondary["text_path"] == "texts/synthesis.md"
    assert secondary["verified"] == "yes" and secondary["work_id"] == ids["md"]


def test_csv_and_xlsx_round_trips_change_nothing(cli, workspace, ids, tmp_path) -> None:
    assert cli("extract", "import", str(sheet(tmp_path, good_rows(ids)))).exit_code == 0
    before = state(workspace)
    for name in ("out.csv", "out.xlsx"):
        out = tmp_path / name
        assert cli("extract", "export", "--output", str(out)).exit_code == 0
        result = cli("extract", "import", str(out))
        assert result.exit_code == 0, result.output
        assert "0 new, 0 changed, 4 unchanged" in result.output
        assert state(workspace) == before
    rows = read(tmp_path / "out.csv")
    assert list(rows[0])[:18] == HEADER.split(",")
    assert rows[0]["theories"] == "T1:supports;N2:refutes" and rows[0]["verified"] == "yes"
    assert rows[3]["text"] == "texts/synthesis.md" and rows[0]["text"] == ""
    # The original sheet (no ids) again: the same fragments, nothing new.
    assert "4 unchanged" in cli("extract", "import", str(sheet(tmp_path, good_rows(ids), "again.csv"))).output
    assert state(workspace) == before


def test_a_changed_row_updates_its_fragment_and_the_audit_trail_keeps_the_old_value(cli, workspace, ids,
                                                                                     tmp_path) -> None:
    cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    out = tmp_path / "out.csv"
    cli("extract", "export", "--output", str(out))
    rows = read(out)
    rows[1]["theories"] = "P14:supports"
    rows[1]["rigour"] = "low"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = cli("extract", "import", str(out))
    assert "1 changed" in result.output
    with workspace.store().read() as conn:
        event = conn.execute(select(schema.events).where(schema.events.c.action == "fragment.update")).one()
    detail = json.loads(event.detail)["changes"]
    assert detail["rigour"] == {"from": None, "to": "low"}
    assert detail["theories"]["from"] == [["P14", "refines"]]


@pytest.mark.parametrize("cells,column,message", [
    ({"report": "999"}, "report", "unknown report 999"),
    ({"report": ""}, "report", "empty"),
    ({"quote": "  "}, "quote", "empty"),
    ({"quote": "Mothers hated the group"}, "quote", "not found in texts/report-anderson.md"),
    ({"theories": "T9"}, "theories", "unknown theory 'T9'"),
    ({"theories": "T1:contradicts"}, "theories", "unknown direction 'contradicts'"),
    ({"theories": "T1;T1:refutes"}, "theories", "theory 'T1' is named twice"),
    ({"relevance": "very high"}, "relevance", "expected one of high, moderate, low"),
    ({"rigour": "medium"}, "rigour", "expected one of high, moderate, low"),
    ({"evidence": "tertiary"}, "evidence", "expected one of primary, secondary"),
    ({"text": "texts/missing.md"}, "text", "file not found"),
    ({"fragment_id": "77"}, "fragment_id", "no fragment 77"),
    ({"fragment_id": "x1"}, "fragment_id", "expected a fragment number"),
])
def test_bad_rows_are_refused_with_file_line_column_and_nothing_is_written(cli, workspace, ids, tmp_path,
                                                                           cells, column, message) -> None:
    good = good_rows(ids)
    bad = row(ids["md"], "so I could finally be honest")
    header = HEADER.split(",")
    for key, value in cells.items():
        bad[header.index(key)] = value
    path = sheet(tmp_path, [good[0], bad])
    before = state(workspace)
    result = cli("extract", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:3: {column}: {message}" in result.output
    assert state(workspace) == before


def test_every_bad_row_is_listed_and_a_missing_column_is_named(cli, workspace, ids, tmp_path) -> None:
    path = sheet(tmp_path, [row(ids["md"], "nowhere in the text"), row(999, "x")])
    result = cli("extract", "import", str(path))
    assert result.exit_code == 2 and "(and 1 more problem(s))" in result.output
    assert f"{path}:3: report: unknown report 999" in result.output
    bare = tmp_path / "bare.csv"
    bare.write_text("report,coder\n1,alice\n", encoding="utf-8")
    result = cli("extract", "import", str(bare))
    assert result.exit_code == 2 and f"{bare}:1: missing column(s) quote" in result.output


def test_duplicate_rows_in_one_sheet_are_refused(cli, ids, tmp_path) -> None:
    first = good_rows(ids)[0]
    result = cli("extract", "import", str(sheet(tmp_path, [first, first])))
    assert result.exit_code == 2 and ":3: quote: the same report, quote, location and coder as line 2" in result.output


def test_allow_unverified_keeps_the_quote_as_verified_no_and_reimports_without_the_flag(cli, workspace, ids,
                                                                                        tmp_path) -> None:
    path = sheet(tmp_path, [row(ids["md"], "Words the report never says")])
    assert cli("extract", "import", str(path)).exit_code == 2
    result = cli("extract", "import", str(path), "--allow-unverified")
    assert result.exit_code == 0 and "1 not verified" in result.output
    (item,) = state(workspace)[2]
    assert item["verified"] == "no" and item["char_start"] is None and item["text_path"] == "texts/report-anderson.md"
    out = tmp_path / "out.csv"
    cli("extract", "export", "--output", str(out))
    assert "1 unchanged" in cli("extract", "import", str(out)).output


def test_add_records_one_fragment_and_is_idempotent(cli, workspace, ids) -> None:
    args = ("extract", "add", "--report", str(ids["md"]), "--quote", "the group's emphasis on staying positive",
            "--context", "Group support", "--reasoning", "Feels silenced", "--outcome", "Hides her struggle",
            "--theory", "N2", "--theory", "T1:refutes", "--relevance", "moderate", "--coder", "bob")
    result = cli(*args)
    assert result.exit_code == 0 and "created (quote found in texts/report-anderson.md at " in result.output
    assert "unchanged" in cli(*args).output
    item = state(workspace)[2][0]
    assert item["coder"] == "bob" and item["verified"] == "yes"
    assert [t["direction"] for t in item["theories"]] == ["supports", "refutes"]
    unverified = cli("extract", "add", "--report", str(ids["none"]), "--quote", "no text to check", "--coder", "bob")
    assert "(no full text to check the quote against)" in unverified.output
    bad = cli("extract", "add", "--report", str(ids["md"]), "--quote", "never said", "--coder", "bob")
    assert bad.exit_code == 2 and "quote: not found in texts/report-anderson.md" in bad.output
    bad = cli("extract", "add", "--report", "4242", "--quote", "x")
    assert bad.exit_code == 2 and "report: unknown report 4242" in bad.output


def test_delete_keeps_the_row_and_check_reports_moved_and_vanished(cli, workspace, ids, tmp_path) -> None:
    cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    assert "Deleted 1 fragment(s): 3" in cli("extract", "delete", "3", "--reason", "not useful").output
    assert len(state(workspace)[2]) == 3 and state(workspace)[0] == 4
    assert "Deleted 0 fragment(s)" in cli("extract", "delete", "3").output
    unknown = cli("extract", "delete", "99")
    assert unknown.exit_code == 2 and "fragment_id: no fragment 99" in unknown.output
    report = workspace.root / "texts" / "report-anderson.md"
    text = report.read_text(encoding="utf-8")
    report.write_text("A new first paragraph.\n\n" + text.replace("lived experience", "experience"), encoding="utf-8")
    (workspace.root / "texts" / "synthesis.md").write_text("Nothing quoted here any more.\n", encoding="utf-8")
    dry = json.loads(cli("extract", "check", "--dry-run", "--json").output)
    assert [m["fragment_id"] for m in dry["moved"]] == [1]
    assert [v["fragment_id"] for v in dry["vanished"]] == [4]
    assert state(workspace)[2][0]["char_start"] == dry["moved"][0]["before"][0]
    result = cli("extract", "check")
    assert result.exit_code == 0 and "1 moved, 1 vanished" in result.output
    md, _, secondary = state(workspace)[2]
    assert md["char_start"] == dry["moved"][0]["before"][0] + len("A new first paragraph.\n\n")
    assert secondary["verified"] == "no"
    assert "0 moved, 0 vanished" in cli("extract", "check").output


def test_list_shows_citation_partial_and_mmat_profile(cli, workspace, ids, tmp_path) -> None:
    cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    # a real MMAT appraisal of the Markdown report: qualitative, four of its five criteria met
    answers = [("S1", "yes"), ("S2", "yes"), ("category", "1"),
               ("1.1", "yes"), ("1.2", "yes"), ("1.3", "yes"), ("1.4", "yes"), ("1.5", "no")]
    for item, answer in answers:
        recorded = cli("appraise", "record", str(ids["md"]), item, answer, "--reviewer", "alice")
        assert recorded.exit_code == 0, recorded.output
    result = cli("extract", "list")
    assert result.exit_code == 0
    assert "[MMAT: Qualitative: 4/5 criteria met (appraised)]" in result.output
    assert "partial" in result.output
    data = json.loads(cli("extract", "list", "--report", str(ids["md"]), "--json").output)
    assert data["reports"][0]["mmat"]["criteria_met"] == 4 and len(data["reports"][0]["fragments"]) == 2
    assert is_partial(current_fragments_first(workspace)) is False


def current_fragments_first(workspace):
    with workspace.store().read() as conn:
        return current_fragments(conn)[0]


def test_run_step_loads_extraction_fragments_csv_once(workspace, ids, tmp_path) -> None:
    from review.extraction.pipeline_step import run_step

    skipped = run_step(workspace, actor="tester")
    assert skipped.status == "skipped" and "extraction/fragments.csv" in skipped.summary
    sheet(workspace.root / "extraction", good_rows(ids))
    assert "4 new" in run_step(workspace, actor="tester").summary
    before = state(workspace)
    assert "0 new, 0 changed" in run_step(workspace, actor="tester").summary
    assert state(workspace) == before


def test_status_counts_fragments_and_points_at_unverified_quotes(cli, workspace, ids, tmp_path) -> None:
    cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    counts = json.loads(cli("status", "--json").output)["stages"]["extraction"]
    assert counts == {"fragments": 4, "reports": 3, "coders": 1, "partial": 3, "linked to theories": 3,
                      "verified": 3, "unverified": 0, "without a full text": 1}
    cli("extract", "import", str(sheet(tmp_path, [row(ids["md"], "Not in the text")], "more.csv")),
        "--allow-unverified")
    from review.extraction.summary import status_summary

    with workspace.store().read() as conn:
        summary = status_summary(conn)
    assert summary["counts"]["unverified"] == 1 and "review extract check" in summary["next"]


def test_a_repeated_passage_keeps_the_occurrence_the_sheet_points_at(cli, workspace, ids, tmp_path) -> None:
    text = "Mothers felt heard. Then the group ended.\n\nLater: Mothers felt heard. Nobody phoned.\n"
    (workspace.root / "texts" / "twice.md").write_text(text, encoding="utf-8")
    second = text.index("Mothers felt heard", 10)
    header = HEADER.split(",") + ["char_start"]
    path = tmp_path / "twice.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(row(ids["md"], "Mothers felt heard.", text="texts/twice.md") + [str(second + 2)])
    assert cli("extract", "import", str(path)).exit_code == 0
    (item,) = state(workspace)[2]
    assert item["char_start"] == second
    out = tmp_path / "out.csv"
    cli("extract", "export", "--output", str(out))
    assert "1 unchanged" in cli("extract", "import", str(out)).output
    assert "0 moved" in cli("extract", "check").output and state(workspace)[2][0]["char_start"] == second


def test_xlsx_rows_are_named_by_row_number_and_a_missing_file_is_refused(cli, workspace, ids, tmp_path) -> None:
    from openpyxl import load_workbook

    cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    out = tmp_path / "out.xlsx"
    cli("extract", "export", "--output", str(out))
    book = load_workbook(out)
    ws = book["fragments"]
    column = [c.value for c in ws[1]].index("relevance") + 1
    ws.cell(row=3, column=column, value="essential")
    book.save(out)
    before = state(workspace)
    result = cli("extract", "import", str(out))
    assert result.exit_code == 2 and f"{out}:3: relevance: expected one of high, moderate, low, got 'essential'" \
        in result.output
    assert state(workspace) == before
    missing = cli("extract", "import", str(tmp_path / "nowhere.csv"))
    assert missing.exit_code == 2 and "nowhere.csv: file not found" in missing.output


def test_export_of_one_report_and_of_an_unknown_one(cli, ids, tmp_path) -> None:
    cli("extract", "import", str(sheet(tmp_path, good_rows(ids))))
    out = tmp_path / "one.csv"
    assert "Wrote 2 fragment(s)" in cli("extract", "export", "--report", str(ids["md"]), "--output", str(out)).output
    assert {r["report"] for r in read(out)} == {str(ids["md"])}
    bad = cli("extract", "export", "--report", "999", "--output", str(out))
    assert bad.exit_code == 2 and "report 999 is not an included report" in bad.output
