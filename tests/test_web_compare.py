"""The lead's comparison view of two coders' coding (`/reports/ID/compare`) in process:
who may see it, the overlaps and disagreements it marks, and `review extract agreement`'s
figures for the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.extraction.fragments import get_fragment
from review.store import Store
from review.web.comparison import passage
from review.workspace import Workspace
from tests.web_support import client, with_users

TEXT = "extraction/texts/mcleish2023-results-discussion.md"
REPORT = 46  # JM coded fragments 1 and 27 of it in the worked example


@pytest.fixture
def root(example_copy: Path) -> Path:
    with_users(example_copy)
    return example_copy


def _jm(root: Path, fragment_id: int):
    store = Store.open(Workspace.find(root).db_url)
    with store.read() as conn:
        found = get_fragment(conn, fragment_id)
    store.close()
    return found


def _code(web, root: Path, start: int, end: int, **cells: str) -> int:
    text = (root / TEXT).read_text(encoding="utf-8")
    body = {"report": REPORT, "text": TEXT, "start": start, "end": end, "quote": text[start:end], **cells}
    response = web.post("/api/v1/fragments", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def double(root: Path) -> dict[str, int]:
    """SA codes report 46 too: fragment 1's very passage (other codes), part of fragment
    27's passage (the same codes and theories), and a passage JM did not code."""
    sa = client(root, "SA")
    one, twenty_seven = _jm(root, 1), _jm(root, 27)
    same = _code(sa, root, one.char_start, one.char_end, context="Mothers offered support directly",
                 mechanism_resource=one.mechanism_resource or "", outcome="Most declined",
                 theories="P14:refutes", relevance="low")
    part = _code(sa, root, twenty_seven.char_start, twenty_seven.char_start + 120,
                 mechanism_resource=twenty_seven.mechanism_resource or "",
                 mechanism_reasoning=twenty_seven.mechanism_reasoning or "",
                 outcome=twenty_seven.outcome or "", theories="P14;P15;P16",
                 relevance=twenty_seven.relevance or "")
    alone = _code(sa, root, 200, 260, outcome="Only SA saw this")
    return {"same": same, "part": part, "alone": alone}


def test_a_reviewer_is_refused_and_sees_only_their_own_coding(root: Path, double: dict[str, int]) -> None:
    sa = client(root, "SA")
    assert sa.get(f"/reports/{REPORT}/compare").status_code == 403
    refused = sa.get(f"/api/v1/reports/{REPORT}/comparison")
    assert refused.status_code == 403 and refused.json()["error"]
    own = sa.get(f"/reports/{REPORT}?text={TEXT}").text
    marked = set(re.findall(r'data-f="(\d+)"', own))
    assert marked == {str(i) for i in double.values()}  # SA's three, none of JM's
    assert "Compare coders" not in own
    lead = client(root, "JM").get(f"/reports/{REPORT}?text={TEXT}").text
    assert set(re.findall(r'data-f="(\d+)"', lead)) == {"1", "27"}  # the lead's own page: their own
    assert f'href="/reports/{REPORT}/compare"' in lead
    assert client(root).get(f"/api/v1/reports/{REPORT}/comparison").status_code == 401


def test_the_figures_are_review_extract_agreements(root: Path, double: dict[str, int]) -> None:
    data = client(root, "JM").get(f"/api/v1/reports/{REPORT}/comparison").json()
    printed = CliRunner().invoke(main, ["-C", str(root), "extract", "agreement", "--json"])
    assert printed.exit_code == 0, printed.output
    pair = json.loads(printed.output)["pairs"][0]
    row = next(r for r in pair["by_report"] if r["report"] == REPORT)
    assert data["coders"] == pair["coders"] == ["JM", "SA"]
    for key in ("fragments", "segments", "overlapping", "characters", "theory_links", "cmo_components"):
        assert data["figures"][key] == row[key], key
        assert data["pair_figures"][key] == pair[key], key
    assert data["figures"]["fragments"] == {"JM": 2, "SA": 3} and data["figures"]["overlapping"] == 2


def test_overlaps_and_disagreements_are_marked(root: Path, double: dict[str, int]) -> None:
    data = client(root, "JM").get(f"/api/v1/reports/{REPORT}/comparison").json()
    by_sa = {s["fragments"]["SA"]["id"]: s for s in data["segments"] if s["fragments"]["SA"]}
    same, part, alone = by_sa[double["same"]], by_sa[double["part"]], by_sa[double["alone"]]
    assert same["kind"] == "same" and same["fragments"]["JM"]["id"] == 1
    assert set(same["differs"]) == {"Context", "Outcome", "Relevance", "theory P14"}
    assert {t["label"]: t["values"] for t in same["theories"]} == {"P14": {"JM": "none", "SA": "refutes"}}
    assert part["kind"] == "overlap" and part["overlap"] == 120 and part["fragments"]["JM"]["id"] == 27
    assert part["differs"] == ["passage"]  # the same codes, links and levels on a shorter passage
    assert [p["who"] for p in part["passage"]] == ["both", "a"]
    assert alone["kind"] == "only" and alone["only"] == "SA" and alone["fragments"]["JM"] is None

    page = client(root, "JM").get(f"/reports/{REPORT}/compare").text
    assert "Agreement between JM and SA on this report" in page
    assert "overlapping passages (120 characters in common)" in page and "coded only by SA" in page
    assert page.count('<tr class="differs">') == 5  # four differences in one segment, the passage in another
    assert "Only SA saw this" in page and "Theory P14" in page
    links = data["figures"]["theory_links"]
    assert f"{links['agreed']}/{links['items']} agree ({links['percent_agreement']:.2f})" in page


def test_one_coder_only_and_unknown_reports(root: Path) -> None:
    lead = client(root, "JM")
    page = lead.get(f"/reports/{REPORT}/compare")
    assert page.status_code == 200 and "Only JM (2 fragments) coded this report" in page.text
    data = lead.get(f"/api/v1/reports/{REPORT}/comparison").json()
    assert data["coders"] is None and data["fragments_by_coder"] == {"JM": 2}
    assert lead.get("/api/v1/reports/999999/comparison").status_code == 404
    assert lead.get("/reports/2/compare").status_code == 404  # excluded, never coded
    assert lead.get(f"/api/v1/reports/{REPORT}/comparison?coders=JM,XX").status_code == 422


def test_the_fragments_list_links_double_coded_reports_for_leads(root: Path, double: dict[str, int]) -> None:
    assert f'href="/reports/{REPORT}/compare"' in client(root, "JM").get("/fragments").text
    assert "/compare" not in client(root, "SA").get("/fragments").text


def test_what_coders_typed_is_escaped(root: Path) -> None:
    sa = client(root, "SA")
    one = _jm(root, 1)
    _code(sa, root, one.char_start, one.char_end, context='<script>alert("x")</script>')
    page = client(root, "JM").get(f"/reports/{REPORT}/compare").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_passage_is_cut_into_who_coded_what() -> None:
    class F:
        def __init__(self, start: int, end: int) -> None:
            self.char_start, self.char_end = start, end

    text = "abcdefghij"
    pieces = passage(text, F(1, 6), F(4, 9))
    assert [(p["text"], p["who"]) for p in pieces] == [("bcd", "a"), ("ef", "both"), ("ghi", "b")]
    assert passage(text, F(1, 6), None) == []
