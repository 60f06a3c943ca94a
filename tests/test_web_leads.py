"""A lead's pages: conflicts resolved in bulk, works merged and split by hand in /dedup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from review.corpus.dedup import live_work_id
from review.screening.tables import screening_decisions
from review.store import Store, schema
from review.workspace import Workspace
from tests.web_support import client, dual_screening, with_users

ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def root(example_copy: Path) -> Path:
    dual_screening(example_copy)
    with_users(example_copy)
    return example_copy


def _read(root: Path, query):  # noqa: ANN001, ANN202 - a SQLAlchemy select
    store = Store.open(Workspace.find(root).db_url)
    try:
        with store.read() as conn:
            return conn.execute(query).all() if not callable(query) else query(conn)
    finally:
        store.close()


def _conflict(root: Path, sa, count: int) -> list[int]:  # noqa: ANN001 - a TestClient
    """SA disagrees with JM on ``count`` works at title-abstract: their ids."""
    works = []
    for _ in range(count):
        work = sa.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
        jm = _read(root, select(screening_decisions.c.decision).where(
            screening_decisions.c.work_id == work, screening_decisions.c.reviewer == "JM",
            screening_decisions.c.stage == "title-abstract").order_by(screening_decisions.c.id))[-1]
        other = "exclude" if jm.decision != "exclude" else "include"
        assert sa.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": other}).status_code == 201
        works.append(work)
    return works


def test_a_lead_resolves_selected_conflicts_at_once_all_or_none(root: Path) -> None:
    sa, jm = client(root, "SA"), client(root, "JM")
    works = _conflict(root, sa, 3)
    page = jm.get("/conflicts").text
    assert "Resolve selected" in page and f'value="title-abstract:{works[0]}"' in page
    picked = {"bulk": "1", "item": [f"title-abstract:{w}" for w in works[:2]]}
    # Refused as a whole (a full-text-only rule is not the point: a reason that is no criterion).
    bad = jm.post("/conflicts", data={**picked, "decision": "exclude", "reason": "NOPE"},
                  headers=ORIGIN)
    assert bad.status_code == 422
    rows = _read(root, select(screening_decisions.c.id).where(screening_decisions.c.kind == "resolution"))
    assert rows == []
    done = jm.post("/conflicts", data={**picked, "decision": "include", "note": "agreed"},
                   headers=ORIGIN, follow_redirects=False)
    assert done.status_code == 303
    left = {c["work"] for c in jm.get("/api/v1/conflicts").json()["conflicts"]}
    assert works[2] in left and not left & set(works[:2])
    api = jm.post("/api/v1/resolutions", json={"items": [{"work": works[2], "stage": "title-abstract"}],
                                               "decision": "maybe"})
    assert api.status_code == 201 and len(api.json()["ids"]) == 1
    assert sa.post("/api/v1/resolutions", json={"items": [], "decision": "maybe"}).status_code == 403
    assert jm.post("/conflicts", data={"bulk": "1", "decision": "include"}, headers=ORIGIN).status_code == 422


def test_a_lead_splits_a_record_off_and_merges_works_in_dedup(root: Path) -> None:
    jm = client(root, "JM")
    page = jm.get("/dedup", params={"work": "24"})
    assert page.status_code == 200 and "Records of work 24" in page.text
    records = [int(r) for r in re.findall(r'name="record" value="(\d+)"', page.text)]
    assert len(records) >= 2
    split = jm.post("/dedup", data={"do": "split", "work": "24", "record": str(records[-1])}, headers=ORIGIN,
                    follow_redirects=False)
    assert split.status_code == 303 and "is+out+of+work+24" in split.headers["location"].replace("%20", "+")
    (moved,) = _read(root, select(schema.records.c.work_id).where(schema.records.c.id == records[-1]))
    assert moved.work_id != 24
    # Merging it back disagrees with the split's "different" verdicts: said, and kept apart.
    back = jm.post("/dedup", data={"do": "merge", "work": "24", "other": str(moved.work_id)}, headers=ORIGIN)
    assert back.status_code == 200 and "stay apart" in back.text
    merged = jm.post("/dedup", data={"do": "merge", "work": "1", "other": "2"}, headers=ORIGIN)
    assert merged.status_code == 200 and "Works 1 and 2 are one work now." in merged.text
    assert _read(root, lambda conn: live_work_id(conn, 1)) == _read(root, lambda conn: live_work_id(conn, 2))
    same = jm.post("/dedup", data={"do": "merge", "work": "24", "other": "24"}, headers=ORIGIN)
    assert same.status_code == 422 and "already one work" in same.text
    assert client(root, "SA").post("/dedup", data={"do": "merge", "work": "1", "other": "2"},
                                   headers=ORIGIN).status_code == 403
    trail = jm.get("/api/v1/log", params={"action": "dedup-*"}).json()["events"]
    assert {e["action"] for e in trail} >= {"dedup-same", "dedup-different"}
