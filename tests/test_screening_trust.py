"""Issue 25, screening: full text needs a retrieved report; the dual-screening queue puts
works awaiting a second reviewer first; messages say what was saved and count properly."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from screening_support import (
    DATA,
    configure,
    count_rows,
    retrieve,
    setup_screening,
    works_from_records,
)
from sqlalchemy import select

from review.cli import main
from review.corpus import import_files
from review.errors import InputError
from review.screening.decisions import current_decisions, record_decision
from review.screening.exchange import ExchangeError, import_decisions
from review.screening.fulltext import mark_not_retrieved, mark_sought
from review.screening.queue import next_work
from review.screening.session import ScreeningSession
from review.screening.stopping import RemainingEstimate
from review.screening.wording import count
from review.store import schema

TA, FT = "title-abstract", "full-text"
NAGTEGAAL = DATA / "Nagtegaal_2019_sample.csv"


def shown(output: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[work (\d+)\]", output)]


@pytest.fixture
def passed(workspace) -> list[int]:
    """Works 1-4 included at title-abstract: 1 retrieved, 2 sought, 3 pending, 4 not retrieved."""
    ids = setup_screening(workspace, reviewers=["alice", "bob"])[:4]
    with workspace.store().transaction() as conn:
        for work in ids:
            record_decision(conn, work_id=work, stage=TA, reviewer="alice", decision="include")
        mark_sought(conn, [ids[1]], actor="tester")
        mark_not_retrieved(conn, ids[3], reason="no copy anywhere", actor="tester")
    retrieve(workspace, [ids[0]])
    return ids


# -- full text needs a retrieved report -------------------------------------------------


def test_full_text_decision_on_a_report_not_retrieved_is_refused(workspace, passed, cli) -> None:
    retrieved, sought, pending, missing = passed
    before = count_rows(workspace)
    for work, state in ((sought, "sought but not retrieved yet"), (pending, "not sought yet"),
                        (missing, "recorded as not retrieved")):
        result = cli("screen", "decide", str(work), "--stage", FT, "--reviewer", "alice",
                     "--decision", "include")
        assert result.exit_code == 2, result.output
        assert f"work {work} has no retrieved full text (its report is {state})" in result.output
        assert f"`review fulltext retrieved {work} --file PATH`" in result.output
    with pytest.raises(InputError, match="review fulltext retrieved"), workspace.store().transaction() as conn:
        record_decision(conn, work_id=sought, stage=FT, reviewer="bob", decision="include")
    assert count_rows(workspace) == before
    ok = cli("screen", "decide", str(retrieved), "--stage", FT, "--reviewer", "alice", "--decision", "include")
    assert ok.exit_code == 0, ok.output
    assert count_rows(workspace) == before + 1


def test_imported_full_text_decisions_need_retrieved_reports_too(workspace, passed, tmp_path: Path) -> None:
    retrieved, sought, _pending, _missing = passed
    sheet = tmp_path / "ft.csv"
    sheet.write_text("work_id,stage,reviewer,decision\n"
                     f"{retrieved},full-text,alice,include\n{sought},full-text,alice,include\n", encoding="utf-8")
    before = count_rows(workspace)
    with pytest.raises(ExchangeError) as caught:
        import_decisions(workspace.store(), sheet, stage=FT, reviewer="alice")
    assert [p.line for p in caught.value.problems] == [3]
    assert "review fulltext retrieved" in str(caught.value.problems[0])
    assert count_rows(workspace) == before  # all or nothing


def test_review_run_refuses_a_full_text_decision_on_the_report_not_retrieved(example_copy: Path) -> None:
    # The worked example records one report as not retrieved; a decision on it must stop the run.
    folder = example_copy / "extraction" / "screening"
    with (folder / "fulltext.csv").open(encoding="utf-8") as handle:
        missing = next(r for r in csv.DictReader(handle) if r["status"] == "not-retrieved")
    path = folder / "decisions-full-text.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(f',full-text,,JM,decision,include,,,,,,,,"{missing["title"]}",{missing["doi"]},{missing["year"]}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(example_copy), "run", "--actor", "tester"])
    assert result.exit_code == 2, result.output
    assert f"extraction/screening/decisions-full-text.csv:{len(lines)}" in result.output
    assert "review fulltext retrieved" in result.output


def test_full_text_queue_offers_only_retrieved_reports_and_shows_the_file(workspace, passed, cli) -> None:
    retrieved, sought, _pending, _missing = passed
    result = cli("screen", "--stage", FT, "--reviewer", "alice", input="q\n")
    assert result.exit_code == 0, result.output
    assert shown(result.output) == [retrieved]
    assert f"Full text: fulltexts/work-{retrieved}.txt" in result.output
    assert "2 reports wait for retrieval and are not offered yet" in result.output  # sought + pending
    assert "Progress: 0 of 1 screened by you" in result.output
    retrieve(workspace, [sought])
    again = cli("screen", "--stage", FT, "--reviewer", "alice", input="s\ns\nq\n")
    assert sorted(set(shown(again.output))) == [retrieved, sought]
    assert "1 report waits for retrieval and is not offered yet" in again.output
    item, progress = next_work(workspace.store(), stage=FT, reviewer="alice")
    assert item is not None and item.report_file is not None and item.report_file.startswith("fulltexts/")
    assert progress.awaiting_retrieval == 1


# -- dual screening: works awaiting a second reviewer first ---------------------------------


@pytest.fixture
def nagtegaal(workspace):
    """300 real records (Nagtegaal 2019 sample), two reviewers, two per work; and each
    work's two labels: title-abstract screening and final inclusion."""
    import_files(workspace.store(), [NAGTEGAAL], actor="tester", source="nagtegaal")
    works_from_records(workspace)
    configure(workspace, reviewers=["alice", "bob"], per_work=2)
    with NAGTEGAAL.open(encoding="utf-8") as handle:
        rows = {r["record_id"]: r for r in csv.DictReader(handle)}
    records = schema.records
    with workspace.store().read() as conn:
        refs = dict(conn.execute(select(records.c.work_id, records.c.source_ref)).all())
    assert len(refs) == 300
    return {w: rows[ref] for w, ref in refs.items()}


def _overlap(workspace, labels, *, second_first: bool, rounds: int = 21) -> int:
    """Alice (title-abstract labels) and Bob (final-inclusion labels) screen in turn,
    each in their own session; how many works both screened."""
    columns = {"alice": "label_abstract_screening", "bob": "label_included"}
    sessions = {who: ScreeningSession(workspace.store(), stage=TA, reviewer=who, reviewers_per_work=2,
                                      second_reviewer_first=second_first) for who in columns}
    done: dict[str, set[int]] = {who: set() for who in columns}
    for _ in range(rounds):
        for who, session in sessions.items():
            work = session.next_work()
            session.decide(work.id, "include" if labels[work.id][columns[who]] == "1" else "exclude")
            done[who].add(work.id)
    return len(done["alice"] & done["bob"])


def test_second_reviewer_first_gives_agreement_something_to_rest_on(workspace, nagtegaal) -> None:
    assert _overlap(workspace, nagtegaal, second_first=True) == 21


def test_without_it_each_reviewer_follows_their_own_ranking(workspace, nagtegaal) -> None:
    assert _overlap(workspace, nagtegaal, second_first=False) <= 12  # 10 with these labels


def test_the_session_says_how_many_wait_and_hides_what_was_decided(workspace, cli) -> None:
    ids = setup_screening(workspace, reviewers=["alice", "bob"], per_work=2)
    first = cli("screen", "--reviewer", "alice", input="e\n2\ni\nm\nq\n")
    alice = shown(first.output)[:3]
    bob = cli("screen", "--reviewer", "bob", input="s\ns\ns\ns\nq\n")
    assert "3 works screened by another reviewer wait for your decision as second reviewer" in bob.output
    assert set(shown(bob.output)[:3]) == set(alice) and shown(bob.output)[3] not in alice
    assert bob.output.count("Another reviewer has screened this work (what they decided stays hidden).") == 3
    assert "alice" not in bob.output and "E-POP-1" not in bob.output
    assert "Progress: 0 of 14 screened by you; 0 included, 0 maybe, 0 excluded" in bob.output
    text = workspace.config_path.read_text(encoding="utf-8")
    workspace.config_path.write_text(text.replace("[screening]\n", "[screening]\nsecond_reviewer_first = false\n"),
                                     encoding="utf-8")
    plain = cli("screen", "--reviewer", "bob", input="q\n")
    assert "3 works screened by another reviewer wait for your decision as second reviewer." in plain.output
    assert "shown first" not in plain.output
    rank = cli("screen", "rank", "--reviewer", "bob", "--top", "14", "--json")
    assert '"awaiting_second_reviewer": 3' in rank.output
    assert len(ids) == 14


def test_second_reviewer_first_must_be_true_or_false(workspace, cli) -> None:
    setup_screening(workspace, reviewers=["alice", "bob"], per_work=2)
    text = workspace.config_path.read_text(encoding="utf-8")
    workspace.config_path.write_text(text.replace("[screening]\n", '[screening]\nsecond_reviewer_first = "yes"\n'),
                                     encoding="utf-8")
    result = cli("screen", "--reviewer", "bob", input="q\n")
    assert result.exit_code == 2 and "screening.second_reviewer_first: must be true or false" in result.output


# -- what the session says --------------------------------------------------------------------


def test_saved_messages_say_the_decision(workspace, cli) -> None:
    setup_screening(workspace, reviewers=["alice"])
    result = cli("screen", "--reviewer", "alice", input="e\n2\ni\nq\n")
    excluded, included = shown(result.output)[:2]
    assert f"Saved: exclude (E-POP-1) on work {excluded}." in result.output
    assert f"Saved: include on work {included}." in result.output
    assert "Saved your decision" not in result.output
    assert "2 decisions saved this session; 2 of 14 title-abstract works screened by alice" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_an_exclusion_reason_is_one_keypress_at_a_terminal(workspace) -> None:
    from tests.terminal import Terminal

    setup_screening(workspace, reviewers=["alice"])
    workspace.close()
    term = Terminal("-C", str(workspace.root), "screen", "--reviewer", "alice")
    term.expect("[q]uit >")
    term.press("e")
    term.expect("Reason: press 1-4")
    term.press("2")  # no Enter: the key decides
    term.expect("[q]uit >")
    term.press("q")
    assert term.finish() == 0
    assert re.search(r"Saved: exclude \(E-POP-1\) on work \d+\.", term.text), term.text
    with workspace.store().read() as conn:
        assert [(d.decision, d.reason) for d in current_decisions(conn, TA)] == [("exclude", "E-POP-1")]


def test_counts_are_pluralised() -> None:
    assert (count(1, "record"), count(2, "record"), count(0, "report")) == ("1 record", "2 records", "0 reports")
    one = RemainingEstimate(expected=1.0, low=0, high=1.0, found=3, labelled=60, unlabelled=40, method="m")
    assert one.summary().startswith("at most 1 relevant record remains (95% confidence)")
    two = RemainingEstimate(expected=1.0, low=0, high=2.0, found=3, labelled=60, unlabelled=40, method="m")
    assert two.summary().startswith("at most 2 relevant records remain")
    waiting = RemainingEstimate(expected=None, low=0, high=None, found=0, labelled=1, unlabelled=40,
                                method="m", needed=1)
    assert waiting.summary() == "relevant records remaining: estimated after 1 more decision"


def test_one_of_everything_reads_in_the_singular(workspace, cli) -> None:
    setup_screening(workspace, reviewers=["alice"])
    with workspace.store().transaction() as conn:
        record_decision(conn, work_id=1, stage=TA, reviewer="alice", decision="include")
    retrieve(workspace, [1])
    rank = cli("screen", "rank", "--stage", FT, "--top", "1")
    assert "full-text queue: 1 work to screen" in rank.output
    result = cli("screen", "--stage", FT, "--reviewer", "alice", input="i\n")
    assert "1 decision saved this session; 1 of 1 full-text work screened by alice" in result.output
    sought = cli("fulltext", "sought", "--all")
    assert "Marked 0 reports as sought" in sought.output


def test_a_retrieval_that_full_text_decisions_rest_on_is_not_taken_back(workspace, passed, cli) -> None:
    retrieved = passed[0]
    ok = cli("screen", "decide", str(retrieved), "--stage", FT, "--reviewer", "alice", "--decision", "include")
    assert ok.exit_code == 0, ok.output
    before = count_rows(workspace)
    refused = cli("fulltext", "not-retrieved", str(retrieved), "--reason", "lost the copy")
    assert refused.exit_code == 2, refused.output
    assert f"work {retrieved} has full-text decisions by alice (include)" in refused.output
    assert f"review screen undo {retrieved} --stage full-text" in refused.output
    assert count_rows(workspace) == before
    undo = cli("screen", "undo", str(retrieved), "--stage", FT, "--reviewer", "alice")
    assert undo.exit_code == 0, undo.output
    again = cli("fulltext", "not-retrieved", str(retrieved), "--reason", "lost the copy")
    assert again.exit_code == 0, again.output
