"""Two reviewers screening at once, in two real processes, on one SQLite file: nothing lost."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from screening_support import count_rows, setup_screening

from review.screening.decisions import current_decisions

ROUNDS = 6

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from review.workspace import Workspace
    from review.screening.decisions import record_decision

    root, reviewer, go, rounds = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    store = Workspace.find(root).store()
    while not go.exists():  # start together
        time.sleep(0.005)
    for round in range(rounds):
        decision = ("include", "exclude")[round % 2]  # a change of mind each round: a new row each time
        for work in range(1, 15):
            with store.transaction() as conn:  # one transaction per decision, as in a session
                record_decision(conn, work_id=work, stage="title-abstract", reviewer=reviewer,
                                decision=decision, reviewers=["alice", "bob"], reviewers_per_work=2)
    print("done")
    """
)


def test_two_processes_lose_nothing(workspace, tmp_path):
    ids = setup_screening(workspace, reviewers=["alice", "bob"], per_work=2)
    workspace.close()
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(workspace.root), name, str(go), str(ROUNDS)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("alice", "bob")
    ]
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    assert count_rows(workspace) == 2 * ROUNDS * len(ids)
    with workspace.store().read() as conn:
        current = current_decisions(conn, "title-abstract")
    last = ("include", "exclude")[(ROUNDS - 1) % 2]
    assert sorted((d.reviewer, d.work_id) for d in current) == sorted(
        (r, w) for r in ("alice", "bob") for w in ids
    )
    assert {d.decision for d in current} == {last}
