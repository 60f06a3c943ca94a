"""`review serve --workers N`: nothing a worker keeps for itself breaks a team.

Several worker processes serve one review. Sessions, sign-in slow-downs and the Origin rule
live in the database or the request, so any worker accepts any signed-in browser. Each
worker keeps each reviewer's queue (and model) in memory; these tests show that a queue in
one worker sees what was decided through another worker or the CLI, and that the server's
checks (already decided: 409) are made on committed state inside the writing transaction.

In process, two apps over one workspace stand for two workers; at the end real servers
(`review serve --workers 2` in a subprocess) are driven over HTTP on both backends.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from starlette.testclient import TestClient

from review.cli import main
from review.screening.decisions import record_decision
from review.screening.tables import screening_decisions
from review.store import Store
from review.workspace import Workspace
from tests.serve_support import REVIEW, Browser, cpu_ticks, request, serving
from tests.web_support import PASSWORD, client, dual_screening, with_users

STAGE = "title-abstract"


def on_postgres(root: Path, url: str) -> Path:
    """The workspace at ``root`` moved to the PostgreSQL database ``url`` (review migrate)."""
    result = CliRunner().invoke(main, ["-C", str(root), "migrate", "--to", url], env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def workers() -> Iterator[Callable[..., TestClient]]:
    """Makes clients of new apps ("workers") over a workspace; closes their databases after."""
    made: list[TestClient] = []

    def make(root: Path, name: str | None = None) -> TestClient:
        made.append(client(root, name))
        return made[-1]

    yield make
    for web in made:
        web.app.state.web.store.close()


@pytest.fixture
def team(example_copy: Path) -> Path:
    """The worked example screened by JM, two reviewers per work: every work waits for SA."""
    dual_screening(example_copy)
    with_users(example_copy)
    return example_copy


@pytest.fixture
def pg_team(team: Path, postgres_url: str) -> Path:
    return on_postgres(team, postgres_url)


def _rows(root: Path, **where: object) -> list:
    store = Store.open(Workspace.find(root).db_url)
    try:
        with store.read() as conn:
            query = select(screening_decisions)
            for key, value in where.items():
                query = query.where(screening_decisions.c[key] == value)
            return list(conn.execute(query.order_by(screening_decisions.c.id)))
    finally:
        store.close()


def _pending(web: TestClient) -> list[int]:
    """SA's queue at title-abstract, in order."""
    first = web.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]
    state = web.app.state.web
    session, _ = state.session(_user(state, "SA"), STAGE)
    return [first, *[w for w in session.queue.order() if w != first]]


def _user(state, name: str):  # type: ignore[no-untyped-def]
    from review.web.accounts import get_user

    with state.store.read() as conn:
        return get_user(conn, name)


# -- a queue kept in one worker sees every committed decision ----------------------------------


def _decide_in_open_transaction(store: Store, work: int, reviewer: str, opened: threading.Event,
                                release: threading.Event) -> None:
    with store.transaction() as conn:
        record_decision(conn, work_id=work, stage=STAGE, reviewer=reviewer, decision="exclude",
                        origin="cli", reviewers_per_work=2)
        opened.set()
        release.wait(20)


def test_a_decision_committed_after_a_later_one_still_reaches_a_kept_queue(pg_team: Path, workers) -> None:
    """On PostgreSQL a row's id is drawn when it is inserted, not when it commits: a reader
    that saw a newer id must still see an older one committed after it (writers are in
    commit order, as on SQLite)."""
    web = workers(pg_team, "SA")  # the worker whose queue is kept
    first, second, *_ = _pending(web)
    assert web.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == first
    store = Store.open(Workspace.find(pg_team).db_url)
    opened, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=_decide_in_open_transaction, args=(store, first, "SA", opened, release))
    slow.start()
    try:
        assert opened.wait(20)
        done = threading.Event()
        done.set()
        fast = threading.Thread(target=_decide_in_open_transaction, args=(store, second, "SA", threading.Event(), done))
        fast.start()  # a later writer: waits for the first to commit (before: committed at once)
        time.sleep(0.5)
        web.get(f"/api/v1/screen/{STAGE}/next")  # the kept queue reads what is committed now
    finally:
        release.set()
        slow.join(20)
        fast.join(20)
        store.close()
    shown = web.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]
    assert shown not in (first, second)
    assert web.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": first, "decision": "include"}).status_code == 409


# -- the server's checks read committed state, inside the writing transaction -----------------


def _meanwhile(web: TestClient, action: Callable[[], object]) -> None:
    """Run ``action`` once, just before ``web``'s worker opens its next writing transaction:
    another worker's request landing between what this one read and what it writes."""
    store = web.app.state.web.store
    original = store.transaction

    @contextlib.contextmanager
    def action_first() -> Iterator[object]:
        store.transaction = original
        action()
        with original() as conn:
            yield conn

    store.transaction = action_first


def test_the_same_reviewer_in_two_workers_decides_a_work_once_then_409(team: Path, workers) -> None:
    one, two = workers(team, "SA"), workers(team, "SA")
    work = one.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]
    assert two.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == work
    answers = []  # the other tab decides while this worker is between reading and writing
    _meanwhile(one, lambda: answers.append(
        two.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": work, "decision": "include"})))
    late = one.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": work, "decision": "exclude"})
    assert answers[0].status_code == 201
    assert (late.status_code, late.json()["field"]) == (409, "work")
    mine = _rows(team, reviewer="SA", work_id=work, stage=STAGE)
    assert [(r.decision, r.origin) for r in mine] == [("include", "web")]


def test_two_reviewers_in_two_workers_on_a_work_needing_one_more_decision_give_one_and_409(
        team: Path, workers) -> None:
    from review.web.accounts import add_user

    Workspace.load(team).add_reviewers(["TW"])
    store = Store.open(Workspace.find(team).db_url)
    add_user(store, "TW", password=PASSWORD, role="reviewer", actor="tester")
    store.close()
    sa, tw = workers(team, "SA"), workers(team, "TW")
    work = sa.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]
    assert tw.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == work
    answers = []
    _meanwhile(tw, lambda: answers.append(
        sa.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": work, "decision": "include"})))
    late = tw.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": work, "decision": "exclude"})
    assert answers[0].status_code == 201
    assert (late.status_code, late.json()["field"]) == (409, "work")
    assert sorted(r.reviewer for r in _rows(team, work_id=work, stage=STAGE)) == ["JM", "SA"]


def test_an_undo_in_one_worker_brings_that_work_first_in_another(team: Path, workers) -> None:
    one, two = workers(team, "SA"), workers(team, "SA")
    order = _pending(one)
    assert two.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == order[0]
    later = order[5]  # decided out of order, so that it is not first when it comes back
    assert one.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": later, "decision": "exclude"}).status_code == 201
    assert one.post(f"/api/v1/screen/{STAGE}/undo").json()["undone"]["work"] == later
    assert one.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == later
    assert two.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == later
    assert f'data-work="{later}"' in two.get(f"/screen/{STAGE}").text
    assert two.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": later, "decision": "include"}).status_code == 201
    assert two.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == order[0]


def test_a_session_signed_in_through_one_worker_is_valid_in_another_and_signing_out_ends_it(
        team: Path, workers) -> None:
    one, two = workers(team, "SA"), workers(team)
    two.cookies.update(one.cookies)
    assert two.get("/api/v1/status").json()["me"]["name"] == "SA"
    assert one.post("/logout").status_code in (200, 303)
    assert two.get("/api/v1/status").status_code == 401


# -- real servers: `review serve --workers 2` over HTTP, on both backends ---------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def served_team(request: pytest.FixtureRequest, team: Path) -> Path:
    if request.param == "postgresql":
        on_postgres(team, request.getfixturevalue("postgres_url"))
    return team


def test_two_worker_processes_share_sign_ins_and_every_decision(served_team: Path) -> None:
    with serving(served_team, workers=2) as server:
        pids = server.worker_pids()
        assert len(pids) == 2
        before = {pid: cpu_ticks(pid) for pid in pids}
        sa = Browser(server.url, "SA").sign_in()  # then each request on a new connection: any worker
        stamp = sa.call("GET", "/api/v1/version")[1]["version"]
        decided = []
        for k in range(12):
            status, body, _ = sa.call("GET", f"/api/v1/screen/{STAGE}/next")
            assert status == 200, body
            work = body["work"]["id"]
            assert work not in decided  # no worker shows a work already decided in another
            status, body, _ = sa.call("POST", f"/api/v1/screen/{STAGE}/decisions",
                                      {"work": work, "decision": "exclude" if k % 3 else "include"})
            assert status == 201, body
            decided.append(work)
            mine = sa.call("GET", f"/api/v1/works/{work}")[1]["work"]["my_decisions"]
            assert mine[STAGE]["id"] == body["id"]  # read back at once, through any worker
            assert sa.call("POST", f"/api/v1/screen/{STAGE}/decisions",
                           {"work": work, "decision": "maybe"})[0] == 409
        # The CLI decides the work the server shows next: no worker shows it any more.
        shown = sa.call("GET", f"/api/v1/screen/{STAGE}/next")[1]["work"]["id"]
        cli = subprocess.run([*REVIEW, "-C", str(served_team), "screen", "decide", str(shown), "--reviewer", "SA",
                              "--decision", "exclude"], capture_output=True, text=True, timeout=120)
        assert cli.returncode == 0, cli.stderr
        for _ in range(4):
            assert sa.call("GET", f"/api/v1/screen/{STAGE}/next")[1]["work"]["id"] not in (shown, *decided)
        assert sa.call("POST", f"/api/v1/screen/{STAGE}/decisions", {"work": shown, "decision": "include"})[0] == 409
        # Undo through one worker: every worker shows that work next.
        assert sa.call("POST", f"/api/v1/screen/{STAGE}/undo")[1]["undone"]["work"] == shown
        assert {sa.call("GET", f"/api/v1/screen/{STAGE}/next")[1]["work"]["id"] for _ in range(6)} == {shown}
        # Pages polling for changes (live.js) see them, whichever worker answers.
        assert sa.call("GET", "/api/v1/version")[1]["version"] > stamp
        # Both workers served.
        assert all(cpu_ticks(pid) > before[pid] for pid in pids), (before, {p: cpu_ticks(p) for p in pids})
        # Signing out through one worker ends the session for all.
        assert sa.call("POST", "/logout")[0] in (200, 303)
        assert {sa.call("GET", "/api/v1/status")[0] for _ in range(4)} == {401}
        process = server.process
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0  # stops cleanly, workers too
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)
    rows = _rows(served_team, reviewer="SA", stage=STAGE)
    assert [r.origin for r in rows if r.kind == "decision"].count("web") == len(decided)


def test_behind_a_tls_proxy_on_this_machine_sign_in_works_and_a_foreign_origin_is_refused(team: Path) -> None:
    """A proxy terminating TLS sends Origin https://host with X-Forwarded-Proto: https; the
    server must compare against https (it refused every sign-in before)."""
    proxied = {"Host": "review.example.org", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with serving(team, workers=2) as server:
        body = {"name": "SA", "password": PASSWORD}
        status, answer, response = request(server.url, "POST", "/api/v1/login", body,
                                           headers={**proxied, "Origin": "https://review.example.org"})
        assert status == 200, answer
        cookie = response.getheader("set-cookie").lower()
        assert "secure" in cookie and "httponly" in cookie
        foreign = request(server.url, "POST", "/api/v1/login", body,
                          headers={**proxied, "Origin": "https://evil.example.com"})
        assert foreign[0] == 403
        downgraded = request(server.url, "POST", "/api/v1/login", body,
                             headers={**proxied, "Origin": "http://review.example.org"})
        assert downgraded[0] == 403


# -- a team is not all shown the same work ------------------------------------------------------


def test_reviewers_asking_at_once_are_shown_different_works_until_none_is_left(team: Path, workers) -> None:
    from review.web.accounts import add_user

    Workspace.load(team).add_reviewers(["TW", "UV"])
    store = Store.open(Workspace.find(team).db_url)
    for name in ("TW", "UV"):
        add_user(store, name, password=PASSWORD, role="reviewer", actor="tester")
    store.close()
    sa = workers(team, "SA")
    app = sa.app
    others = {}
    for name in ("TW", "UV"):
        others[name] = TestClient(app, base_url="http://testserver")
        assert others[name].post("/api/v1/login", json={"name": name, "password": PASSWORD}).status_code == 200
    shown = {"SA": sa.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]}
    for name, web in others.items():
        shown[name] = web.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]
    assert len(set(shown.values())) == 3  # each work needs one more decision: one each
    assert sa.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == shown["SA"]  # kept on reload
    assert sa.post(f"/api/v1/screen/{STAGE}/decisions", json={"work": shown["SA"], "decision": "include"}).status_code == 201
    again = sa.get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"]
    assert again not in shown.values()
    assert others["TW"].get(f"/api/v1/screen/{STAGE}/next").json()["work"]["id"] == shown["TW"]


def test_a_hold_lapses_and_every_work_held_still_shows_the_top() -> None:
    from review.web.claims import HOLD_SECONDS, Holds

    now = [0.0]
    holds = Holds(clock=lambda: now[0])
    one_each = lambda work: 1  # noqa: E731
    assert holds.choose(STAGE, "A", 1, [1, 2, 3], one_each) == 1
    assert holds.choose(STAGE, "B", 1, [1, 2, 3], one_each) == 2
    assert holds.choose(STAGE, "C", 1, [1, 2], one_each) == 1  # all held: the top after all
    two_each = lambda work: 2  # noqa: E731 - dual screening: two may hold one work
    assert [holds.choose("full-text", who, 1, [1, 2], two_each) for who in "XYZ"] == [1, 1, 2]
    now[0] = HOLD_SECONDS + 1
    assert holds.held_by_others(STAGE, "D") == {}
    assert holds.choose(STAGE, "D", 1, [1], one_each) == 1
