"""The audit trail: `review log` and the `/log` page (blinded for reviewers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.cli import main
from tests.web_support import client, dual_screening, with_users


@pytest.fixture
def root(example_copy: Path) -> Path:
    dual_screening(example_copy)
    with_users(example_copy)
    return example_copy


def _decide(web, work: int, decision: str) -> None:
    answer = web.post("/api/v1/screen/title-abstract/decisions", json={"work": work, "decision": decision})
    assert answer.status_code == 201, answer.text


def test_log_lists_a_changed_decision_with_what_it_replaced(root: Path, runner) -> None:
    for decision in ("include", "exclude"):
        result = runner.invoke(main, ["-C", str(root), "screen", "decide", "5", "--stage", "title-abstract",
                                      "--reviewer", "SA", "--decision", decision], env={"REVIEW_ACTOR": "SA"})
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["-C", str(root), "log", "--actor", "SA", "--action", "screen", "--json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)["events"]
    assert [e["detail"]["decision"] for e in events] == ["include", "exclude"]
    assert events[0]["replaced"] is None
    assert events[1]["replaced"]["decision"] == "include" and events[1]["replaced"]["event"] == events[0]["id"]
    text = runner.invoke(main, ["-C", str(root), "log", "--entity", "work:5", "--actor", "SA"]).output
    assert "title-abstract: exclude" in text and "(replaced include" in text


def test_log_filters_and_refuses_a_bad_since(root: Path, runner) -> None:
    everything = json.loads(runner.invoke(main, ["-C", str(root), "log", "--json"]).output)["events"]
    assert {e["action"] for e in everything} >= {"screen", "user-add"}
    pairs = json.loads(runner.invoke(main, ["-C", str(root), "log", "--action", "dedup-*", "--json"]).output)
    assert all(e["action"].startswith("dedup-") for e in pairs["events"])
    works = json.loads(runner.invoke(main, ["-C", str(root), "log", "--entity", "work", "--limit", "3",
                                            "--json"]).output)["events"]
    assert len(works) == 3 and all(e["entity"] == "work" for e in works)
    assert works[-1]["id"] == max(e["id"] for e in everything if e["entity"] == "work")
    future = runner.invoke(main, ["-C", str(root), "log", "--since", "2999-01-01", "--json"])
    assert json.loads(future.output)["events"] == []
    bad = runner.invoke(main, ["-C", str(root), "log", "--since", "last tuesday"])
    assert bad.exit_code == 2 and "--since" in bad.output


def test_a_reviewer_sees_only_their_own_events_a_lead_sees_all(root: Path) -> None:
    sa, jm = client(root, "SA"), client(root, "JM")
    work = sa.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    _decide(sa, work, "exclude")
    page = sa.get("/log", params={"actor": "JM"})
    assert page.status_code == 200 and "Audit trail" in page.text
    assert f"work {work}" in page.text and "title-abstract: exclude" in page.text
    assert "JM" not in page.text.split("<main", 1)[1].replace("SA (reviewer)", "")
    mine = sa.get("/api/v1/log").json()["events"]
    assert mine and {e["actor"] for e in mine} == {"SA"}
    assert sa.get("/api/v1/log", params={"actor": "JM"}).json()["events"] == mine
    everyone = jm.get("/api/v1/log").json()["events"]
    assert {"SA", "tester"} <= {e["actor"] for e in everyone}
    only_sa = jm.get("/log", params={"actor": "SA", "action": "screen"})
    assert only_sa.status_code == 200 and f"work {work}" in only_sa.text


def test_the_log_page_escapes_and_says_when_nothing_matches(root: Path) -> None:
    jm = client(root, "JM")
    page = jm.get("/log", params={"entity": "<b>x</b>"})
    assert page.status_code == 200 and "No events match." in page.text and "<b>x</b>" not in page.text
    bad = jm.get("/log", params={"since": "whenever"})
    assert bad.status_code == 422 and "not a date" in bad.text
    assert client(root).get("/log", follow_redirects=False).status_code == 303
