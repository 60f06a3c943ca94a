"""Theory testing: every status derived from the evidence, partial configurations, the table."""

from __future__ import annotations

import json

import pytest
from studies_support import THEORIES_YAML, add_fragment, included_workspace, write

from review.extraction import current_fragments, is_partial
from review.synthesis import add_theory, load_model, refine_theory, styled_label, theories_report
from review.workspace import Workspace

KEYS = {"id", "topic", "label", "origin", "status", "fragments", "documents", "studies", "partial", "version"}


@pytest.fixture
def model(workspace: Workspace) -> list[int]:
    """Six included reports, #1 grouped from the first two; the seed-like model loaded."""
    ids = included_workspace(workspace)
    write(workspace, "protocols/theories.yaml", THEORIES_YAML)
    write(workspace, "extraction/studies.csv", f"study,label,report\n#1,,{ids[0]}\n#1,,{ids[1]}\n#2,,{ids[2]}\n")
    from review.studies import pipeline_step

    pipeline_step.run_step(workspace, actor="tester")
    load_model(workspace, actor="tester")
    return ids


def report(workspace: Workspace, **options) -> dict:
    with workspace.store().read() as conn:
        return theories_report(conn, **options)


def by_id(workspace: Workspace) -> dict[str, dict]:
    return {t["id"]: t for t in report(workspace)["theories"]}


def test_every_status_from_the_evidence(workspace: Workspace, model: list[int]) -> None:
    a, b, c, d = model[:4]
    full = {"context": "Shame", "resource": "Peers listen", "reasoning": "Feels understood", "outcome": "Relief"}
    add_fragment(workspace, a, {"P14": "supports", "N1": "refutes"}, **full)
    add_fragment(workspace, b, {"P14": "supports"}, context="Shame", outcome="Relief")  # partial: no mechanism
    add_fragment(workspace, d, {"T1": "supports"}, reasoning="Believes peers understand")
    add_fragment(workspace, c, {"T2": "refines", "N1": "supports"}, context="Works shifts", outcome="Phones")
    add_fragment(workspace, c, {"N2": "refutes"}, **full)
    add_fragment(workspace, c, {"P15": "supports"}, **full, deleted=True)  # deleted: does not count
    add_theory(workspace, "P25", topic="positive", label="Helping others builds self-worth", cmo={},
               actor="alice")
    theories = by_id(workspace)
    assert {k: t["status"] for k, t in theories.items()} == {
        "T1": "supported", "T2": "refined", "P14": "supported", "P15": "not-supported",
        "N1": "supported", "N2": "refuted", "P25": "new"}
    p14 = theories["P14"]
    assert set(p14) >= KEYS
    assert (p14["fragments"], p14["documents"], p14["studies"]) == (2, 2, 1)  # two reports of study #1
    assert p14["partial"] is False and p14["full_configurations"] == 1
    assert p14["supporting"]["studies"] == ["#1"] and p14["refuting"]["fragments"] == []
    assert theories["T1"]["partial"] is True  # only a mechanism: a partial configuration
    assert theories["T1"]["studies"] == 1 and theories["T1"]["supporting"]["studies"] == [f"report:{d}"]
    assert theories["N1"]["contested"] is True  # supports and refutes: supported, flagged
    assert theories["P15"]["fragments"] == 0 and theories["P15"]["partial"] is True
    assert theories["P25"]["origin"] == "inductive" and theories["P25"]["initial"] is None
    assert theories["T2"]["initial"]["outcome"] == "Chooses peer support"
    with workspace.store().read() as conn:  # the same rule as review.extraction's is_partial
        coded = current_fragments(conn)
    for theory in theories.values():
        linked = [f for f in coded if any(t == theory["id"] for t, _ in f.links)]
        assert theory["partial"] == all(is_partial(f) for f in linked)


def test_precedence_refined_over_refuted_and_a_refining_version(workspace: Workspace, model: list[int]) -> None:
    add_fragment(workspace, model[0], {"N2": "refutes"})
    assert by_id(workspace)["N2"]["status"] == "refuted"
    add_fragment(workspace, model[1], {"N2": "refines"})
    assert by_id(workspace)["N2"]["status"] == "refined"  # a refinement is evidence for a modified theory
    refine_theory(workspace, "P15", changes={}, additions={"context": "Feels a failure as a mother"},
                  reason="Two documents", actor="alice")
    p15 = by_id(workspace)["P15"]
    assert (p15["status"], p15["version"], p15["changed"]) == ("refined", 2, ["context"])
    assert p15["initial"]["context"] == "" and p15["context"] == "Feels a failure as a mother"
    refine_theory(workspace, "N1", changes={"label": "Feels judged by other mothers in a group"}, additions={},
                  reason="Wording", actor="alice")
    assert by_id(workspace)["N1"]["status"] == "not-supported"  # a rewording is not a refinement
    refine_theory(workspace, "T1", changes={"outcome": "Chooses peer support quickly"}, additions={},
                  reason="Typo", reworded=True, actor="alice")
    assert by_id(workspace)["T1"]["status"] == "not-supported"


def test_counts_per_topic_come_from_the_data(workspace: Workspace, model: list[int]) -> None:
    add_fragment(workspace, model[0], {"T1": "supports"})
    data = report(workspace)
    take_up = data["topics"][0]
    assert (take_up["id"], take_up["theories"]) == ("take-up", 2)
    assert take_up["counts"] == {"supported": 1, "refined": 0, "new": 0, "not-supported": 1, "refuted": 0}
    assert data["counts"]["not-supported"] == 5
    only = report(workspace, topic="negative")
    assert [t["id"] for t in only["theories"]] == ["N1", "N2"] and len(only["topics"]) == 1


def test_cli_table_marks_statuses_and_json_matches_the_library(cli, workspace: Workspace, model: list[int]) -> None:
    add_fragment(workspace, model[0], {"T1": "supports"})
    assert cli("theories", "add", "P25", "--topic", "positive", "--label", "Helping others").exit_code == 0
    text = cli("theories").output
    assert "Take-up of peer support (take-up): 2 theories: 1 supported, 1 not-supported" in text
    assert "~~Wants support from outside her social circle~~" in text  # struck through (not a terminal)
    assert "HELPING OTHERS" in text  # new: capitals
    assert "Expects peers to offer empathetic understanding" in text and "~~Expects" not in text
    data = json.loads(cli("theories", "--json").output)
    assert data == report(workspace)
    assert [t["id"] for t in json.loads(cli("theories", "--topic", "positive", "--json").output)["theories"]] == \
        ["P14", "P15", "P25"]
    bad = cli("theories", "--topic", "dark-logic")
    assert bad.exit_code == 2 and "--topic: unknown topic 'dark-logic' (topics: take-up, positive, negative)" in \
        bad.output


def test_strikethrough_on_a_terminal() -> None:
    item = {"label": "No evidence", "status": "not-supported"}
    assert styled_label(item, ansi=True) == "\x1b[9mNo evidence\x1b[29m"
    assert styled_label(item, ansi=False) == "~~No evidence~~"
    assert styled_label({"label": "Gives support", "status": "new"}, ansi=True) == "GIVES SUPPORT"


def test_an_empty_workspace_says_what_to_do(cli) -> None:
    result = cli("theories")
    assert result.exit_code == 0 and "protocols/theories.yaml" in result.output
    assert json.loads(cli("theories", "--json").output)["theories"] == []


def test_status_shows_studies_and_theory_testing(cli, workspace: Workspace, model: list[int]) -> None:
    add_fragment(workspace, model[0], {"T1": "supports"})
    stages = json.loads(cli("status", "--json").output)["stages"]
    assert stages["studies"] == {"studies": 2, "reports grouped": 3, "reports not grouped": 3}
    assert stages["theories"]["theories"] == 6 and stages["theories"]["supported"] == 1
    assert stages["theories"]["not-supported"] == 5
    from review.studies.summary import status_summary

    with workspace.store().read() as conn:  # grouping begun, not finished: say what is next
        assert "group 3 included report(s) into studies" in status_summary(conn)["next"]
