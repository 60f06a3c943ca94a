"""`review report` while a PRISMA count is open: the tables and plots are written, the flow
diagram is refused with its coded problems, the exit status says so; --draft draws it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import open_workspace

from review.cli import main


@pytest.fixture
def opened(tmp_path: Path) -> Path:
    return open_workspace(tmp_path)


def test_open_counts_refuse_only_the_flow_diagram(opened: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(opened), "report", "--format", "md,csv,svg"],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    reports = opened / "reports"
    written = sorted(p.name for p in reports.iterdir())
    assert "table-documents.md" in written and "table-criteria.csv" in written
    assert "plot-mmat-summary.svg" in written and "plot-evidence-matrix.svg" in written
    assert not [name for name in written if name.startswith("prisma.")]
    assert f"Rendered {len(written)} files into" in result.output
    assert "PRISMA flow diagram not drawn" in result.output
    assert "PRISMA-06" in result.output and "--draft" in result.output


def test_draft_draws_the_diagram_marked(opened: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(opened), "report", "prisma", "--draft", "--format", "svg"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "DRAFT" in (opened / "reports" / "prisma.svg").read_text(encoding="utf-8")
    assert "DRAFT" in result.output
