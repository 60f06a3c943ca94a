"""Appraisal and fragment sheets imported by several reviewers at once, on one SQLite file:
every judgement and fragment each process loaded is there exactly once, and none failed
with "database is locked"."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from review.appraisal.tables import appraisal_judgements
from review.cli import main
from review.extraction.tables import fragments
from review.workspace import Workspace

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from click.testing import CliRunner
    from review.cli import main

    root, go, args = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    while not go.exists():
        time.sleep(0.005)
    result = CliRunner().invoke(main, ["-C", root, *args], env={"REVIEW_ACTOR": "worker"})
    print(result.output, flush=True)
    sys.exit(result.exit_code)
    """
)


def _start_together(root: Path, go: Path, commands: list[list[str]]) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(go), *command],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for command in commands]
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert "locked" not in out + err
        assert proc.returncode == 0, out + err


def _add_reviewers(root: Path, names: list[str]) -> None:
    config = root / "review.toml"
    text = config.read_text(encoding="utf-8")
    listed = ", ".join(f'"{n}"' for n in ["JM", "SA", *names])
    config.write_text(re.sub(r"reviewers = \[[^\]]*\]", f"reviewers = [{listed}]", text, count=1), encoding="utf-8")


@pytest.mark.parametrize("writers", [2, 8])
def test_reviewers_importing_appraisal_sheets_at_once_lose_nothing(example_copy: Path, tmp_path: Path,
                                                                    writers: int) -> None:
    names = [f"a{n}" for n in range(writers)]
    _add_reviewers(example_copy, names)
    template = tmp_path / "template.csv"
    result = CliRunner().invoke(main, ["-C", str(example_copy), "appraise", "export", "--template",
                                       "--reviewer", "JM", "--output", str(template)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(template.read_text(encoding="utf-8"))))
    header = list(rows[0])
    commands = []
    for name in names:
        sheet = tmp_path / f"{name}.csv"
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            for row in rows:
                if row["item"] in ("S1", "S2"):
                    writer.writerow({**row, "reviewer": name, "answer": "yes", "comment": f"by {name}"})
        commands.append(["appraise", "import", str(sheet)])
    _start_together(example_copy, tmp_path / "go", commands)
    expected = sum(1 for row in rows if row["item"] in ("S1", "S2"))
    ws = Workspace.find(example_copy)
    with ws.store().read() as conn:
        stored = conn.execute(select(appraisal_judgements.c.reviewer, appraisal_judgements.c.work_id,
                                     appraisal_judgements.c.item)
                              .where(appraisal_judgements.c.reviewer.in_(names))
                              .where(appraisal_judgements.c.item != "category")).all()
    ws.close()
    for name in names:
        mine = [(w, i) for r, w, i in stored if r == name]
        assert len(mine) == expected and len(set(mine)) == expected  # each exactly once


def test_coders_importing_fragment_sheets_at_once_lose_nothing(example_copy: Path, tmp_path: Path) -> None:
    names = [f"c{n}" for n in range(4)]
    _add_reviewers(example_copy, names)
    exported = tmp_path / "fragments.csv"
    result = CliRunner().invoke(main, ["-C", str(example_copy), "extract", "export", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))[:6]
    commands = []
    for name in names:
        sheet = tmp_path / f"{name}.csv"
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            for row in rows:  # the same passages, coded again by another coder: new fragments
                writer.writerow({**row, "fragment_id": "", "coder": name, "verified": ""})
        commands.append(["extract", "import", str(sheet)])
    _start_together(example_copy, tmp_path / "go", commands)
    ws = Workspace.find(example_copy)
    with ws.store().read() as conn:
        coders = [c for (c,) in conn.execute(select(fragments.c.coder).where(fragments.c.coder.in_(names)))]
    ws.close()
    assert sorted(coders) == sorted(name for name in names for _ in rows)
