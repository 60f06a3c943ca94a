"""Agreement statistics on a hand-computed example (percent agreement and Cohen's kappa)."""

from __future__ import annotations

import json

import pytest
from screening_support import retrieve, setup_screening

from review.screening.agreement import agreement, kappa
from review.screening.criteria import load_criteria
from review.screening.decisions import record_decision

# Works 1-10, title-abstract. I include, E exclude, M maybe.
ALICE = "IIIEEEEEME"
BOB = "IIEEEEEIIM"
WORDS = {"I": "include", "E": "exclude", "M": "maybe"}


@pytest.fixture
def ws(workspace):
    setup_screening(workspace, reviewers=["alice", "bob", "carol"], per_work=2)
    with workspace.store().transaction() as conn:
        for reviewer, letters in (("alice", ALICE), ("bob", BOB)):
            for work, letter in enumerate(letters, start=1):
                record_decision(conn, work_id=work, stage="title-abstract", reviewer=reviewer,
                                decision=WORDS[letter], reviewers_per_work=2)
        # carol screened one work with alice only; a withdrawn decision does not count.
        record_decision(conn, work_id=11, stage="title-abstract", reviewer="carol", decision="exclude")
        record_decision(conn, work_id=11, stage="title-abstract", reviewer="alice", decision="exclude")
        record_decision(conn, work_id=12, stage="title-abstract", reviewer="carol", decision="include")
        from review.screening.decisions import retract_decision

        retract_decision(conn, work_id=12, stage="title-abstract", reviewer="carol")
    return workspace


def _pair(report, a, b):
    (found,) = [p for p in report["pairs"] if p["reviewers"] == [a, b]]
    return found


def test_maybe_as_include_hand_computed(ws):
    with ws.store().read() as conn:
        report = agreement(conn, "title-abstract")
    pair = _pair(report, "alice", "bob")
    # alice: I I I E E E E E I E   bob: I I E E E E E I I I   (maybe -> include)
    # agree on 7 of 10; p(include) alice 0.4, bob 0.5; pe = 0.4*0.5 + 0.6*0.5 = 0.5
    assert (pair["n"], pair["both_include"], pair["both_exclude"], pair["disagreements"]) == (10, 3, 4, 3)
    assert pair["percent_agreement"] == 70.0
    assert pair["kappa"] == pytest.approx((0.7 - 0.5) / (1 - 0.5), abs=1e-12)
    assert pair["table"] == {"include": {"include": 3, "exclude": 1}, "exclude": {"include": 2, "exclude": 4}}
    assert report["maybe_note"] == '"maybe" counted as include'
    carol = _pair(report, "alice", "carol")
    assert carol["n"] == 1 and carol["kappa"] is None and "single category" in carol["kappa_note"]
    assert [p["reviewers"] for p in report["pairs"]] == [["alice", "bob"], ["alice", "carol"]]


@pytest.mark.parametrize(
    ("maybe", "agree", "expected_kappa"),
    [
        # maybe separate: agree 6/10; marginals alice I3 E6 M1, bob I4 E5 M1
        ("separate", 60.0, (0.6 - (0.3 * 0.4 + 0.6 * 0.5 + 0.1 * 0.1)) / (1 - 0.43)),
        # maybe -> exclude: agree 7/10; alice I3, bob I4; pe = 0.3*0.4 + 0.7*0.6 = 0.54
        ("exclude", 70.0, (0.7 - 0.54) / (1 - 0.54)),
    ],
)
def test_other_maybe_treatments(ws, maybe, agree, expected_kappa):
    with ws.store().read() as conn:
        pair = _pair(agreement(conn, "title-abstract", maybe=maybe), "alice", "bob")
    assert pair["percent_agreement"] == agree
    assert pair["kappa"] == pytest.approx(expected_kappa, abs=1e-12)
    if maybe == "separate":
        assert pair["both_maybe"] == 0 and pair["table"]["maybe"] == {"include": 1, "exclude": 0, "maybe": 0}


def test_agreement_command_text_and_json(ws, cli):
    result = cli("screen", "agreement", "--stage", "title-abstract")
    assert result.exit_code == 0
    assert '("maybe" counted as include)' in result.output
    assert "alice & bob: 10 screened by both; both include 3, both exclude 4; disagree 3" in result.output
    assert "percent agreement 70.0%; Cohen's kappa 0.400" in result.output
    data = json.loads(cli("screen", "agreement", "--json", "--maybe", "separate").output)
    assert data["maybe"] == "separate" and "separate third category" in data["maybe_note"]
    assert _pair(data, "alice", "bob")["percent_agreement"] == 60.0


def test_full_text_reason_agreement(workspace):
    setup_screening(workspace, reviewers=["alice", "bob"], per_work=2)
    criteria = load_criteria(workspace.path("protocols", "criteria.yaml"))
    plan = {1: ("E-POP-1", "E-POP-1"), 2: ("E-POP-1", "E-INT-1"), 3: ("E-TYPE-1", "E-TYPE-1")}
    with workspace.store().transaction() as conn:
        for work in plan:
            for reviewer in ("alice", "bob"):
                record_decision(conn, work_id=work, stage="title-abstract", reviewer=reviewer,
                                decision="include", reviewers_per_work=2)
    retrieve(workspace, list(plan), per_work=2)
    with workspace.store().transaction() as conn:
        for work, reasons in plan.items():
            for reviewer, reason in zip(("alice", "bob"), reasons, strict=True):
                record_decision(conn, work_id=work, stage="full-text", reviewer=reviewer, decision="exclude",
                                reason=reason, criteria=criteria, reviewers_per_work=2)
        report = agreement(conn, "full-text")
    pair = _pair(report, "alice", "bob")
    assert (pair["reasons_compared"], pair["same_reason"]) == (3, 2)
    assert pair["kappa"] is None  # every decision was exclude: kappa is undefined, and said so


def test_kappa_matches_the_formula_for_perfect_and_no_agreement():
    assert kappa(["include", "exclude"], ["include", "exclude"], ["include", "exclude"])[0] == pytest.approx(1.0)
    assert kappa(["include", "exclude"], ["exclude", "include"], ["include", "exclude"])[0] == pytest.approx(-1.0)
    assert kappa([], [], ["include", "exclude"]) == (None, "no works screened by both")
