"""Eight reviewers at once through the real command (`review screen decide`), on one SQLite
file: every decision each process made is there exactly once, each reviewer still sees only
their own decisions, and no command failed with "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from screening_support import configure, setup_screening

from review.screening.decisions import reviewer_decisions
from review.screening.tables import screening_decisions
from review.workspace import Workspace

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from click.testing import CliRunner
    from review.cli import main

    root, reviewer, go, works = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4].split(",")
    runner = CliRunner()
    while not go.exists():
        time.sleep(0.005)
    for rnd, decision in enumerate(("include", "maybe")):
        for work in works:
            result = runner.invoke(main, ["-C", root, "screen", "decide", work, "--stage", "title-abstract",
                                          "--reviewer", reviewer, "--decision", decision])
            if result.exit_code != 0:
                print("FAILED", work, result.output, flush=True)
                sys.exit(1)
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("writers", [2, 8])
def test_many_reviewers_deciding_at_once_lose_nothing(workspace: Workspace, tmp_path: Path, writers: int) -> None:
    names = [f"r{n}" for n in range(writers)]
    ids = setup_screening(workspace, reviewers=names, per_work=writers)
    configure(workspace, reviewers=names, per_work=writers)
    workspace.close()
    go = tmp_path / "go"
    works = ",".join(map(str, ids[:5]))
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(workspace.root), name, str(go), works],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in names]
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert "locked" not in out + err
        assert proc.returncode == 0, out + err
    ws = Workspace.find(workspace.root)
    with ws.store().read() as conn:
        rows = conn.execute(screening_decisions.select()).all()
        for name in names:
            mine = [r for r in rows if r.reviewer == name]
            assert len(mine) == 2 * 5  # each decision exactly once: include, then maybe
            seen = reviewer_decisions(conn, "title-abstract", name)
            assert set(seen) == set(ids[:5])
            assert {d.reviewer for d in seen.values()} == {name}  # blinding: only their own
            assert {d.decision for d in seen.values()} == {"maybe"}
    ws.close()
