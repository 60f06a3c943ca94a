"""Crash safety: SIGKILL at random moments never loses an acknowledged decision or leaves
half an import.

An import of a file big enough to take seconds, and a stream of screening decisions each
acknowledged on stdout after its commit, are killed with SIGKILL (the whole process group,
worker processes included) at random points over several trials. Afterwards SQLite's
integrity check passes, the import is wholly there or wholly absent, and every decision
acknowledged before the kill is present.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from screening_support import setup_screening

from review.store import Store
from review.workspace import Workspace

SAMPLE = Path(__file__).resolve().parent / "data" / "screening" / "nagtegaal_sample.ris"
TRIALS = 4


def _big_ris(path: Path, copies: int) -> int:
    """A RIS file of ``copies`` x the sample's records, each copy's titles made distinct."""
    text = SAMPLE.read_text(encoding="utf-8")
    records = text.count("ER  -")
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            handle.write(text.replace("TI  - ", f"TI  - [{copy}] "))
            handle.write("\n")
    return records * copies


def _kill_group(proc: subprocess.Popen, after: float) -> None:
    time.sleep(after)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_killed_import_is_wholly_there_or_wholly_absent(workspace: Workspace, tmp_path: Path) -> None:
    export = tmp_path / "big.ris"
    expected = _big_ris(export, 60)
    workspace.close()
    db = workspace.root / "review.db"
    rng = random.Random(7)
    outcomes = []
    for trial in range(TRIALS):
        proc = subprocess.Popen(
            [sys.executable, "-c", "from review.cli import main; main()", "-C", str(workspace.root),
             "import", str(export), "--source", f"Big {trial}", "--searched", "2024-01-01"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _kill_group(proc, rng.uniform(0.3, 3.0))
        assert _integrity(db) == "ok"
        conn = sqlite3.connect(db)
        sources = conn.execute("SELECT id, records_read FROM sources").fetchall()
        counts = dict(conn.execute("SELECT source_id, COUNT(*) FROM records GROUP BY source_id").fetchall())
        conn.close()
        assert len(sources) <= 1
        for source_id, read in sources:
            assert read == expected and counts.get(source_id) == expected  # all of it
        assert sum(counts.values()) in (0, expected)  # or none of it
        outcomes.append(bool(sources))
        if sources:  # the file is in: it would be skipped as already imported; start again
            db.unlink()
            for suffix in ("-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            Store.open(f"sqlite:///{db}").close()  # the schema, as `review init` leaves it
    assert not all(outcomes), "every kill came too late to interrupt the import"


ACKED = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from review.workspace import Workspace
    from review.screening.decisions import record_decision

    store = Workspace.find(Path(sys.argv[1])).store()
    works = [int(w) for w in sys.argv[2].split(",")]
    n = 0
    while True:
        for work in works:
            decision = ("include", "maybe")[n % 2]
            with store.transaction() as conn:
                decision_id = record_decision(conn, work_id=work, stage="title-abstract", reviewer="alice",
                                              decision=decision, reviewers=["alice"], reviewers_per_work=1)
            print(decision_id, flush=True)  # acknowledged: committed
            n += 1
    """
)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_killed_screening_keeps_every_acknowledged_decision(workspace: Workspace, tmp_path: Path) -> None:
    ids = setup_screening(workspace, reviewers=["alice"], per_work=1)
    workspace.close()
    db = workspace.root / "review.db"
    rng = random.Random(11)
    acknowledged: list[int] = []
    for _trial in range(TRIALS):
        proc = subprocess.Popen([sys.executable, "-c", ACKED, str(workspace.root), ",".join(map(str, ids))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        _kill_group(proc, rng.uniform(0.5, 2.0))
        out, err = proc.communicate()
        assert "Traceback" not in err and "Error" not in err, err
        acknowledged += [int(line) for line in out.split() if line.strip().isdigit()]
        assert _integrity(db) == "ok"
    conn = sqlite3.connect(db)
    stored = {row[0] for row in conn.execute("SELECT id FROM screening_decisions")}
    conn.close()
    assert acknowledged, "no decision was acknowledged before the kills"
    assert set(acknowledged) <= stored
