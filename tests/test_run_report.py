"""`review run` says for every stage whether it ran, was skipped (why) or failed."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from review.cli import main
from review.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def _run(root: Path):
    return CliRunner().invoke(main, ["-C", str(root), "run"],
                              env={"REVIEW_ACTOR": os.environ.get("REVIEW_ACTOR", "tester")})


def _lines(output: str) -> dict[str, tuple[str, str]]:
    """stage -> (status, summary) from the per-stage lines."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition(" ")
        name, sep, summary = rest.strip().partition(": ")
        if status in ("ran", "skipped", "failed") and sep:
            found[name] = (status, summary)
    return found


def test_every_stage_says_what_it_did(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    first = _run(root)
    assert first.exit_code == 0, first.output
    stages = _lines(first.output)
    assert stages["import"][0] == "skipped" and "no inputs" in stages["import"][1]
    assert {"import", "dedup", "screening", "reports"} <= set(stages)
    (root / "corpus" / "cinahl.ris").write_bytes((DATA / "cinahl.ris").read_bytes())
    second = _lines(_run(root).output)
    assert second["import"] == ("ran", "1 search exports, 2 new records")
    third = _run(root)
    assert _lines(third.output)["import"] == ("skipped", "nothing changed: 1 search exports already imported")
    assert "warning: source 'cinahl' has no search date" in third.output


def test_a_failing_stage_is_reported_and_earlier_stages_stay_done(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    (root / "corpus" / "cinahl.ris").write_bytes((DATA / "cinahl.ris").read_bytes())
    folder = root / "extraction" / "screening"
    folder.mkdir(parents=True)
    (folder / "decisions.csv").write_text(
        "work_id,stage,reviewer,decision\n1,title-abstract,JM,perhaps\n", encoding="utf-8")
    result = _run(root)
    assert result.exit_code == 2
    stages = _lines(result.output)
    assert stages["import"][0] == "ran" and stages["dedup"][0] == "ran"
    assert stages["screening"][0] == "failed" and "decisions.csv:2" in stages["screening"][1]
    assert stages["reports"] == ("skipped", "not run: the screening stage failed")
    assert "Error: " in result.output and "The screening stage failed" in result.output
    assert "Records: 2" in result.output  # the status after the run: import and dedup stayed done
    assert "Works (after deduplication): 2" in result.output
