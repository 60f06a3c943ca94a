"""Full-text reports: sought / retrieved / not retrieved, eligibility, import, PRISMA counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from review.corpus import import_files
from review.errors import InputError, NotFound
from review.screening.decisions import record_decision
from review.screening.fulltext import (
    fulltext_counts,
    fulltext_reports,
    import_fulltext,
    mark_not_retrieved,
    mark_retrieved,
    mark_sought,
    report_states,
)
from review.store import now, schema

DATA = Path(__file__).resolve().parent / "data" / "screening_exchange"
BIB = list(schema.BIB_COLUMNS)


def make_works(workspace) -> dict[str, int]:
    """Import the sample records and make each its own work; returns source id -> work id."""
    store = workspace.store()
    import_files(store, [DATA / "records.ris"], actor="tester", source="sample")
    found: dict[str, int] = {}
    with store.transaction() as conn:
        r = schema.records
        for row in conn.execute(select(r).order_by(r.c.id)).mappings().all():
            values = {c: row[c] for c in BIB}
            work_id = conn.execute(insert(schema.works).values(
                canonical_record_id=row["id"], rule="single", created_at=now(), updated_at=now(), **values,
            )).inserted_primary_key[0]
            conn.execute(update(r).where(r.c.id == row["id"]).values(work_id=work_id))
            found[row["source_ref"]] = work_id
    return found


@pytest.fixture
def works(workspace) -> dict[str, int]:
    """Works R1..R8; at title-abstract R1, R2 included, R5 maybe, R3 excluded, others undecided."""
    ids = make_works(workspace)
    with workspace.store().transaction() as conn:
        for ref, decision in (("R1", "include"), ("R2", "include"), ("R5", "maybe"), ("R3", "exclude")):
            record_decision(conn, work_id=ids[ref], stage="title-abstract", reviewer="ana",
                            decision=decision, origin="cli")
    return ids


def rows(workspace) -> int:
    with workspace.store().read() as conn:
        return conn.execute(select(func.count()).select_from(fulltext_reports)).scalar_one()


def test_states_sought_retrieved_not_retrieved_and_counts(workspace, works, tmp_path: Path) -> None:
    store = workspace.store()
    pdf = workspace.path("reports", "hart2015.pdf")
    pdf.write_bytes(b"%PDF-1.4 hart")
    with store.read() as conn:
        assert [s.work_id for s in report_states(conn)] == [works["R1"], works["R2"], works["R5"]]
        assert fulltext_counts(conn)["pending"] == 3
    with store.transaction() as conn:
        assert mark_sought(conn, None, actor="tester") == [works["R1"], works["R2"], works["R5"]]
        assert mark_retrieved(conn, works["R1"], file=pdf, actor="tester", root=workspace.root)
        assert mark_not_retrieved(conn, works["R2"], reason="author  did not reply", actor="tester")
    with store.read() as conn:
        states = {s.work_id: s for s in report_states(conn)}
        assert fulltext_counts(conn) == {"eligible": 3, "sought": 3, "retrieved": 1, "not_retrieved": 1,
                                         "awaiting": 1, "pending": 0, "no_longer_eligible": 0}
    assert states[works["R1"]].file == "reports/hart2015.pdf"  # relative to the workspace
    assert len(states[works["R1"]].sha256 or "") == 64
    assert states[works["R2"]].reason == "author did not reply"
    assert states[works["R5"]].status == "sought"
    # Recording the same again writes nothing; the trail is append-only.
    before = rows(workspace)
    with store.transaction() as conn:
        assert mark_sought(conn, None, actor="tester") == []
        assert not mark_retrieved(conn, works["R1"], file=pdf, actor="tester", root=workspace.root)
        assert not mark_not_retrieved(conn, works["R2"], reason="author did not reply", actor="tester")
        assert mark_sought(conn, [works["R5"]], actor="tester") == []
    assert rows(workspace) == before == 5


def test_eligibility_errors_write_nothing(workspace, works) -> None:
    store = workspace.store()
    out_of_order = r"stage out of order: work \d+ is exclude at title-abstract"
    with pytest.raises(InputError, match=out_of_order), store.transaction() as conn:
        mark_sought(conn, [works["R1"], works["R3"]], actor="tester")
    with pytest.raises(InputError, match="is undecided at title-abstract"), store.transaction() as conn:
        mark_not_retrieved(conn, works["R6"], reason="x", actor="tester")
    with pytest.raises(NotFound, match="there is no work 999"), store.transaction() as conn:
        mark_sought(conn, [999], actor="tester")
    with pytest.raises(InputError, match="say why"), store.transaction() as conn:
        mark_not_retrieved(conn, works["R1"], reason="  ", actor="tester")
    with pytest.raises(InputError, match="no such file"), store.transaction() as conn:
        mark_retrieved(conn, works["R1"], file="missing.pdf", actor="tester", base=workspace.root)
    assert rows(workspace) == 0


def test_retrieved_cannot_go_back_to_sought_and_ineligible_is_flagged(workspace, works) -> None:
    store = workspace.store()
    pdf = workspace.path("reports", "a.pdf")
    pdf.write_bytes(b"a")
    with store.transaction() as conn:
        mark_retrieved(conn, works["R5"], file=pdf, actor="tester", root=workspace.root)
    with pytest.raises(InputError, match="already retrieved"), store.transaction() as conn:
        mark_sought(conn, [works["R5"]], actor="tester")
    with store.transaction() as conn:  # the title-abstract decision changes afterwards
        record_decision(conn, work_id=works["R5"], stage="title-abstract", reviewer="ana",
                        decision="exclude", origin="cli")
    with store.read() as conn:
        counts = fulltext_counts(conn)
        states = {s.work_id: s for s in report_states(conn)}
    assert counts["retrieved"] == 0 and counts["no_longer_eligible"] == 1 and counts["eligible"] == 2
    assert states[works["R5"]].eligible is False


def test_import_csv_all_or_nothing_and_idempotent(workspace, works, tmp_path: Path) -> None:
    workspace.path("reports", "r1.pdf").write_bytes(b"one")
    good = tmp_path / "fulltext.csv"
    good.write_text(
        "work_id,status,file,reason\n"
        f"{works['R1']},retrieved,reports/r1.pdf,\n"
        f"{works['R2']},not retrieved,,Thesis under embargo\n"
        f"{works['R5']},sought,,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "work_id,status,file,reason\n"
        f"{works['R1']},retrieved,reports/r1.pdf,\n"
        f"{works['R2']},not-retrieved,,\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_fulltext(workspace.store(), bad, actor="tester", root=workspace.root)
    assert str(caught.value).startswith(f"{bad}:3: reason: say why")
    assert rows(workspace) == 0
    first = import_fulltext(workspace.store(), good, actor="tester", root=workspace.root)
    assert (first.rows, first.changed, first.unchanged) == (3, 3, 0)
    again = import_fulltext(workspace.store(), good, actor="tester", root=workspace.root)
    assert (again.changed, again.unchanged) == (0, 3)
    assert rows(workspace) == 3


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("{R3},sought,,", "2: work_id: stage out of order"),
        ("abc,sought,,", "2: work_id: expected a work id"),
        ("{R1},found,,", "2: status: unknown status 'found'"),
        ("{R1},retrieved,reports/none.pdf,", "2: file: no such file"),
        ("4242,sought,,", "2: work_id: there is no work 4242"),
    ],
)
def test_import_bad_rows_name_line_and_field(workspace, works, tmp_path: Path, line: str, needle: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text("work_id,status,file,reason\n" + line.format(**works) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_fulltext(workspace.store(), path, actor="tester", root=workspace.root)
    assert str(caught.value).startswith(f"{path}:{needle}"), str(caught.value)


def test_import_missing_columns(workspace, works, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,state\n1,sought\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"f.csv:1: missing column\(s\) work_id, status"):
        import_fulltext(workspace.store(), path, actor="tester", root=workspace.root)


def test_cli_flow(workspace, works, cli) -> None:
    pdf = workspace.path("reports", "castillo.pdf")
    pdf.write_bytes(b"%PDF")
    result = cli("fulltext", "sought", "--all")
    assert result.exit_code == 0 and "Marked 3 reports as sought" in result.output
    result = cli("fulltext", "retrieved", str(works["R5"]), "--file", str(pdf))
    assert result.exit_code == 0 and "retrieved" in result.output
    result = cli("fulltext", "not-retrieved", str(works["R2"]), "--reason", "No reply")
    assert result.exit_code == 0
    listing = cli("fulltext", "list", "--status", "retrieved")
    assert "castillo.pdf" in listing.output and "Group peer support" in listing.output
    assert "Telephone" not in listing.output
    data = json.loads(cli("fulltext", "counts", "--json").output)
    assert (data["sought"], data["retrieved"], data["not_retrieved"]) == (3, 1, 1)
    assert "Reports not retrieved:        1" in cli("fulltext", "counts").output
    reports = json.loads(cli("fulltext", "list", "--json").output)["reports"]
    assert {r["status"] for r in reports} == {"sought", "retrieved", "not-retrieved"}


def test_cli_errors_exit_2(workspace, works, cli) -> None:
    result = cli("fulltext", "sought", str(works["R3"]))
    assert result.exit_code == 2
    assert f"Error: WORK: stage out of order: work {works['R3']} is exclude" in result.output
    result = cli("fulltext", "not-retrieved", "999", "--reason", "x")
    assert result.exit_code == 2 and "there is no work 999" in result.output
    result = cli("fulltext", "sought")
    assert result.exit_code == 2 and "give WORK ids or --all" in result.output
    assert rows(workspace) == 0


def test_every_command_has_help_with_an_example() -> None:
    from review.cli import main
    from review.cli.screen_exchange import export_decisions, import_decisions

    group = main.commands["fulltext"]
    commands = {"fulltext": group, **group.commands, "criteria": main.commands["criteria"],
                "screen import": import_decisions, "screen export": export_decisions}
    assert {"list", "sought", "retrieved", "not-retrieved", "counts", "import"} <= set(group.commands)
    for name, command in commands.items():
        assert command.help and "Example:" in command.help, name
    assert main.commands["screen"].commands["import"] is import_decisions
