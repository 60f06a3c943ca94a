"""The JSON API of `review serve` in process: contracts, errors, blinding, Origin, roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from review.screening.tables import screening_decisions
from review.store import Store, schema
from review.web.tables import sessions
from review.workspace import Workspace
from tests.web_support import PASSWORD, client, dual_screening, with_users


@pytest.fixture
def root(example_copy: Path) -> Path:
    dual_screening(example_copy)
    with_users(example_copy)
    return example_copy


def _rows(root: Path, **where: object) -> list:
    store = Store.open(Workspace.find(root).db_url)
    try:
        with store.read() as conn:
            query = select(screening_decisions)
            for key, value in where.items():
                query = query.where(screening_decisions.c[key] == value)
            return list(conn.execute(query))
    finally:
        store.close()


def test_login_sets_an_httponly_samesite_cookie_and_refuses_a_wrong_password(root: Path) -> None:
    web = client(root)
    wrong = web.post("/api/v1/login", json={"name": "SA", "password": "not it at all"})
    assert wrong.status_code == 401
    assert set(wrong.json()) == {"error", "field"}
    right = web.post("/api/v1/login", json={"name": "SA", "password": PASSWORD})
    assert right.status_code == 200 and right.json() == {"name": "SA", "role": "reviewer"}
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert web.get("/api/v1/status").json()["me"] == {"name": "SA", "role": "reviewer"}


def test_not_signed_in_is_401_for_the_api_and_a_redirect_for_pages(root: Path) -> None:
    web = client(root)
    response = web.get("/api/v1/screen/title-abstract/next")
    assert response.status_code == 401 and set(response.json()) == {"error", "field"}
    page = web.get("/screen/title-abstract", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_repeated_failed_sign_ins_are_slowed_down(root: Path) -> None:
    web = client(root)
    for _ in range(3):
        assert web.post("/api/v1/login", json={"name": "SA", "password": "wrong password"}).status_code in (401, 429)
    refused = web.post("/api/v1/login", json={"name": "SA", "password": PASSWORD})
    assert refused.status_code == 429 and "try again" in refused.json()["error"]


def test_an_expired_session_is_signed_out(root: Path) -> None:
    web = client(root, "SA")
    store = Store.open(Workspace.find(root).db_url)
    with store.transaction() as conn:
        conn.execute(update(sessions).values(expires_at="2000-01-01T00:00:00+00:00"))
    store.close()
    assert web.get("/api/v1/status").status_code == 401


def test_next_work_is_blinded_and_a_decision_is_the_same_row_as_the_clis(root: Path) -> None:
    web = client(root, "SA")
    work = web.get("/api/v1/screen/title-abstract/next").json()["work"]
    assert {"id", "title", "abstract", "authors", "year", "journal", "keywords"} <= set(work)
    # JM decided every work at title-abstract; SA must not see what.
    assert _rows(root, work_id=work["id"], reviewer="JM", stage="title-abstract")
    assert work["my_decisions"] == {}
    assert "JM" not in json.dumps({k: v for k, v in work.items() if k not in ("title", "abstract", "authors")})
    detail = web.get(f"/api/v1/works/{work['id']}").json()["work"]
    assert detail["my_decisions"] == {}
    created = web.post("/api/v1/screen/title-abstract/decisions",
                       json={"work": work["id"], "decision": "maybe", "note": "unsure about setting"})
    assert created.status_code == 201 and set(created.json()) == {"id"}
    (row,) = _rows(root, id=created.json()["id"])
    assert (row.work_id, row.reviewer, row.decision, row.origin, row.note) == \
        (work["id"], "SA", "maybe", "web", "unsure about setting")
    store = Store.open(Workspace.find(root).db_url)
    with store.read() as conn:
        events = conn.execute(select(schema.events).where(schema.events.c.action == "screen",
                                                          schema.events.c.actor == "SA")).all()
    store.close()
    assert len(events) == 1
    mine = web.get(f"/api/v1/works/{work['id']}").json()["work"]["my_decisions"]
    assert mine["title-abstract"]["decision"] == "maybe"
    assert web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"] != work["id"]


def test_bad_decisions_get_the_documented_errors_and_record_nothing(root: Path) -> None:
    web = client(root, "SA")
    work = web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    before = len(_rows(root))
    post = lambda stage, body: web.post(f"/api/v1/screen/{stage}/decisions", json=body)  # noqa: E731
    cases = [
        (post("title-abstract", {"work": work, "decision": "perhaps"}), 422, "decision"),
        (post("title-abstract", {"work": 99999, "decision": "include"}), 404, "work"),
        (post("title-abstract", {"work": "x", "decision": "include"}), 422, "work"),
        (post("title-abstract", {"work": work, "decision": "exclude", "reason": "NOT-A-CRITERION"}), 422, "reason"),
        (post("title-abstract", {"work": work, "decision": "include", "reason": "E-POP-1"}), 422, "reason"),
        (post("sideways", {"work": work, "decision": "include"}), 422, "stage"),
    ]
    for response, status, field in cases:
        assert (response.status_code, response.json()["field"]) == (status, field), response.text
    assert len(_rows(root)) == before


def test_a_second_decision_by_the_same_reviewer_is_409(root: Path) -> None:
    web = client(root, "SA")
    work = web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    ok = web.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": "include"})
    assert ok.status_code == 201
    again = web.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": "exclude"})
    assert again.status_code == 409 and again.json()["field"] == "work"
    undone = web.post("/api/v1/screen/title-abstract/undo")
    assert undone.json()["undone"]["work"] == work
    assert web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"] == work


def test_full_text_needs_a_reason_to_exclude_and_a_retrieved_report(example_copy: Path) -> None:
    with_users(example_copy)
    store = Store.open(Workspace.find(example_copy).db_url)
    with store.transaction() as conn:
        from review.screening.decisions import retract_decision

        first = conn.execute(select(screening_decisions.c.work_id).where(
            screening_decisions.c.stage == "full-text").order_by(screening_decisions.c.id)).scalars().first()
        retract_decision(conn, work_id=first, stage="full-text", reviewer="JM")
        missing = conn.execute(select(schema.works.c.id).where(schema.works.c.id.not_in(
            select(screening_decisions.c.work_id).where(screening_decisions.c.stage == "full-text")))
            .where(schema.works.c.id != first)).scalars().first()
    store.close()
    web = client(example_copy, "JM")
    work = web.get("/api/v1/screen/full-text/next").json()["work"]
    assert work["id"] == first and work["fulltext"]["status"] == "retrieved" and work["report_file"]
    no_reason = web.post("/api/v1/screen/full-text/decisions", json={"work": first, "decision": "exclude"})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    refused = web.post("/api/v1/screen/full-text/decisions", json={"work": missing, "decision": "include"})
    assert refused.status_code == 422
    ok = web.post("/api/v1/screen/full-text/decisions", json={"work": first, "decision": "exclude",
                                                            "reason": "E-POP-1"})
    assert ok.status_code == 201, ok.text


def test_a_foreign_origin_is_refused_and_records_nothing(root: Path) -> None:
    web = client(root, "SA")
    work = web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    before = len(_rows(root))
    response = web.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": "include"},
                        headers={"Origin": "http://evil.example"})
    assert response.status_code == 403 and response.json()["field"] == "Origin"
    form = web.post("/screen/title-abstract", data={"work": work, "action": "include"},
                    headers={"Origin": "http://evil.example"})
    assert form.status_code == 403
    assert len(_rows(root)) == before
    same = web.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": "include"},
                    headers={"Origin": "http://testserver"})
    assert same.status_code == 201


def test_an_api_token_signs_a_script_in(root: Path, runner) -> None:
    from review.cli import main

    result = runner.invoke(main, ["-C", str(root), "users", "token", "SA"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    web = client(root)
    assert web.get("/api/v1/status", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert web.get("/api/v1/status", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_conflicts_are_for_leads_who_see_both_decisions_and_resolve(root: Path) -> None:
    sa = client(root, "SA")
    work = sa.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    (jm_row,) = _rows(root, work_id=work, reviewer="JM", stage="title-abstract")
    other = "exclude" if jm_row.decision != "exclude" else "include"
    assert sa.post("/api/v1/screen/title-abstract/decisions",
                   json={"work": work, "decision": other}).status_code == 201
    assert sa.get("/api/v1/conflicts").status_code == 403
    assert sa.get("/conflicts").status_code == 403
    jm = client(root, "JM")
    found = [c for c in jm.get("/api/v1/conflicts").json()["conflicts"] if c["work"] == work]
    assert len(found) == 1
    assert {d["reviewer"]: d["decision"] for d in found[0]["decisions"]} == {"JM": jm_row.decision, "SA": other}
    page = jm.post("/conflicts", data={"work": work, "stage": "title-abstract", "decision": "include",
                                       "note": "talked it over"}, follow_redirects=False)
    assert page.status_code == 303
    assert not [c for c in jm.get("/api/v1/conflicts").json()["conflicts"] if c["work"] == work]
    (resolution,) = _rows(root, work_id=work, kind="resolution")
    assert (resolution.reviewer, resolution.decision, resolution.origin) == ("JM", "include", "resolve")


def test_a_work_settled_by_others_is_409(example_copy: Path) -> None:
    with_users(example_copy)  # one reviewer per work: JM's decisions settle every work
    web = client(example_copy, "SA")
    assert web.get("/api/v1/screen/title-abstract/next").json() == {"work": None}
    (row, *_) = _rows(example_copy, reviewer="JM", stage="title-abstract")
    before = len(_rows(example_copy))
    response = web.post("/api/v1/screen/title-abstract/decisions", json={"work": row.work_id, "decision": "include"})
    assert (response.status_code, response.json()["field"]) == (409, "work")
    assert len(_rows(example_copy)) == before


def test_the_web_queue_ranks_with_the_reviews_model(root: Path) -> None:
    """[screening] model applies in the browser as in `review screen` (was always ELAS u4)."""
    config = root / "review.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[screening]\n", '[screening]\nmodel = "fields"\n', 1), encoding="utf-8")
    web = client(root, "SA")
    assert web.get("/api/v1/screen/title-abstract/next").status_code == 200
    state = web.app.state.web
    session, _lock = state.session(state_user(root, "SA"), "title-abstract")
    assert session.queue.model == "fields"


def state_user(root: Path, name: str):  # type: ignore[no-untyped-def]
    from review.web.accounts import get_user

    store = Store.open(Workspace.find(root).db_url)
    try:
        with store.read() as conn:
            return get_user(conn, name)
    finally:
        store.close()
