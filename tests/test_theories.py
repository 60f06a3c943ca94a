"""Programme theories: the protocol, versions (add, refine, history) and the committed log."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select
from studies_support import THEORIES_YAML, add_fragment, included_workspace, write

from review.errors import ConfigError, InputError
from review.pipeline import _remove_database
from review.store import schema
from review.synthesis import load_model, load_theories, versions_of
from review.synthesis import pipeline_step as theories_step
from review.synthesis.tables import theory_versions
from review.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
LOG = "extraction/theory-changes.csv"


@pytest.fixture
def model(workspace: Workspace) -> Workspace:
    write(workspace, "protocols/theories.yaml", THEORIES_YAML)
    load_model(workspace, actor="tester")
    return workspace


def rows(workspace: Workspace, table=theory_versions) -> int:
    with workspace.store().read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def versions(workspace: Workspace, theory: str):
    with workspace.store().read() as conn:
        return versions_of(conn, theory)


def test_the_worked_examples_initial_model_loads() -> None:
    path = REPO / "protocols" / "theories.yaml"
    if not path.is_file():
        pytest.skip("the worked example has no protocols/theories.yaml yet")
    protocol = load_theories(path)
    assert [t.id for t in protocol.topics] == ["take-up", "positive", "negative"]
    assert protocol.theories[0].id == "T1" and protocol.theories[0].topic == "take-up"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("topics:\n  - {id: a, label: A}\ntheories:\n  - {id: T1, topic: b, label: X}\n", 4,
     "theories[1].topic: unknown topic 'b' (topics: a)"),
    ("topics:\n  - {id: a, label: A}\ntheories:\n  - {id: T1, topic: a, label: X}\n  - {id: T1, topic: a, label: Y}\n",
     5, "theories[2].id: theory id 'T1' is reused (first at line 4)"),
    ("topics:\n  - {id: a, label: A}\n  - {id: a, label: B}\n", 3, "topics[2].id: duplicate topic id 'a'"),
    ("topics:\n  - {id: a, label: A}\ntheories:\n  - {id: T1, topic: a}\n", 4, "theories[1].label: missing required"),
    ("topics:\n  - {id: a, label: A}\ntheories:\n  - {id: T1, topic: a, label: X, mechanism: Y}\n", 4,
     "theories[1].mechanism: unknown key"),
    ("topics:\n  - {id: a, label: A}\ntheories:\n  - {id: 'T 1', topic: a, label: X}\n", 4, "an id is one word"),
    ("topics: [\n", 2, "not valid YAML"),
])
def test_protocol_errors_name_line_and_key(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "theories.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_theories(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


def test_a_topic_dropped_before_it_held_a_theory_goes(workspace: Workspace) -> None:
    write(workspace, "protocols/theories.yaml", "topics:\n  - {id: main, label: Programme theories}\n")
    load_model(workspace, actor="tester")
    write(workspace, "protocols/theories.yaml", THEORIES_YAML)
    load_model(workspace, actor="tester")
    with workspace.store().read() as conn:
        from review.synthesis import theories_report

        assert [t["id"] for t in theories_report(conn)["topics"]] == ["take-up", "positive", "negative"]


def test_initial_model_loads_once_as_version_1(model: Workspace) -> None:
    first = versions(model, "T1")
    assert [(v.version, v.change, v.actor) for v in first] == [(1, "initial", "tester")]
    assert first[0].mechanism_resource == "Peer support from women with peer experiences"
    before = rows(model, schema.events)
    again = load_model(model, actor="someone")
    assert again.initial.theories_unchanged == 6 and again.initial.theories_added == 0
    assert rows(model, schema.events) == before


def test_a_changed_initial_theory_is_refused_with_its_line(model: Workspace) -> None:
    write(model, "protocols/theories.yaml", THEORIES_YAML.replace("Receiving acceptance", "Being accepted"))
    before = rows(model, schema.events)
    with pytest.raises(ConfigError) as caught:
        theories_step.run_step(model, actor="tester")
    assert str(caught.value).startswith("protocols/theories.yaml:25: theories[4].id: theory P15 differs")
    assert "review theories refine" in str(caught.value)
    assert rows(model, schema.events) == before


def test_add_refine_and_history_through_the_cli(cli, model: Workspace) -> None:
    ids = included_workspace(model, 2)
    fragment = add_fragment(model, ids[0], {"P14": "supports"})
    result = cli("theories", "add", "P25", "--topic", "positive", "--label", "Helping others builds self-worth",
                 "--context", "Has recovered", "--outcome", "Self-esteem", "--fragment", str(fragment),
                 "--reason", "Seen in two interventions")
    assert result.exit_code == 0, result.output
    result = cli("theories", "refine", "T2", "--add-context", "Finds it hard to talk to family",
                 "--reason", "Carter et al. (2019)", "--fragment", f"{fragment}")
    assert result.exit_code == 0 and "T2 is now version 2 (refined)" in result.output
    cli("theories", "refine", "T2", "--add-context", "Lives far from family", "--reason", "Lynch (2019)")
    t2 = versions(model, "T2")
    assert [v.change for v in t2] == ["initial", "refined", "refined"]
    assert t2[-1].context == "Finds it hard to talk to family; Lives far from family"
    assert t2[1].fragments == (fragment,) and t2[1].reason == "Carter et al. (2019)" and t2[1].actor == "tester"
    history = cli("theories", "history", "T2").output
    assert "T2 (take-up, initial): refined" in history
    assert "v2 refined" in history and f"fragments: {fragment}" in history
    assert "Context: + Finds it hard to talk to family" in history
    assert "why: Lynch (2019)" in history
    assert "Context: + Lives far from family" in history  # an addition shows only what it added
    data = json.loads(cli("theories", "history", "P25", "--json").output)
    assert data["origin"] == "inductive" and data["status"] == "new"
    assert data["versions"][0]["change"] == "inductive" and data["versions"][0]["fragments"] == [fragment]
    with model.path(*LOG.split("/")).open(encoding="utf-8") as handle:
        logged = list(csv.DictReader(handle))
    assert [(r["theory"], r["change"], r["version"]) for r in logged] == [
        ("P25", "inductive", "1"), ("T2", "refined", "2"), ("T2", "refined", "3")]


@pytest.mark.parametrize(("args", "message"), [
    (("add", "T1", "--topic", "take-up", "--label", "Again"), "ID: theory id 'T1' is reused"),
    (("add", "X1", "--topic", "dark-logic", "--label", "New"), "--topic: unknown topic 'dark-logic'"),
    (("add", "X1", "--topic", "positive", "--label", "New", "--fragment", "77"), "--fragment: no fragment 77"),
    (("add", "X1", "--topic", "positive", "--label", "New", "--fragment", "seven"),
     "--fragment: 'seven' is not a fragment id"),
    (("add", "--topic", "positive", "--label", "New"), "ID: give the theory's id"),
    (("add", "X1", "--topic", "positive"), "--label: a theory needs a label, or at least one of"),
    (("refine", "T9", "--add-context", "X", "--reason", "R"), "ID: no theory 'T9'"),
    (("refine", "T1", "--outcome", "Chooses peer support", "--reason", "R"), "nothing to change"),
    (("refine", "T1", "--add-outcome", "X", "--reason", " "), "--reason: say why"),
    (("refine", "T1", "--reason", "R"), "say what changes"),
    (("history", "T9"), "no theory 'T9' (theories: T1, T2, P14"),
])
def test_bad_commands_exit_2_and_write_nothing(cli, model: Workspace, args: tuple[str, ...], message: str) -> None:
    before = (rows(model), rows(model, schema.events))
    result = cli("theories", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert (rows(model), rows(model, schema.events)) == before
    assert not model.path(*LOG.split("/")).exists()


def test_a_theory_without_a_label_is_named_by_its_mechanism(cli, model: Workspace) -> None:
    result = cli("theories", "add", "--id", "N9", "--topic", "negative", "--context", "Isolated",
                 "--mechanism-reasoning", "Feels pressured to talk", "--outcome", "Discomfort")
    assert result.exit_code == 0, result.output
    assert versions(model, "N9")[0].label == "Feels pressured to talk"


def test_a_deleted_fragment_cannot_motivate_a_change(cli, model: Workspace) -> None:
    ids = included_workspace(model, 1)
    gone = add_fragment(model, ids[0], {}, deleted=True)
    result = cli("theories", "refine", "T1", "--add-context", "X", "--reason", "R", "--fragment", str(gone))
    assert result.exit_code == 2 and f"fragment {gone} was deleted" in result.output


def test_a_fresh_database_replays_the_log(cli, model: Workspace) -> None:
    cli("theories", "add", "P25", "--topic", "positive", "--label", "Helping others")
    cli("theories", "refine", "P14", "--add-mechanism-reasoning", "Feels safe", "--reason", "Two studies")
    before = {t: [v.to_dict() for v in versions(model, t)] for t in ("P25", "P14")}
    _remove_database(model)  # what `review run --fresh` does before the steps
    done = theories_step.run_step(model, actor="someone-else")
    assert "2 theory changes recorded" in done.summary
    after = {t: [v.to_dict() for v in versions(model, t)] for t in ("P25", "P14")}
    assert after["P25"] == before["P25"]  # who and when kept
    assert after["P14"][1:] == before["P14"][1:]
    assert "0 theory changes recorded, 2 already recorded" in theories_step.run_step(model, actor="x").summary


def test_export_rewrites_the_log_and_import_replays_it(cli, model: Workspace, tmp_path: Path) -> None:
    cli("theories", "add", "N3", "--topic", "negative", "--label", "Discouraged by slower recovery")
    out = tmp_path / "changes.csv"
    result = cli("theories", "export", "--output", str(out))
    assert result.exit_code == 0 and "Wrote 1 theory changes" in result.output
    assert out.read_text(encoding="utf-8") == model.path(*LOG.split("/")).read_text(encoding="utf-8")
    assert "0 theory changes recorded, 1 already recorded" in cli("theories", "import", str(out)).output


def change_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "changes.csv"
    header = "theory,topic,change,label,context,mechanism_resource,mechanism_reasoning,outcome,reason,fragments," \
             "actor,at,version\n"
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "message"), [
    ("X1,positive,inductive,New,,,,,,,,,\nT9,take-up,refined,L,C,,,,why,,,,\n", ":3: theory: unknown theory 'T9'"),
    ("T1,take-up,inductive,Again,,,,,,,,,\n", ":2: theory: theory id 'T1' is reused"),
    ("X1,dark,inductive,New,,,,,,,,,\n", ":2: topic: unknown topic 'dark'"),
    ("T1,take-up,changed,L,,,,,why,,,,\n", ":2: change: expected one of inductive, refined, reworded"),
    ("T1,take-up,refined,L,C,,,,why,1;x,,,\n", ":2: fragments: 'x' is not a fragment id"),
    ("T1,take-up,refined,L,C,,,,why,,,,1\n", ":2: version: version 1 of theory T1 in the database says something"),
    ("T1,take-up,refined,L,C,,,,why,,,,5\n", ":2: version: theory T1 is at version 1; the next is 2"),
    ("T1,positive,refined,L,C,,,,why,,,,\n", ":2: topic: theory T1 is in topic 'take-up'"),
    ("T1,take-up,refined,L,C,,,,,,,,\n", ":2: reason: say why"),
    ("T1,take-up,refined,L,C,,,,why,,JM,yesterday,\n", ":2: at: expected an ISO date and time"),
])
def test_bad_log_rows_stop_with_file_and_line(cli, model: Workspace, tmp_path: Path, body: str, message: str) -> None:
    path = change_file(tmp_path, body)
    before = (rows(model), rows(model, schema.events))
    result = cli("theories", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}{message}" in result.output
    assert (rows(model), rows(model, schema.events)) == before


def test_an_inductive_id_reused_by_the_protocol_is_refused(model: Workspace) -> None:
    from review.synthesis import add_theory

    add_theory(model, "P30", topic="positive", label="Gives support", cmo={}, actor="alice")
    write(model, "protocols/theories.yaml", THEORIES_YAML + "  - {id: P30, topic: positive, label: Other}\n")
    with pytest.raises(InputError) as caught:
        theories_step.run_step(model, actor="tester")
    assert "protocols/theories.yaml:" in str(caught.value)
    assert "theory id 'P30' is reused: it is already an inductive theory added by alice" in str(caught.value)


def test_run_step_skipped_without_files(workspace: Workspace) -> None:
    workspace.path("protocols", "theories.yaml").unlink(missing_ok=True)  # `review init` writes a starter
    skipped = theories_step.run_step(workspace, actor="tester")
    assert skipped.status == "skipped" and "protocols/theories.yaml" in skipped.summary
