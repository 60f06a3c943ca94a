"""Hostile record content: SQL, markup, LaTeX specials, right-to-left text, emoji, control
characters and 100 kB strings are stored verbatim and come back out unchanged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from review.cli import main
from review.store import schema
from review.workspace import Workspace

SQL = "'); DROP TABLE records; --"
MARKUP = '<script>alert("x")</script> & <b>bold</b>'
LATEX = r"50% of {groups} & $x_1$ #2 ~ ^ \relax"
RTL = "دعم الأقران للأمهات \u202etxt.exe"
EMOJI = "peer support 👩‍👧 🤱"
CONTROL = "tab\there\x07bell\x1bescape"
TITLES = [SQL, MARKUP, LATEX, RTL, EMOJI, CONTROL, "long " + "x" * 100_000]


def hostile_ris(path: Path) -> Path:
    lines = []
    for number, title in enumerate(TITLES, start=1):
        lines += ["TY  - JOUR", f"TI  - {title}", f"AU  - {SQL[:8]}, Bobby", f"PY  - 20{10 + number}",
                  f"AB  - {MARKUP} {LATEX}", "ER  - ", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_hostile_titles_are_stored_verbatim_and_tables_survive(workspace: Workspace, tmp_path: Path) -> None:
    export = hostile_ris(tmp_path / "hostile.ris")
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(workspace.root), "import", str(export), "--source", "Evil",
                                  "--searched", "2024-01-01"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with workspace.store().read() as conn:
        rows = conn.execute(select(schema.records.c.title, schema.records.c.original)
                            .order_by(schema.records.c.id)).all()
    titles = [row.title for row in rows]
    assert len(titles) == len(TITLES)
    assert titles[0] == SQL and titles[2] == LATEX and titles[4] == EMOJI
    # Normalised titles drop markup tags (exports carry <i>, <sup>); the original keeps them.
    assert titles[1] == 'alert("x") & bold'
    assert json.loads(rows[1].original)["TI"] in (MARKUP, [MARKUP])
    assert RTL.split()[0] in titles[3]
    assert len(titles[6]) > 100_000
    result = runner.invoke(main, ["-C", str(workspace.root), "dedup"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["-C", str(workspace.root), "export", "records", "--format", "csv",
                                  "--output", str(tmp_path / "out.csv")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert [r["title"] for r in rows][:3] == [SQL, titles[1], LATEX]
