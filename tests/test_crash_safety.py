"""Crash safety: SIGKILL mid-work never loses an acknowledged decision or leaves half an
import.

An import, and a stream of screening decisions each acknowledged on stdout after its commit,
are killed with SIGKILL (the whole process group, worker processes included) at a known point
in every trial, whatever the machine's speed: the import inside its open transaction (it
pauses there when ``REVIEW_TEST_PAUSE_IMPORT`` names a file, see ``review.corpus.importer``),
the decisions after a random number of acknowledgements. Afterwards SQLite's integrity check
passes, the import is wholly absent (and a final import left to finish is wholly there), and
every decision acknowledged before the kill is present.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from screening_support import setup_screening

from review.corpus.importer import PAUSE_ENV
from review.workspace import Workspace

SAMPLE = Path(__file__).resolve().parent / "data" / "screening" / "nagtegaal_sample.ris"
TRIALS = 4
#: Seconds a process may take to reach its kill point (imports of numpy etc. on a busy machine).
PATIENCE = 120


def _big_ris(path: Path, copies: int) -> int:
    """A RIS file of ``copies`` x the sample's records, each copy's titles made distinct."""
    text = SAMPLE.read_text(encoding="utf-8")
    records = text.count("ER  -")
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            handle.write(text.replace("TI  - ", f"TI  - [{copy}] "))
            handle.write("\n")
    return records * copies


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _import(root: Path, export: Path, source: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from review.cli import main; main()", "-C", str(root),
         "import", str(export), "--source", source, "--searched", "2024-01-01"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)


def _wait_for_pause(proc: subprocess.Popen, marker: Path) -> int:
    """Records stored when the import paused inside its transaction (it is still running)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text(encoding="utf-8").strip():
            return int(marker.read_text(encoding="utf-8"))
        if proc.poll() is not None:
            pytest.fail(f"the import ended (exit {proc.returncode}) before its pause: {proc.stderr.read()}")
        time.sleep(0.01)
    _kill_group(proc)
    pytest.fail(f"the import did not reach its pause within {PATIENCE} s")


def _stored(db: Path) -> tuple[list[tuple[int, int]], int]:
    """(source id, records read) of every source, and the number of records."""
    conn = sqlite3.connect(db)
    try:
        sources = conn.execute("SELECT id, records_read FROM sources").fetchall()
        records = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    finally:
        conn.close()
    return sources, records


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_killed_import_is_wholly_there_or_wholly_absent(workspace: Workspace, tmp_path: Path) -> None:
    export = tmp_path / "big.ris"
    expected = _big_ris(export, 60)
    workspace.close()
    db = workspace.root / "review.db"
    for trial in range(TRIALS):
        marker = tmp_path / f"paused-{trial}"
        proc = _import(workspace.root, export, f"Big {trial}", {**os.environ, PAUSE_ENV: str(marker)})
        try:
            inserted = _wait_for_pause(proc, marker)
        finally:
            _kill_group(proc)
            _, err = proc.communicate()
        assert inserted > 0  # killed with records inserted, not yet committed
        assert proc.returncode == -signal.SIGKILL, err
        assert _integrity(db) == "ok"
        assert _stored(db) == ([], 0), f"trial {trial}: part of a killed import is in the database"
    env = {key: value for key, value in os.environ.items() if key != PAUSE_ENV}
    proc = _import(workspace.root, export, "Big", env)
    _, err = proc.communicate(timeout=PATIENCE)
    assert proc.returncode == 0, err
    assert _integrity(db) == "ok"
    sources, records = _stored(db)
    assert [read for _, read in sources] == [expected] and records == expected  # all of it


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
        watchdog = threading.Timer(PATIENCE, _kill_group, [proc])
        watchdog.start()
        try:
            wanted = rng.randint(1, 40)  # kill after this many acknowledgements, whatever the speed
            seen = [proc.stdout.readline() for _ in range(wanted)]
            time.sleep(rng.uniform(0, 0.01))  # somewhere inside the next decision's transaction
        finally:
            watchdog.cancel()
            _kill_group(proc)
        out, err = proc.communicate()
        assert all(line.strip().isdigit() for line in seen), f"the writer stopped before its kill: {err}"
        assert proc.returncode == -signal.SIGKILL
        assert "Traceback" not in err and "Error" not in err, err
        acknowledged += [int(line) for line in [*seen, *out.split()] if line.strip().isdigit()]
        assert _integrity(db) == "ok"
    conn = sqlite3.connect(db)
    stored = {row[0] for row in conn.execute("SELECT id FROM screening_decisions")}
    conn.close()
    assert acknowledged, "no decision was acknowledged before the kills"
    assert set(acknowledged) <= stored
