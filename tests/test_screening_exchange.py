"""Screening decisions in and out: our CSV (round trip), Rayyan, Covidence; matching; all or nothing."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from screening_support import retrieve
from sqlalchemy import func, insert, select, update

from review.corpus import import_files
from review.errors import InputError
from review.screening.criteria import load_criteria
from review.screening.decisions import current_decisions, record_decision, resolve, work_status
from review.screening.exchange import ExchangeError, export_decisions, import_decisions
from review.screening.exchange_formats import parse_rayyan_notes, read_rows
from review.screening.tables import screening_decisions
from review.store import now, schema
from review.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "screening_exchange"
RAYYAN = DATA / "rayyan_articles.csv"
COVIDENCE = {name: next(DATA.glob(f"review_98765_{name}_csv_*.csv"))
             for name in ("irrelevant", "select", "included", "excluded")}
CRITERIA = load_criteria(DATA / "criteria.yaml")


def setup_workspace(ws: Workspace) -> dict[str, int]:
    """Sample records, one work each, and the Table 1 criteria; returns RIS ID -> work id."""
    shutil.copy(DATA / "criteria.yaml", ws.path("protocols", "criteria.yaml"))
    store = ws.store()
    import_files(store, [DATA / "records.ris"], actor="tester", source="sample")
    found: dict[str, int] = {}
    with store.transaction() as conn:
        r = schema.records
        for row in conn.execute(select(r).order_by(r.c.id)).mappings().all():
            work_id = conn.execute(insert(schema.works).values(
                canonical_record_id=row["id"], rule="single", created_at=now(), updated_at=now(),
                **{c: row[c] for c in schema.BIB_COLUMNS})).inserted_primary_key[0]
            conn.execute(update(r).where(r.c.id == row["id"]).values(work_id=work_id))
            found[row["source_ref"]] = work_id
    return found


@pytest.fixture
def works(workspace) -> dict[str, int]:
    return setup_workspace(workspace)


def load(ws: Workspace, path: Path, **options):
    options.setdefault("stage", "title-abstract")
    options.setdefault("reviewer", "alice")
    return import_decisions(ws.store(), path, criteria=CRITERIA, actor="tester", **options)


def table(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def count(ws: Workspace) -> int:
    with ws.store().read() as conn:
        return conn.execute(select(func.count()).select_from(screening_decisions)).scalar_one()


def mine(ws: Workspace, stage: str, reviewer: str) -> dict[int, tuple]:
    with ws.store().read() as conn:
        return {d.work_id: (d.decision, d.reason, d.note) for d in current_decisions(conn, stage)
                if d.reviewer == reviewer and d.kind == "decision"}


# -- Rayyan -------------------------------------------------------------------------------


def test_rayyan_import_matches_maps_reasons_and_is_idempotent(workspace, works) -> None:
    report = load(workspace, RAYYAN, from_reviewer="Alice", reason_map={"wrong intervention": "E-INT-6"})
    assert (report.format, report.rows, report.recorded, report.unchanged) == ("rayyan", 6, 5, 0)
    assert report.skipped == {"records without a decision by Alice": 1}
    got = mine(workspace, "title-abstract", "alice")
    assert got == {
        works["R1"]: ("include", None, "Rayyan labels: qualitative, volunteers"),
        works["R2"]: ("maybe", None, "check whether peers were trained"),
        works["R3"]: ("exclude", "E-TYPE-1", None),  # "Review article": the criterion's text
        works["rayyan-100004"]: ("exclude", "E-INT-6", None),  # by --reason-map
        works["R6"]: ("include", None, "grey literature: third sector report"),  # curly apostrophe
    }
    before = count(workspace)
    again = load(workspace, RAYYAN, from_reviewer="Alice", reason_map={"wrong intervention": "E-INT-6"})
    assert (again.recorded, again.unchanged) == (0, 5) and count(workspace) == before


def test_rayyan_unmapped_reason_is_an_error_or_other(workspace, works) -> None:
    with pytest.raises(ExchangeError) as caught:
        load(workspace, RAYYAN, from_reviewer="Alice")
    assert str(caught.value).startswith(f"{RAYYAN}:5: unmapped exclusion reason 'wrong intervention'")
    assert "--reason-map 'wrong intervention=CRITERION_ID'" in str(caught.value)
    assert count(workspace) == 0  # all or nothing: the four good rows were not written
    load(workspace, RAYYAN, from_reviewer="Alice", unmapped_reasons="other")
    assert mine(workspace, "title-abstract", "alice")[works["rayyan-100004"]] == (
        "exclude", "other", "Reason given: wrong intervention")


def test_rayyan_reviewer_choice(workspace, works) -> None:
    with pytest.raises(InputError, match="the file has decisions by Alice, Bob; say whose"):
        load(workspace, RAYYAN)
    with pytest.raises(InputError, match=r"no decisions by 'Carol' in the file \(it has: Alice, Bob\)"):
        load(workspace, RAYYAN, from_reviewer="Carol")
    report = load(workspace, RAYYAN, reviewer="Bob", reason_map={"wrong intervention": "E-INT-6"})
    assert report.from_reviewer == "Bob" and report.recorded == 6
    assert mine(workspace, "title-abstract", "Bob")[works["rayyan-100004"]] == ("maybe", None, None)


def test_rayyan_notes_parser() -> None:
    info = parse_rayyan_notes(
        '<p>RAYYAN-INCLUSION: {"Ann"=>"Maybe"}</p> RAYYAN-INCLUSION: {"Ann"=>"Excluded", "Bo"=>"Included"} '
        '| RAYYAN-LABELS: ML,__EXR__wrong setting | RAYYAN-EXCLUSION-REASONS: wrong population,foreign language '
        '| USER-NOTES: {"Ann"=>["see \\"methods\\"", "later"]}')
    assert info.decisions == {"Ann": "Excluded", "Bo": "Included"}
    assert info.labels == ["ML"]
    assert info.reasons == ["wrong population", "foreign language", "wrong setting"]
    assert info.user_notes == {"Ann": ['see "methods"', "later"]}


def test_real_rayyan_and_covidence_exports_are_read(shared_data: Path) -> None:
    folder = shared_data / "exports" / "citation-file-formatting" / "CSV"
    parsed = read_rows(folder / "_baseline_rayyan.csv", fmt="auto", stage="title-abstract", reviewer="x")
    assert parsed.format == "rayyan" and parsed.from_reviewer == "Emily"
    decisions = [row.decision for row in parsed.rows]
    assert decisions.count("include") == 2 and decisions.count("maybe") == 2
    assert decisions.count("exclude") == 2 and decisions.count(None) == 4
    assert parsed.rows[0].refs == ["rayyan-42924189"] and "10.1038/s41467-024-48400-3" in parsed.rows[0].doi
    covidence = read_rows(folder / "_baseline_covidence.csv", fmt="auto", stage="title-abstract",
                          reviewer="x", covidence_list="select")
    assert covidence.format == "covidence" and len(covidence.rows) == 10
    assert {row.decision for row in covidence.rows} == {"include"}


# -- Covidence ----------------------------------------------------------------------------


def test_covidence_lists_give_decisions_per_stage(workspace, works) -> None:
    for name in ("irrelevant", "select"):
        load(workspace, COVIDENCE[name], reviewer="team")
    with workspace.store().read() as conn:
        status = work_status(conn, "title-abstract", reviewers_per_work=1)
    assert status[works["R3"]] == status[works["rayyan-100004"]] == "exclude"
    assert status[works["R2"]] == "include" and status[works["R7"]] == "undecided"
    assert mine(workspace, "title-abstract", "team")[works["R2"]][2] == "Covidence tags: Awaiting classification"
    retrieve(workspace, [works["R1"], works["R5"], works["R2"], works["R6"]])
    load(workspace, COVIDENCE["included"], stage="full-text", reviewer="team")
    report = load(workspace, COVIDENCE["excluded"], stage="full-text", reviewer="team",
                  reason_map={"Wrong intervention": "E-INT-1"})
    assert report.recorded == 2
    full = mine(workspace, "full-text", "team")
    assert full[works["R1"]] == full[works["R5"]] == ("include", None, None)
    assert full[works["R2"]] == ("exclude", "E-INT-1", None)
    assert full[works["R6"]] == ("exclude", "E-INT-2", None)  # the criterion's text


def test_covidence_list_errors(workspace, works, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'irrelevant' list is Covidence's list of studies excluded at title-abstract"):
        load(workspace, COVIDENCE["irrelevant"], stage="full-text", reviewer="team")
    renamed = tmp_path / "covidence.csv"
    shutil.copy(COVIDENCE["select"], renamed)
    with pytest.raises(InputError, match="pass --covidence-list"):
        load(workspace, renamed, reviewer="team")
    # full text before title-abstract: stage out of order, with the row's line
    with pytest.raises(ExchangeError) as caught:
        load(workspace, COVIDENCE["included"], stage="full-text", reviewer="team")
    assert f"{COVIDENCE['included']}:2: work {works['R1']}: stage out of order" in str(caught.value)
    assert len(caught.value.problems) == 2 and count(workspace) == 0


# -- matching -----------------------------------------------------------------------------


def write_rayyan(tmp_path: Path, *rows: tuple[str, str, str]) -> Path:
    path = tmp_path / "articles.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "title", "authors", "journal", "notes", "doi"])
        for key, title, doi in rows:
            writer.writerow([key, title, "X, Y.", "J", 'RAYYAN-INCLUSION: {"Ann"=>"Included"}', doi])
    return path


def test_unmatched_ambiguous_and_conflicting_rows_are_reported_not_guessed(workspace, works, tmp_path: Path) -> None:
    path = write_rayyan(
        tmp_path,
        ("k1", "Peer support for postnatal depression: a qualitative study of volunteers", ""),
        ("k2", "Peer mentoring for fathers", "10.9999/none"),
        ("k3", "PEER SUPPORT GROUPS - an evaluation", ""),
        ("k4", "A systematic review of peer support in the perinatal period", "10.1000/pnd.2015.001"),
    )
    with pytest.raises(ExchangeError) as caught:
        load(workspace, path)
    messages = [str(p) for p in caught.value.problems]
    assert messages[0] == f"{path}:3: unmatched row: no work matches its record id, DOI, title"
    assert messages[1].startswith(f"{path}:4: unmatched row: ambiguous: title match works "
                                  f"{works['R7']}, {works['R8']}")
    assert messages[2].startswith(f"{path}:5: unmatched row: its identifiers point to different works")
    assert count(workspace) == 0
    report = load(workspace, path, skip_unmatched=True)
    assert report.recorded == 1 and [p.line for p in report.unmatched] == [3, 4, 5]


# -- ours: export and round trip ----------------------------------------------------------


def decide(ws: Workspace, works: dict[str, int]) -> None:
    with ws.store().transaction() as conn:
        for reviewer, ref, decision, reason, note in [
            ("alice", "R1", "include", None, None), ("bob", "R1", "include", None, "clear"),
            ("alice", "R3", "exclude", "E-TYPE-1", None), ("bob", "R3", "maybe", None, None),
            ("alice", "R4", "exclude", "other", "a forum, not peer support"),
            ("alice", "R5", "maybe", None, "setting, is it community?"),
        ]:
            record_decision(conn, work_id=works[ref if ref != "R4" else "rayyan-100004"], stage="title-abstract",
                            reviewer=reviewer, decision=decision, reason=reason, note=note, criteria=CRITERIA)
        resolve(conn, work_id=works["R3"], stage="title-abstract", decision="exclude", reason="E-TYPE-1",
                resolver="carol", criteria=CRITERIA)
        retrieve(ws, [works["R1"]], conn=conn)
        record_decision(conn, work_id=works["R1"], stage="full-text", reviewer="alice", decision="exclude",
                        reason="E-SET-1", criteria=CRITERIA)


def test_export_is_tidy_and_complete(workspace, works, tmp_path: Path) -> None:
    decide(workspace, works)
    out = tmp_path / "decisions.csv"
    assert export_decisions(workspace.store(), out, criteria=CRITERIA) == 8
    rows = table(out)
    assert list(rows[0]) == ["decision_id", "stage", "work_id", "reviewer", "kind", "decision", "reason",
                             "reason_text", "note", "origin", "created_at", "record_ids", "source_ids",
                             "title", "doi", "year"]
    resolution = next(r for r in rows if r["kind"] == "resolution")
    assert (resolution["reviewer"], resolution["reason"], resolution["reason_text"]) == (
        "carol", "E-TYPE-1", "Review article")
    full = [r for r in rows if r["stage"] == "full-text"]
    assert full[0]["reason_text"] == "Peer support offered as part of a mental health service"
    assert full[0]["source_ids"] == "R1" and full[0]["doi"] == "10.1000/pnd.2015.001"
    assert all(r["created_at"] and r["work_id"] and r["record_ids"] and r["title"] for r in rows)
    assert export_decisions(workspace.store(), out, stage="full-text") == 1


def test_round_trip_into_another_workspace(workspace, works, tmp_path: Path) -> None:
    decide(workspace, works)
    out = tmp_path / "decisions.csv"
    export_decisions(workspace.store(), out, criteria=CRITERIA)
    other = Workspace.create(tmp_path / "other")
    try:
        # An extra work first shifts the ids there: the file's work_id column names other
        # works, so rows must be matched by their DOI, record ids and titles instead.
        with other.store().transaction() as conn:
            conn.execute(insert(schema.works).values(title="Unrelated", created_at=now(), updated_at=now()))
        there = setup_workspace(other)
        assert there["R1"] != works["R1"]
        skipped = {}
        for who, stage in (("alice", "title-abstract"), ("bob", "title-abstract"), ("alice", "full-text")):
            if stage == "full-text":
                retrieve(other, [there["R1"]])
            report = import_decisions(other.store(), out, stage=stage, reviewer=who, criteria=CRITERIA)
            assert report.format == "ours"
            skipped[(who, stage)] = report.skipped
        again = tmp_path / "again.csv"
        export_decisions(other.store(), again, criteria=CRITERIA)
    finally:
        other.close()
    assert skipped[("bob", "title-abstract")] == {
        "other reviewers' decisions": 4, "decisions at full-text": 1,
        "resolutions (record them with review screen resolve)": 1}

    def key(rows):
        return sorted((r["stage"], r["title"], r["reviewer"], r["decision"], r["reason"], r["note"])
                      for r in rows if r["kind"] == "decision")
    original = table(out)
    back = table(again)
    assert key(back) == key(original) and len(key(back)) == 7
    assert {r["origin"] for r in back} == {"import:ours"}
    # importing into the workspace it came from changes nothing
    assert load(workspace, out).unchanged == 4 and count(workspace) == 8


def test_ours_bad_rows_all_listed(workspace, works, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "work_id,stage,reviewer,decision,reason,note,title\n"
        f"{works['R1']},title-abstract,alice,include,,,\n"
        f"{works['R2']},title-abstract,alice,perhaps,,,\n"
        f"{works['R3']},title-abstract,alice,exclude,E-NOPE,,\n"
        f"x1,title-abstract,alice,include,,,\n", encoding="utf-8")
    with pytest.raises(ExchangeError) as caught:
        load(workspace, path)
    assert [p.line for p in caught.value.problems] == [3, 5, 4]
    assert "decision: expected one of include, exclude, maybe, got 'perhaps'" in str(caught.value.problems[0])
    assert "unmapped exclusion reason 'E-NOPE'" in str(caught.value.problems[2])
    assert count(workspace) == 0


# -- CLI ------------------------------------------------------------------------------------


def test_cli_import_export(workspace, works, cli, tmp_path: Path) -> None:
    result = cli("screen", "import", str(RAYYAN), "--stage", "title-abstract", "--reviewer", "alice",
                 "--from-reviewer", "Alice", "--reason-map", "wrong intervention=E-INT-6")
    assert result.exit_code == 0, result.output
    assert "6 rows (rayyan); 5 decisions recorded for alice (as 'Alice' in the file)" in result.output
    assert "skipped 1: records without a decision by Alice" in result.output
    out = tmp_path / "out.csv"
    result = cli("screen", "export", "--output", str(out))
    assert result.exit_code == 0 and "Wrote 5 decisions" in result.output
    result = cli("screen", "export", "--stage", "title-abstract", "--output", "-")
    assert result.output.startswith("decision_id,stage,work_id") and result.output.count("\n") == 6


def test_cli_import_errors_exit_2_and_list_rows(workspace, works, cli, tmp_path: Path) -> None:
    result = cli("screen", "import", str(RAYYAN), "--stage", "title-abstract", "--reviewer", "alice",
                 "--from-reviewer", "Alice")
    assert result.exit_code == 2
    assert f"  {RAYYAN}:5: unmapped exclusion reason 'wrong intervention'" in result.output
    assert f"Error: {RAYYAN}: 1 row cannot be imported (listed above); nothing was written" in result.output
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("screen", "import", str(odd), "--stage", "title-abstract", "--reviewer", "alice")
    assert result.exit_code == 2 and "cannot tell the format from the header (a, b)" in result.output
    result = cli("screen", "import", str(RAYYAN), "--reviewer", "alice")
    assert result.exit_code == 2 and "--stage is needed" in result.output
    result = cli("screen", "import", str(RAYYAN), "--stage", "title-abstract", "--reviewer", "alice",
                 "--from-reviewer", "Alice", "--reason-map", "wrong intervention=I-INT-1")
    assert result.exit_code == 2 and "'I-INT-1' is not an exclusion reason" in result.output
    assert count(workspace) == 0


def test_a_file_of_another_reviewers_decisions_is_not_taken_as_mine_unasked(workspace, works, cli,
                                                                              tmp_path: Path) -> None:
    # JM and SA both screen this review; a file holding only JM's decisions, imported with
    # --reviewer SA, would make JM's judgements count twice as two independent reviewers.
    toml = workspace.path("review.toml")
    text = toml.read_text(encoding="utf-8")
    line = next(t for t in text.splitlines() if t.startswith("reviewers = "))
    toml.write_text(text.replace(line, 'reviewers = ["JM", "SA"]', 1), encoding="utf-8")
    path = tmp_path / "jm.csv"
    path.write_text("work_id,stage,reviewer,decision,reason,note,title\n"
                    f"{works['R1']},title-abstract,JM,include,,,\n", encoding="utf-8")
    refused = cli("screen", "import", str(path), "--stage", "title-abstract", "--reviewer", "SA")
    assert refused.exit_code == 2, refused.output
    assert (f"{path}: --from-reviewer: the file's decisions are by JM, another reviewer of this review, "
            "not SA; to record them as SA's anyway, pass --from-reviewer JM") in refused.output
    assert count(workspace) == 0
    asked = cli("screen", "import", str(path), "--stage", "title-abstract", "--reviewer", "SA",
                "--from-reviewer", "JM")
    assert asked.exit_code == 0 and "1 decision recorded for SA (as 'JM' in the file)" in asked.output
    # a name that is nobody's in this review (the reviewer's own name in Rayyan) is still taken
    other = tmp_path / "mine.csv"
    other.write_text(path.read_text(encoding="utf-8").replace("JM", "Jane M"), encoding="utf-8")
    taken = cli("screen", "import", str(other), "--stage", "title-abstract", "--reviewer", "JM")
    assert taken.exit_code == 0 and "recorded for JM (as 'Jane M' in the file)" in taken.output
