"""The interactive session through the CLI (CliRunner input=), resume, blinding, rank."""

from __future__ import annotations

import json
import os
import re

import click
import pytest
from screening_support import count_rows, retrieve, setup_screening

from review.screening.decisions import current_decisions, record_decision
from review.screening.session import ScreeningSession, highlight, render_work
from review.screening.works import WorkView
from review.store import Store

TA = "title-abstract"


@pytest.fixture
def ws(workspace):
    setup_screening(workspace, reviewers=["alice", "bob", "carol"], per_work=1)
    return workspace


def shown(output: str) -> list[int]:
    """The work ids in the order the session showed them."""
    return [int(n) for n in re.findall(r"\[work (\d+)\]", output)]


def mine(ws, reviewer="alice", stage=TA):
    with ws.store().read() as conn:
        return {d.work_id: d for d in current_decisions(conn, stage) if d.reviewer == reviewer}


def test_session_include_exclude_maybe_undo_note_skip_quit_then_resume(ws, cli):
    keys = "i\ne\n2\nm\nu\nn\nlooks relevant\ni\ns\nq\n"
    result = cli("screen", "--stage", "title-abstract", "--reviewer", "alice", input=keys)
    assert result.exit_code == 0, result.output
    # a include, b exclude, c maybe, d: undo (c again: note, include), d again: skip, e: quit
    a, b, c, d, c_again, d_again, e = shown(result.output)
    assert (c_again, d_again) == (c, d) and len({a, b, c, d, e}) == 5
    assert "Progress: 0 of 14 screened by you" in result.output
    assert "relevant records remaining: estimated after 7 more decisions" in result.output
    assert "Exclusion reason" in result.output and "E-POP-1" in result.output
    assert f"Undone: your maybe on work {c}" in result.output
    assert "Note added; it is saved with the decision you make on this work: looks relevant" in result.output
    # the undone "maybe" is not counted: 3 decisions in force
    assert "3 decisions saved this session; 3 of 14 title-abstract works screened by alice" in result.output

    got = mine(ws)
    assert {w: (x.decision, x.reason, x.note) for w, x in got.items()} == {
        a: ("include", None, None),
        b: ("exclude", "E-POP-1", None),
        c: ("include", None, "looks relevant"),
    }
    assert count_rows(ws) == 5  # include, exclude, maybe, its retraction, include
    assert {x.origin for x in got.values()} == {"interactive"}

    resumed = cli("screen", "--reviewer", "alice", input="q\n")
    assert resumed.exit_code == 0
    assert shown(resumed.output)[0] not in {a, b, c}
    assert "Progress: 3 of 14 screened by you; 2 included, 0 maybe, 1 excluded" in resumed.output


def test_estimate_of_relevant_remaining_only_once_there_are_enough_decisions(ws, cli):
    result = cli("screen", "--reviewer", "alice", input="i\ni\ne\n0\ne\n0\nq\n")
    last = [line for line in result.output.splitlines() if line.startswith("Progress:")][-1]
    # 4 decisions of 14 works: too few for a figure (half the works are needed), so it says so
    assert last.startswith("Progress: 4 of 14 screened by you; 2 included, 0 maybe, 2 excluded; "
                           "relevant records remaining: estimated after 3 more decisions")
    assert json.loads(cli("screen", "rank", "--json").output)["relevant_remaining_at_most"] is None
    more = cli("screen", "--reviewer", "alice", input="e\n0\ne\n0\ne\n0\nq\n")
    last = [line for line in more.output.splitlines() if line.startswith("Progress:")][-1]
    found = re.search(r"; at most (\d+) relevant records? remain \(95% confidence\); "
                      r"recall so far at least \d+% \(stopping early is your decision\)", last)
    assert found, last
    bound = int(found.group(1))
    assert bound <= 7  # 7 works left unscreened
    rank = cli("screen", "rank", "--json")
    assert json.loads(rank.output)["relevant_remaining_at_most"] == bound


def test_undo_reaches_back_into_an_earlier_session(ws, cli):
    first = cli("screen", "--reviewer", "alice", input="e\n0\nq\n")
    (excluded,) = shown(first.output)[:1]
    assert mine(ws)[excluded].reason is None  # title-abstract: a reason is optional
    later = cli("screen", "--reviewer", "alice", input="u\nq\n")
    assert f"Undone: your exclude on work {excluded}" in later.output
    assert shown(later.output)[1] == excluded
    assert mine(ws) == {}


def test_exclusion_reason_choices(ws, cli):
    # An unknown number asks again; Enter goes back; "other" (4) needs a note.
    keys = "e\n9\n\ne\n4\nnot empirical at all\nq\n"
    result = cli("screen", "--reviewer", "alice", input=keys)
    assert "No reason '9': press 1-4." in result.output
    ids = shown(result.output)
    assert len(ids) == 2  # going back stays on the same work; after the exclusion, the next
    assert {w: (x.reason, x.note) for w, x in mine(ws).items()} == {ids[0]: ("other", "not empirical at all")}


def test_full_text_exclusion_needs_a_reason(ws, cli):
    with ws.store().transaction() as conn:
        record_decision(conn, work_id=3, stage=TA, reviewer="alice", decision="include")
    retrieve(ws, [3])
    result = cli("screen", "--stage", "full-text", "--reviewer", "alice", input="e\n0\n\ne\n3\nq\n")
    assert "Progress: 0 of 1 screened by you" in result.output
    assert "No reason '0'" in result.output
    assert {w: x.reason for w, x in mine(ws, stage="full-text").items()} == {3: "E-INT-1"}
    done = cli("screen", "--stage", "full-text", "--reviewer", "alice", input="")
    assert "Your full-text queue is empty" in done.output


def test_end_of_input_quits_and_keeps_everything(ws, cli):
    result = cli("screen", "--reviewer", "bob", input="i\nm\n")
    assert result.exit_code == 0
    assert len(mine(ws, "bob")) == 2


def test_blinded_dual_screening(workspace, cli):
    setup_screening(workspace, reviewers=["alice", "bob", "carol"], per_work=2)
    with workspace.store().transaction() as conn:
        record_decision(conn, work_id=1, stage=TA, reviewer="bob", decision="exclude", note="BOB-SECRET",
                        reviewers_per_work=2)
        for reviewer in ("alice", "bob"):
            record_decision(conn, work_id=2, stage=TA, reviewer=reviewer, decision="include",
                            reviewers_per_work=2)
    keys = "s\n" * 13 + "q\n"
    alice = cli("screen", "--reviewer", "carol", input=keys)
    assert "blinded" in alice.output
    assert "BOB-SECRET" not in alice.output and "bob" not in alice.output
    seen = set(shown(alice.output))
    assert 1 in seen  # bob's work still needs a second reviewer
    assert 2 not in seen  # decided by two who agree: nobody else needs to see it
    assert len(seen) == 13


def test_keywords_are_highlighted_on_a_terminal(ws, runner):
    from review.cli import main

    result = runner.invoke(main, ["-C", str(ws.root), "screen", "--reviewer", "alice"], input="q\n",
                           color=True, env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0
    assert "\x1b[" in result.output  # styled when colour is on
    plain = runner.invoke(main, ["-C", str(ws.root), "screen", "--reviewer", "alice"], input="q\n")
    assert "\x1b[" not in plain.output


def test_highlight_and_card():
    def mark(kind, text):
        return f"<{kind[0]}:{text}>"

    text = "Clinical decision\nsupport with physicians; an editorial on alerting"
    assert highlight(text, ["decision support", "physician*", "alert*"], ["editorial"], mark) == (
        "Clinical <i:decision\nsupport> with <i:physicians>; an <e:editorial> on <i:alerting>"
    )
    work = WorkView(7, "Reminders for physicians", [f"Author {i}, A" for i in range(8)], 2019,
                    "BMJ", "An abstract about reminder systems.", "10.1/x")
    lines = render_work(work, width=100, include=["reminder*"], mark=mark)
    assert lines[0] == "<i:Reminders> for physicians"
    assert "and 2 more" in lines[1] and "Author 0, A; Author 1, A" in lines[1]
    assert lines[2] == "BMJ, 2019  doi:10.1/x  [work 7]"
    assert lines[-1] == "An abstract about <i:reminder> systems."


def test_each_decision_is_committed_at_once(ws):
    session = ScreeningSession(ws.store(), stage=TA, reviewer="alice", reviewers=["alice", "bob"])
    work = session.next_work()
    session.decide(work.id, "include")
    other = Store.open(ws.db_url)  # another connection, as another process would see it
    try:
        with other.read() as conn:
            assert [d.work_id for d in current_decisions(conn, TA)] == [work.id]
    finally:
        other.close()
    assert session.next_work().id != work.id
    assert session.progress().screened == 1


def test_session_needs_a_known_reviewer(ws, cli):
    result = cli("screen", "--reviewer", "mallory", input="q\n")
    assert result.exit_code == 2
    assert "unknown reviewer 'mallory'" in result.output
    result = cli("screen", input="q\n")
    assert result.exit_code == 2 and "--reviewer NAME is needed" in result.output
    assert count_rows(ws) == 0


def test_rank_prints_the_top_of_the_queue(ws, cli):
    result = cli("screen", "rank", "--top", "3", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["in_queue"] == 14 and len(data["top"]) == 3
    scores = [row["score"] for row in data["top"]]
    assert scores == sorted(scores, reverse=True)
    first = data["top"][0]["work_id"]
    cli("screen", "decide", str(first), "--reviewer", "alice", "--decision", "include")
    text = cli("screen", "rank", "--top", "14")
    assert "title-abstract queue: 13 works to screen" in text.output
    assert f"work {first} " not in text.output
    assert "When to stop screening is the reviewers' decision." in text.output


def test_every_screen_command_has_help_with_an_example(runner):
    from review.cli import main

    group = main.commands["screen"]
    commands = {"screen": group, **group.commands}
    assert {"decide", "undo", "conflicts", "resolve", "agreement", "rank"} <= set(commands)
    for name, command in commands.items():
        assert command.help and "Example:" in command.help, name
    result = runner.invoke(main, ["screen", "--help"], env={"REVIEW_ACTOR": os.environ["REVIEW_ACTOR"]})
    assert result.exit_code == 0 and "review screen --stage title-abstract --reviewer JM" in result.output
    assert click.unstyle(result.output) == result.output


def test_screen_group_does_not_need_a_workspace_for_simulate(runner, tmp_path):
    """`review screen simulate` runs outside any workspace: the group opens none itself."""
    from review.cli import main

    if "simulate" not in main.commands["screen"].commands:
        pytest.skip("review.cli.screen_simulate is not installed")
    rows = ["title,abstract,label"] + [
        f"peer support study {i},{'mothers peer support' if i % 4 == 0 else 'unrelated topic'},{int(i % 4 == 0)}"
        for i in range(24)
    ]
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["-C", str(tmp_path), "screen", "simulate", str(labelled), "--json"],
                           env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["records"] == 24
    assert not (tmp_path / "review.db").exists()
