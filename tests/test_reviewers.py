"""Reviewer names: given at init, unknown names refused (a typo must not split a reviewer in two)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from click.testing import CliRunner

from review.cli import main

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def _review(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input,
                              env={"REVIEW_ACTOR": os.environ.get("REVIEW_ACTOR", "tester")})


def _reviewers(root: Path) -> list[str]:
    return tomllib.loads((root / "review.toml").read_text(encoding="utf-8"))["screening"]["reviewers"]


def _workspace(tmp_path: Path, *init: str) -> Path:
    root = tmp_path / "ws"
    created = _review("init", str(root), *init)
    assert created.exit_code == 0, created.output
    assert _review("-C", str(root), "import", str(DATA / "cinahl.ris"), "--searched", "2020").exit_code == 0
    assert _review("-C", str(root), "dedup", "--quiet").exit_code == 0
    return root


def test_init_writes_the_reviewers_and_unknown_names_are_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "--reviewers", "JM, SA")
    assert _reviewers(root) == ["JM", "SA"]
    typo = _review("-C", str(root), "screen", "decide", "1", "--reviewer", "JMM", "--decision", "include")
    assert typo.exit_code == 2
    assert "unknown reviewer 'JMM' (did you mean 'JM'?)" in typo.output and "--add-reviewer" in typo.output
    ok = _review("-C", str(root), "screen", "decide", "1", "--reviewer", "JM", "--decision", "include")
    assert ok.exit_code == 0, ok.output


def test_add_reviewer_keeps_review_toml_comments(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "--reviewer", "JM")
    text = (root / "review.toml").read_text(encoding="utf-8")
    assert "# Who screens" in text
    failed = _review("-C", str(root), "screen", "decide", "999", "--reviewer", "KT", "--add-reviewer",
                     "--decision", "include")
    assert failed.exit_code == 2 and _reviewers(root) == ["JM"]  # nothing added when the command fails
    added = _review("-C", str(root), "screen", "decide", "1", "--reviewer", "KT", "--add-reviewer",
                    "--decision", "exclude")
    assert added.exit_code == 0, added.output
    assert "Added 'KT' to review.toml [screening] reviewers" in added.output
    assert _reviewers(root) == ["JM", "KT"]
    assert "# Who screens" in (root / "review.toml").read_text(encoding="utf-8")


def test_without_reviewers_the_first_name_used_is_the_first_reviewer(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    assert _reviewers(root) == []
    first = _review("-C", str(root), "screen", "decide", "1", "--reviewer", "alice", "--decision", "include")
    assert first.exit_code == 0 and "as the first reviewer" in first.output
    assert _reviewers(root) == ["alice"]
    second = _review("-C", str(root), "screen", "decide", "2", "--reviewer", "Alice", "--decision", "include")
    assert second.exit_code == 2 and "did you mean 'alice'" in second.output


def test_names_are_checked_at_init(tmp_path: Path) -> None:
    bad = _review("init", str(tmp_path / "ws"), "--reviewer", "  ")
    assert bad.exit_code == 2 and "a reviewer name is needed" in bad.output
    assert not (tmp_path / "ws" / "review.toml").exists()


def test_a_failed_session_does_not_add_the_name(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert _review("init", str(root), "--reviewer", "JM").exit_code == 0  # no works yet
    failed = _review("-C", str(root), "screen", "--reviewer", "KT", "--add-reviewer", input="q\n")
    assert failed.exit_code == 2 and "review dedup" in failed.output
    assert _reviewers(root) == ["JM"]
