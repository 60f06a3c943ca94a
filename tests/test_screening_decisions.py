"""Screening decisions: append-only rows, the derived view, dual-screening status, bad input."""

from __future__ import annotations

import json

import pytest
from screening_support import count_rows, retrieve, setup_screening
from sqlalchemy import func, select

from review.errors import InputError, NotFound
from review.screening.criteria import load_criteria
from review.screening.decisions import (
    conflicts,
    current_decisions,
    record_decision,
    resolve,
    retract_decision,
    work_status,
)
from review.store import schema

TA, FT = "title-abstract", "full-text"


@pytest.fixture
def ws(workspace):
    setup_screening(workspace, reviewers=["alice", "bob"], per_work=2, resolvers=["carol"])
    return workspace


@pytest.fixture
def criteria(ws):
    return load_criteria(ws.path("protocols", "criteria.yaml"))


def decide(ws, work, reviewer, decision, stage=TA, *, per_work=2, criteria=None, **kw):
    with ws.store().transaction() as conn:
        return record_decision(conn, work_id=work, stage=stage, reviewer=reviewer, decision=decision,
                               reviewers=["alice", "bob"], reviewers_per_work=per_work,
                               criteria=criteria, **kw)


def statuses(ws, stage=TA, per_work=2):
    with ws.store().read() as conn:
        return work_status(conn, stage, reviewers_per_work=per_work)


def test_decisions_are_appended_and_the_view_is_derived(ws, criteria):
    decide(ws, 1, "alice", "include")
    decide(ws, 1, "alice", "exclude", reason="E-TYPE-1", criteria=criteria)  # a change of mind
    assert count_rows(ws) == 2
    with ws.store().read() as conn:
        current = current_decisions(conn, TA)
    assert [(d.work_id, d.reviewer, d.decision, d.reason) for d in current] == [
        (1, "alice", "exclude", "E-TYPE-1")
    ]
    # The same decision again writes nothing (re-running a command is harmless).
    first = decide(ws, 1, "alice", "exclude", reason="E-TYPE-1", criteria=criteria)
    assert first == current[0].id and count_rows(ws) == 2


def test_retraction_withdraws_and_is_logged(ws):
    decide(ws, 2, "bob", "maybe")
    with ws.store().transaction() as conn:
        undone = retract_decision(conn, work_id=2, stage=TA, reviewer="bob")
    assert undone.decision == "maybe"
    assert statuses(ws)[2] == "undecided"
    assert count_rows(ws) == 2  # decision + retraction, nothing deleted
    with ws.store().read() as conn:
        actions = [row.action for row in conn.execute(select(schema.events.c.action))]
    assert actions.count("screen") == 1 and actions.count("retract") == 1
    with ws.store().transaction() as conn, pytest.raises(InputError, match="no decision on work 2"):
        retract_decision(conn, work_id=2, stage=TA, reviewer="bob")


def test_dual_screening_status(ws, criteria):
    decide(ws, 1, "alice", "include")
    assert statuses(ws)[1] == "awaiting-second"
    assert statuses(ws, per_work=1)[1] == "include"
    decide(ws, 1, "bob", "include")
    decide(ws, 2, "alice", "include")
    decide(ws, 2, "bob", "maybe")  # include and maybe both go on to full text
    decide(ws, 3, "alice", "exclude")
    decide(ws, 3, "bob", "exclude", reason="E-POP-1", criteria=criteria)
    decide(ws, 4, "alice", "maybe")
    decide(ws, 4, "bob", "exclude")
    got = statuses(ws)
    assert [got[w] for w in (1, 2, 3, 4, 5)] == ["include", "maybe", "exclude", "conflict", "undecided"]
    with ws.store().read() as conn:
        found = conflicts(conn, TA, reviewers_per_work=2)
    assert [(c.work_id, c.kind, [d.reviewer for d in c.decisions]) for c in found] == [
        (4, "decision", ["alice", "bob"])
    ]
    # Full text is open to works included or maybe at title-abstract only.
    assert sorted(statuses(ws, FT)) == [1, 2]


def test_full_text_reason_disagreement_is_a_conflict(ws, criteria):
    for reviewer in ("alice", "bob"):
        decide(ws, 1, reviewer, "include")
    retrieve(ws, [1], per_work=2)
    decide(ws, 1, "alice", "exclude", FT, reason="E-POP-1", criteria=criteria)
    decide(ws, 1, "bob", "exclude", FT, reason="E-INT-1", criteria=criteria)
    with ws.store().read() as conn:
        found = conflicts(conn, FT, reviewers_per_work=2)
    assert [(c.work_id, c.kind) for c in found] == [(1, "reason")]
    with ws.store().transaction() as conn:
        resolve(conn, work_id=1, stage=FT, decision="exclude", reason="E-POP-1", resolver="carol",
                criteria=criteria, reviewers_per_work=2)
    assert statuses(ws, FT)[1] == "exclude"
    with ws.store().read() as conn:
        assert conflicts(conn, FT, reviewers_per_work=2) == []


def test_library_rejects_bad_input_and_writes_nothing(ws, criteria):
    cases = [
        (dict(work_id=1, stage="abstract", decision="include"), InputError, "unknown stage"),
        (dict(work_id=1, stage=TA, decision="include", reviewer="mallory"), InputError, "unknown reviewer"),
        (dict(work_id=999, stage=TA, decision="include"), NotFound, "no work 999"),
        (dict(work_id=1, stage=TA, decision="yes"), InputError, "unknown decision"),
        (dict(work_id=1, stage=TA, decision="exclude", reason="E-NOPE"), NotFound, "unknown exclusion reason"),
        (dict(work_id=1, stage=TA, decision="exclude", reason="I-POP-1"), NotFound, "unknown exclusion reason"),
        (dict(work_id=1, stage=TA, decision="exclude", reason="other"), InputError, "needs a note"),
        (dict(work_id=1, stage=TA, decision="include", reason="E-POP-1"), InputError, "exclusion only"),
        (dict(work_id=1, stage=FT, decision="include"), InputError, "stage out of order"),
    ]
    for values, error, message in cases:
        values.setdefault("reviewer", "alice")
        with pytest.raises(error, match=message), ws.store().transaction() as conn:
            record_decision(conn, reviewers=["alice", "bob"], criteria=criteria, **values)
    assert count_rows(ws) == 0
    decide(ws, 1, "alice", "include")
    with pytest.raises(InputError, match="stage out of order: work 1 is awaiting-second"):
        decide(ws, 1, "alice", "include", FT)
    with pytest.raises(InputError, match="full-text exclusion needs a reason"):
        decide(ws, 1, "alice", "exclude", FT, per_work=1, criteria=criteria)
    assert count_rows(ws) == 1


def test_decisions_follow_a_merged_work(ws):
    decide(ws, 3, "alice", "include")
    with ws.store().transaction() as conn:  # what the dedup migration and a merge do
        if "merged_into" not in {c["name"] for c in __import__("sqlalchemy").inspect(conn).get_columns("works")}:
            conn.exec_driver_sql("ALTER TABLE works ADD COLUMN merged_into INTEGER")
        conn.exec_driver_sql("UPDATE works SET merged_into = 1 WHERE id = 3")
    got = statuses(ws)
    assert 3 not in got and got[1] == "awaiting-second"
    with ws.store().read() as conn:
        (moved,) = current_decisions(conn, TA)
    assert (moved.work_id, moved.recorded_work_id) == (1, 3)
    with pytest.raises(NotFound, match="work 3 was merged into work 1"):
        decide(ws, 3, "bob", "include")


# -- through the command line ------------------------------------------------------------


def test_cli_bad_input_exit_2_nothing_written(ws, cli):
    cases = [
        (["--reviewer", "mallory", "--decision", "include", "1"], "unknown reviewer 'mallory'"),
        (["--reviewer", "alice", "--decision", "exclude", "--reason", "E-NOPE", "1"], "unknown exclusion reason 'E-NOPE'"),
        (["--reviewer", "alice", "--decision", "include", "999"], "there is no work 999"),
        (["--reviewer", "alice", "--decision", "include", "--stage", "full-text", "1"], "stage out of order"),
    ]
    for args, message in cases:
        result = cli("screen", "decide", *args)
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert count_rows(ws) == 0
    result = cli("screen", "decide", "1", "--reviewer", "alice", "--decision", "include")
    assert result.exit_code == 0 and "Recorded: work 1, title-abstract, include by alice" in result.output
    assert count_rows(ws) == 1


def test_no_works_yet_says_run_dedup(workspace, cli):
    result = cli("screen", "--reviewer", "alice")
    assert result.exit_code == 2
    assert "run `review dedup` first" in result.output
    result = cli("screen", "decide", "1", "--reviewer", "alice", "--decision", "include")
    assert result.exit_code == 2 and "run `review dedup` first" in result.output


def test_cli_conflicts_resolve_and_status(ws, cli):
    for reviewer, decision in (("alice", "include"), ("bob", "exclude")):
        assert cli("screen", "decide", "5", "--reviewer", reviewer, "--decision", decision).exit_code == 0
    result = cli("screen", "conflicts")
    assert result.exit_code == 0
    assert "work 5 [title-abstract, decision]" in result.output
    assert "alice: include" in result.output and "bob: exclude" in result.output
    data = json.loads(cli("screen", "conflicts", "--json").output)
    assert [c["work_id"] for c in data["conflicts"]] == [5]

    result = cli("screen", "resolve", "5", "--stage", "title-abstract", "--decision", "include",
                 "--reviewer", "dave")
    assert result.exit_code == 2 and "unknown reviewer 'dave'" in result.output
    result = cli("screen", "resolve", "6", "--decision", "include", "--reviewer", "carol")
    assert result.exit_code == 2 and "nothing to resolve" in result.output
    result = cli("screen", "resolve", "5", "--stage", "title-abstract", "--decision", "include",
                 "--reviewer", "carol", "--note", "population fits")
    assert result.exit_code == 0, result.output
    assert "Resolved: work 5, title-abstract, include by carol" in result.output
    assert "No conflicts." in cli("screen", "conflicts").output

    status = json.loads(cli("status", "--json").output)
    counts = status["stages"]["screening"]["title-abstract"]
    assert counts["included"] == 1 and counts["conflicts"] == 0 and counts["not screened"] == 13
    with ws.store().read() as conn:
        resolved = conn.execute(select(func.count()).select_from(schema.events)
                                .where(schema.events.c.action == "resolve")).scalar_one()
    assert resolved == 1


def test_undo_command(ws, cli):
    cli("screen", "decide", "7", "--reviewer", "bob", "--decision", "maybe")
    result = cli("screen", "undo", "--reviewer", "bob")
    assert result.exit_code == 0 and "Withdrew bob's maybe on work 7" in result.output
    result = cli("screen", "undo", "--reviewer", "bob")
    assert result.exit_code == 2 and "bob has no decision at title-abstract to undo" in result.output
