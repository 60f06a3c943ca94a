"""The interactive commands at a real terminal (a pseudo-terminal): keys, redraws, counts."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.workspace import Workspace
from tests.screening_support import setup_screening
from tests.terminal import Terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

DEDUP = Path(__file__).resolve().parent / "data" / "dedup"
CLEAR = "\x1b[2J"


def _review(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), *args],
                                env={"REVIEW_ACTOR": os.environ.get("REVIEW_ACTOR", "tester")})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def pairs(tmp_path: Path) -> Path:
    """A workspace with 4 uncertain duplicate pairs waiting for `review dedup check`."""
    ws = Workspace.create(tmp_path / "ws")
    ws.close()
    root = ws.root
    for name in ("cinahl.ris", "scopus.ris", "pubmed.txt", "webofscience.ris"):
        _review(root, "import", str(DEDUP / name), "--searched", "2020")
    assert "4 uncertain pairs" in _review(root, "dedup", "--threshold", "1.0")
    return root


def _counters(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"Pair (\d+) of (?:about )?(\d+)", text)]


def test_dedup_check_takes_single_keys_and_counts_skipped_pairs_as_left(pairs: Path) -> None:
    term = Terminal("-C", str(pairs), "dedup", "check")
    for _ in range(4):
        term.expect("[q]uit >")
        term.press("s")  # one keypress, no Enter
    term.expect("No more uncertain pairs.")
    assert term.finish() == 0
    assert "4 uncertain pairs left." in term.text
    assert json.loads(_review(pairs, "status", "--json"))["stages"]["dedup"]["uncertain pairs"] == 4
    assert term.raw.count(CLEAR) == 4  # each pair on a fresh screen
    assert _counters(term.text) == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_dedup_check_counter_stays_within_its_total_after_an_undo(pairs: Path) -> None:
    earlier = CliRunner().invoke(main, ["-C", str(pairs), "dedup", "check"], input="y\nq\n")
    assert "Saved: same." in earlier.output  # an answer given in an earlier session
    second = Terminal("-C", str(pairs), "dedup", "check")
    second.expect("[q]uit >")
    second.press("u")  # withdraws the answer of the earlier session: one more pair to ask
    while second.expect_any("[q]uit >", "No more uncertain pairs") != "No more uncertain pairs":
        second.press("n")
    assert second.finish() == 0
    counters = _counters(second.text)
    assert len(counters) >= 4 and all(shown <= total for shown, total in counters), counters


def test_screen_note_undo_and_redraw(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    setup_screening(ws, reviewers=["alice"])
    ws.close()
    term = Terminal("-C", str(ws.root), "screen", "--reviewer", "alice")
    term.expect("[q]uit >")
    term.press("n")
    term.expect("Note:")
    term.send("check the design\r")
    shown = term.expect("[q]uit >")
    assert "Note kept with your decision" not in shown  # there is no decision yet
    assert "saved with the decision you make on this work: check the design" in shown
    term.press("i")
    term.expect("[q]uit >")
    term.press("m")
    term.expect("[q]uit >")
    term.press("u")  # the "maybe" is withdrawn: that work is shown again
    term.expect("[q]uit >")
    term.press("q")
    assert term.finish() == 0
    assert "1 decision saved this session" in term.text  # the undone one is not counted
    assert term.raw.count(CLEAR) == 4  # every work drawn on a fresh screen (the undone one twice)


def test_init_asks_for_the_reviewers_on_a_terminal(tmp_path: Path) -> None:
    term = Terminal("init", str(tmp_path / "ws"))
    term.expect("Reviewers")
    term.send("JM, SA\r")
    term.expect("Created workspace")
    assert term.finish() == 0
    config = tomllib.loads((tmp_path / "ws" / "review.toml").read_text(encoding="utf-8"))
    assert config["screening"]["reviewers"] == ["JM", "SA"]


def test_dedup_shows_a_progress_bar_on_a_terminal_only(pairs: Path) -> None:
    term = Terminal("-C", str(pairs), "dedup", "--threshold", "1.0")
    assert term.finish() == 0
    assert "Deduplicating" in term.text and "100%" in term.text
    piped = CliRunner().invoke(main, ["-C", str(pairs), "dedup"])
    assert "Deduplicating" not in piped.output and "%" not in piped.output
    quiet = Terminal("-C", str(pairs), "dedup", "--quiet")
    assert quiet.finish() == 0 and "Deduplicating" not in quiet.text
