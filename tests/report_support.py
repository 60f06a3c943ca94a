"""A workspace with an open PRISMA count, for the report tests."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from review.cli import main
from review.store import schema
from review.workspace import Workspace

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def open_workspace(tmp_path: Path) -> Path:
    """A new workspace with one real record (EThOS) included at title-abstract and no
    full-text decision: PRISMA-06 is open. Returns its root."""
    ws = Workspace.create(tmp_path / "ws", title="Open review")
    root = ws.root
    ws.close()
    runner = CliRunner()

    def ok(*args: str) -> None:
        result = runner.invoke(main, ["-C", str(root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    ok("import", str(CORPUS / "ethos.ris"), "--source", "EThOS", "--kind", "register")
    ok("dedup")
    work = Workspace.find(root)
    try:
        with work.store().read() as conn:
            (work_id,) = [r.id for r in conn.execute(select(schema.works.c.id))]
        reviewer = (work.setting("screening", "reviewers", []) or ["tester"])[0]
    finally:
        work.close()
    ok("screen", "decide", str(work_id), "--reviewer", reviewer, "--decision", "include")
    return root
