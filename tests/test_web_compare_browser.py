"""The lead's comparison view in a real browser (Debian's chromium via Playwright): a
reviewer codes a passage the lead coded, with another theory link; the reviewer cannot open
the comparison (403), the lead reaches it from the report page and sees the two fragments
side by side, the disagreements marked and `review extract agreement`'s figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from tests.test_web_browser import _require_chromium, _shot, _sign_in, browser  # noqa: F401 - a fixture
from tests.test_web_compare import REPORT, TEXT, _jm
from tests.web_support import SELECT_OFFSETS, serving, with_users


@pytest.fixture
def server(example_copy: Path) -> Iterator[tuple[str, Path]]:
    _require_chromium()
    with_users(example_copy)
    with serving(example_copy) as url:
        yield url, example_copy


def test_the_lead_compares_two_coders_side_by_side(server, browser) -> None:  # noqa: F811
    base, root = server
    one = _jm(root, 1)  # JM's fragment on report 46: no theory linked
    reviewer = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(reviewer, base, "SA", f"/reports/{REPORT}")
    reviewer.goto(f"{base}/reports/{REPORT}?text={TEXT}")
    assert reviewer.locator("#fulltext .hl").count() == 0  # JM's coding is not shown to SA
    assert reviewer.get_by_role("link", name="Compare coders").count() == 0
    reviewer.evaluate(SELECT_OFFSETS, [one.char_start, one.char_end])
    reviewer.get_by_role("button", name="Code fragment").click()
    reviewer.get_by_label("Outcome", exact=True).fill("Most mothers declined")
    reviewer.get_by_label("Theories", exact=True).fill("P14:refutes")
    reviewer.get_by_role("button", name="Save fragment").click()
    reviewer.wait_for_selector("#fulltext .hl")
    answer = reviewer.goto(f"{base}/reports/{REPORT}/compare")
    assert answer.status == 403 and "only a lead" in reviewer.content()
    reviewer.close()

    lead = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(lead, base, "JM", f"/reports/{REPORT}")
    lead.get_by_role("link", name="Compare coders").click()
    lead.wait_for_url(f"{base}/reports/{REPORT}/compare")
    lead.get_by_role("heading", name="Agreement between JM and SA on this report").wait_for()
    segment = lead.get_by_role("region", name="Segment 1: the same passage")
    assert "disagreement" in segment.inner_text()
    row = segment.get_by_role("row", name="Theory P14 differs")
    assert row.get_by_role("cell").all_inner_texts() == ["none", "refutes"]
    assert segment.get_by_role("row", name="Outcome differs").count() == 1
    printed = CliRunner().invoke(main, ["-C", str(root), "extract", "agreement", "--json"])
    links = json.loads(printed.output)["pairs"][0]["by_report"][0]["theory_links"]
    figures = lead.get_by_role("row", name="Theory links").inner_text()
    assert f"{links['agreed']}/{links['items']} agree" in figures
    _shot(lead, "compare")
    lead.goto(base + "/fragments")
    lead.get_by_role("link", name="compare").first.click()
    lead.wait_for_url(f"{base}/reports/{REPORT}/compare")
    lead.close()
