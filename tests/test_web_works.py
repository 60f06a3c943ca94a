"""Search and filter on the screening pages, labels on works, progress per reviewer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web_support import client, dual_screening, with_users

WORKS = "/api/v1/screen/title-abstract/works"


@pytest.fixture
def root(example_copy: Path) -> Path:
    dual_screening(example_copy)
    with_users(example_copy)
    return example_copy


def test_a_reviewer_filters_by_their_own_decision_only(root: Path) -> None:
    sa = client(root, "SA")
    everything = sa.get(WORKS).json()
    assert everything["total"] == 74 and {w["decision"] for w in everything["works"]} == {"undecided"}
    assert "decisions" not in everything["works"][0]  # blinded: nobody else's decision
    work = everything["works"][3]["id"]
    assert sa.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": "maybe"}).status_code == 201
    mine = sa.get(WORKS, params={"decision": "maybe"}).json()
    assert [w["id"] for w in mine["works"]] == [work]
    # JM included most works: a reviewer cannot filter by the work's status or by JM.
    assert sa.get(WORKS, params={"decision": "include"}).json()["total"] == 0
    assert sa.get(WORKS, params={"reviewer": "JM", "decision": "maybe"}).json()["total"] == 1
    assert sa.get(WORKS, params={"decision": "conflict"}).status_code == 422


def test_a_lead_filters_by_status_reviewer_and_words(root: Path) -> None:
    jm = client(root, "JM")
    by_status = jm.get(WORKS, params={"decision": "awaiting-second"}).json()
    assert by_status["total"] == 74 and by_status["works"][0]["decisions"]
    jm_excluded = jm.get(WORKS, params={"reviewer": "JM", "decision": "exclude"}).json()
    assert 0 < jm_excluded["total"] < 74
    assert all(w["decisions"]["JM"] == "exclude" for w in jm_excluded["works"])
    peer = jm.get(WORKS, params={"words": "PEER support"}).json()
    assert 0 < peer["total"] < 74
    none = jm.get(WORKS, params={"words": "peer zzzunknownword"}).json()
    assert none["total"] == 0
    page = jm.get("/screen/title-abstract/works", params={"reviewer": "JM", "decision": "exclude"})
    assert page.status_code == 200 and "Progress per reviewer" in page.text
    assert f"{jm_excluded['total']} works match" in page.text


def test_labels_are_a_users_own_and_filter_the_list(root: Path) -> None:
    sa, jm = client(root, "SA"), client(root, "JM")
    work = sa.get(WORKS).json()["works"][0]["id"]
    added = sa.post(f"/api/v1/works/{work}/labels", json={"label": "  check  methods "})
    assert added.status_code == 200 and added.json() == {"labels": ["check methods"]}
    assert [w["id"] for w in sa.get(WORKS, params={"label": "check methods"}).json()["works"]] == [work]
    # JM (a lead) sees whose label it is; another reviewer would see nothing of it.
    lead_view = jm.get(WORKS, params={"label": "check methods"}).json()["works"]
    assert lead_view[0]["labels"] == ["check methods (SA)"]
    page = sa.get("/screen/title-abstract/works")
    assert "check methods" in page.text and 'aria-label="Search and filter works"' in page.text
    form = sa.post(f"/works/{work}/labels", data={"label": "check methods", "action": "remove",
                                                   "next": "/screen/title-abstract/works"},
                   headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert form.status_code == 303
    assert sa.get(WORKS, params={"label": "check methods"}).json()["total"] == 0
    assert sa.post(f"/api/v1/works/{work}/labels", json={"label": "   "}).status_code == 422
    assert sa.post("/api/v1/works/99999/labels", json={"label": "x"}).status_code == 404
    log = jm.get("/api/v1/log", params={"action": "label-*"}).json()["events"]
    assert [e["action"] for e in log] == ["label-add", "label-remove"]


def test_a_hostile_label_is_escaped(root: Path) -> None:
    sa = client(root, "SA")
    work = sa.get(WORKS).json()["works"][0]["id"]
    sa.post(f"/api/v1/works/{work}/labels", json={"label": "<script>x()</script>"})
    page = sa.get("/screen/title-abstract/works")
    assert "<script>x()</script>" not in page.text and "&lt;script&gt;x()&lt;/script&gt;" in page.text
