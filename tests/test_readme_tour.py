"""README's five-minute tour, run top to bottom on a copy of the worked example.

Each `review ...` line of the tour's code block runs in order, as a user would type it after
the README's first command (`review run`). The interactive ones are run non-interactively:
`review dedup check` and `review screen` find nothing left to do in the worked example, and
`review appraise 24 --reviewer JM` is answered with "q" (quit at the first question).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
#: What a user types at an interactive prompt in the tour (the command's first words -> input).
ANSWERS = {("appraise", "24"): "q\n"}
#: What each step must show (the command's first two words -> text in its output).
EXPECT = {
    ("status",): "Records: 213",
    ("import", "corpus/cinahl.ris"): "already imported",
    ("sources",): "PsycInfo",
    ("dedup",): "213 records are in 74 works",
    ("dedup", "check"): "No uncertain pairs",
    ("dedup", "explain"): "Work 24",
    ("criteria",): "E-TYPE-1",
    ("screen", "--stage"): "queue is empty",
    ("screen", "agreement"): "no works screened by two reviewers",
    ("studies",): "#22",
    ("appraise", "table"): "Mixed Methods Appraisal Tool",
    ("appraise", "24"): "0 of 7 questions answered",
    ("extract", "list"): "Sembi (2018)",
    ("extract", "check"): "Checked 56 fragment(s): 56 unchanged",
    ("theories", "--topic"): "3 supported",
    ("report",): "prisma",
    ("users", "add"): "Added user JM (lead)",
    ("serve", "--check"): "would listen on http://127.0.0.1:8000/",
}


def tour_commands() -> list[list[str]]:
    """The `review` command lines of README's tour, comments removed, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## A five-minute tour", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README's tour has no ```sh block"
    commands = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            assert words[0] == "review", line
            commands.append(words[1:])
    return commands


def _expected(words: list[str]) -> str | None:
    for size in (2, 1):
        if tuple(words[:size]) in EXPECT:
            return EXPECT[tuple(words[:size])]
    return None


def test_tour_covers_every_stage() -> None:
    firsts = [words[0] for words in tour_commands()]
    for stage in ("status", "import", "dedup", "screen", "appraise", "extract", "theories", "report"):
        assert stage in firsts, stage
    assert all(_expected(words) for words in tour_commands()), "a tour step has no expected output"


def test_readme_tour_runs_top_to_bottom(example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = example_copy  # the committed files after one `review run --fresh` (tests/conftest.py)
    monkeypatch.chdir(root)  # "from the repository root": relative paths as the reader types them
    runner = CliRunner()
    env = {"REVIEW_ACTOR": "JM"}
    first = runner.invoke(main, ["run"], env=env)
    assert first.exit_code == 0, first.output
    for words in tour_commands():
        answer = next((a for key, a in ANSWERS.items() if tuple(words[:len(key)]) == key), None)
        result = runner.invoke(main, words, input=answer, env=env)
        shown = " ".join(words)
        assert result.exit_code == 0, f"review {shown}:\n{result.output}"
        assert _expected(words) in result.output, f"review {shown}:\n{result.output}"
    assert (root / "reports" / "prisma.svg").is_file()


@pytest.mark.parametrize("image", ["docs/img/prisma.png", "docs/img/theory-testing.png"])
def test_readme_pictures_exist(image: str) -> None:
    assert f"]({image})" in README.read_text(encoding="utf-8")
    assert (README.parent / image).stat().st_size > 10_000
