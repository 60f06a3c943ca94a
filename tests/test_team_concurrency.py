"""A team at once: 20 signed-in browsers and 8 `review screen decide` processes on one review.

A real `review serve --workers 2` (subprocess) serves the worked example, two reviewers per
work: JM screened every work, so each waits for one more reviewer. Twenty accounts take
their next work and decide it, all starting at one moment (so they compete for the same
works); eight CLI processes decide works at the same time; a lead meanwhile tries bulk
resolutions that fail half-way (rolled back) while reading the audit trail. On each backend:

(Each worker shows concurrent reviewers different works, see review.web.claims; the two
workers do not share that hint, so browsers on different workers may still meet.)

- every acknowledged decision (201 with its id; the CLI's "[decision N]") is stored, once,
  as acknowledged; nothing is stored that was not acknowledged;
- two reviewers deciding one work at one moment: one decision and a 409 (the server checks
  inside the writing transaction); the CLI records regardless, as documented, so a work
  decided through both has both decisions;
- a decision is read back at once through any worker; no request fails or hangs (no
  deadlock);
- reads see committed state only: the rolled-back resolutions never show, in the trail or
  the database, and the change stamp pages poll never goes back.
"""

from __future__ import annotations

import random
import re
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from review.cli import main
from review.screening.tables import screening_decisions
from review.store import Store, schema
from review.web.accounts import add_user
from review.workspace import Workspace
from tests.serve_support import PASSWORD, REVIEW, Browser, serving
from tests.web_support import dual_screening, with_users

STAGE = "title-abstract"
WEB = [f"W{i:02d}" for i in range(1, 21)]
CLI = [f"C{i}" for i in range(1, 9)]
#: Next-and-decide cycles each browser makes at most (the run stays well under a minute).
CYCLES = 4
DEADLINE_SECONDS = 120


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request: pytest.FixtureRequest, example_copy: Path) -> Path:
    dual_screening(example_copy)
    with_users(example_copy)
    workspace = Workspace.load(example_copy)
    workspace.add_reviewers(WEB + CLI)
    store = Store.open(workspace.db_url)
    for name in WEB:
        add_user(store, name, password=PASSWORD, role="reviewer", actor="tester")
    store.close()
    if request.param == "postgresql":
        moved = CliRunner().invoke(main, ["-C", str(example_copy), "migrate", "--to",
                                          request.getfixturevalue("postgres_url")])
        assert moved.exit_code == 0, moved.output
    return example_copy


def _decisions(root: Path) -> list:
    store = Store.open(Workspace.find(root).db_url)
    try:
        with store.read() as conn:
            return list(conn.execute(select(screening_decisions).order_by(screening_decisions.c.id)))
    finally:
        store.close()


def _resolve_events(root: Path) -> int:
    store = Store.open(Workspace.find(root).db_url)
    try:
        with store.read() as conn:
            return len(conn.execute(select(schema.events.c.id).where(schema.events.c.action == "resolve")).all())
    finally:
        store.close()


class Results:
    """What every client was told, collected across threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged: list[tuple[int, int, str, str]] = []  # (row id, work, reviewer, decision)
        self.statuses: Counter[int] = Counter()
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


def _browser(url: str, name: str, start: threading.Barrier, results: Results) -> None:
    rng = random.Random(name)
    me = Browser(url, name, keep=True).sign_in()
    check = Browser(url, name, cookie=me.cookie)  # a new connection per read: any worker
    start.wait()
    try:
        _screen(me, check, rng, results)
    finally:
        me.close()


def _screen(me: Browser, check: Browser, rng: random.Random, results: Results) -> None:
    name = me.name
    for _ in range(CYCLES):
        status, body, _ = me.call("GET", f"/api/v1/screen/{STAGE}/next")
        if status != 200:
            results.problem(f"{name} next: {status} {body}")
            return
        if body["work"] is None:
            return
        work = body["work"]["id"]
        decision = rng.choice(["include", "exclude", "exclude"])
        status, answer, _ = me.call("POST", f"/api/v1/screen/{STAGE}/decisions", {"work": work, "decision": decision})
        with results.lock:
            results.statuses[status] += 1
        if status == 201:
            with results.lock:
                results.acknowledged.append((answer["id"], work, name, decision))
            mine = check.call("GET", f"/api/v1/works/{work}")[1]["work"]["my_decisions"].get(STAGE)
            if not mine or mine["id"] != answer["id"]:
                results.problem(f"{name} saved work {work} (row {answer['id']}) but read back {mine}")
        elif status != 409:
            results.problem(f"{name} decide {work}: {status} {answer}")


def _lead(url: str, conflict: int, stop: threading.Event, results: Results) -> None:
    """Bulk resolutions that fail on their second item (all or none), while reading."""
    jm = Browser(url, "JM").sign_in()
    stamps = []
    while not stop.is_set():
        status, body, _ = jm.call("POST", "/api/v1/resolutions",
                                  {"items": [{"stage": STAGE, "work": conflict}, {"stage": STAGE, "work": 999999}],
                                   "decision": "include"})
        if status not in (404, 422):
            results.problem(f"bulk resolution with an unknown work: {status} {body}")
        seen = jm.call("GET", "/api/v1/log?action=resolve")[1]["events"]
        if seen:
            results.problem(f"a rolled-back resolution was read: {seen}")
        stamps.append(jm.call("GET", "/api/v1/version")[1]["version"])
    if stamps != sorted(stamps):
        results.problem(f"the change stamp went back: {stamps}")


def _cli(root: Path, name: str, work: int) -> subprocess.Popen[str]:
    return subprocess.Popen([*REVIEW, "-C", str(root), "screen", "decide", str(work), "--stage", STAGE,
                             "--reviewer", name, "--decision", "exclude"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_twenty_browsers_and_eight_cli_processes_at_once(team: Path) -> None:
    jm = [r for r in _decisions(team) if r.stage == STAGE and r.reviewer == "JM"]
    jm_works = sorted({r.work_id for r in jm})
    conflict = next(r.work_id for r in jm if r.decision == "exclude")
    made = CliRunner().invoke(main, ["-C", str(team), "screen", "decide", str(conflict), "--reviewer", "SA",
                                     "--decision", "include"])
    assert made.exit_code == 0, made.output
    before = _decisions(team)
    cli_works = random.Random(18).sample([w for w in jm_works if w != conflict], len(CLI))
    results = Results()
    started = time.monotonic()
    with serving(team, workers=2) as server:
        start = threading.Barrier(len(WEB) + 1)
        browsers = [threading.Thread(target=_browser, args=(server.url, name, start, results), daemon=True)
                    for name in WEB]
        for thread in browsers:
            thread.start()
        start.wait(timeout=DEADLINE_SECONDS)  # every browser signed in: go
        processes = {name: _cli(team, name, work) for name, work in zip(CLI, cli_works, strict=True)}
        stop = threading.Event()
        lead = threading.Thread(target=_lead, args=(server.url, conflict, stop, results), daemon=True)
        lead.start()
        for thread in browsers:
            thread.join(timeout=max(1.0, DEADLINE_SECONDS - (time.monotonic() - started)))
        outputs = {name: p.communicate(timeout=DEADLINE_SECONDS) for name, p in processes.items()}
        stop.set()
        lead.join(timeout=30)
        assert not any(t.is_alive() for t in [*browsers, lead]), "a request hung (deadlock?)"
    assert results.problems == []
    assert results.statuses[201] >= 20 and set(results.statuses) <= {201, 409}
    for name, (out, err) in outputs.items():
        assert processes[name].returncode == 0, err
        row = int(re.search(r"\[decision (\d+)\]", out).group(1))
        results.acknowledged.append((row, cli_works[CLI.index(name)], name, "exclude"))

    after = {r.id: r for r in _decisions(team)}
    new = {i: r for i, r in after.items() if i not in {b.id for b in before}}
    for row, work, name, decision in results.acknowledged:  # stored, as acknowledged
        stored = after.get(row)
        assert stored is not None, f"acknowledged row {row} of {name} is missing"
        assert (stored.work_id, stored.reviewer, stored.decision, stored.kind) == (work, name, decision, "decision")
    assert sorted(new) == sorted(row for row, *_ in results.acknowledged)  # nothing else, nothing twice
    per_reviewer = Counter((r.reviewer, r.work_id) for r in new.values())
    assert max(per_reviewer.values()) == 1
    web_per_work = Counter(r.work_id for r in new.values() if r.origin == "web")
    assert max(web_per_work.values()) == 1  # one decision needed: one 201, any other a 409
    assert not [r for r in after.values() if r.kind == "resolution"] and _resolve_events(team) == 0
