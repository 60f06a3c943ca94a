"""Coding and appraising in a real browser (Debian's chromium through Playwright, as in
tests/test_web_browser.py): a sentence broken across lines with a hyphen is selected in a
report's full text, coded, linked to a theory and found in `review extract export` with the
exact quote and ``verified`` yes; the theory's status changes; an MMAT answer is found in
`review appraise export`. With ``REVIEW_WEB_SCREENSHOTS=DIR`` each page is photographed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from tests.test_web_browser import _require_chromium, _shot, _sign_in, browser  # noqa: F401 - a fixture
from tests.web_support import SELECT_OFFSETS, serving, with_users

#: Added to report 12's stand-in full text: a sentence a line break splits inside a word.
PASSAGE = ("Mothers said the peer sup-\nporters understood them because they had been through it "
           "themselves.")
#: As ``review extract add`` stores that selection: the line break goes, the selected hyphen stays.
STORED = PASSAGE.replace("-\n", "-")
QUESTION = "Are there clear research questions?"



@pytest.fixture
def server(example_copy: Path) -> Iterator[tuple[str, Path]]:
    """The app over a copy of the worked example (one reviewer per work, so reports are
    included), served on 127.0.0.1 in a thread."""
    _require_chromium()
    with_users(example_copy)
    with serving(example_copy) as url:
        yield url, example_copy


def _export(root: Path, tmp_path: Path, what: str) -> list[dict[str, str]]:
    sheet = tmp_path / f"{what}.csv"
    done = CliRunner().invoke(main, ["-C", str(root), what, "export", "--output", str(sheet)])
    assert done.exit_code == 0, done.output
    return list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))


def test_code_a_hyphen_broken_sentence_and_appraise(server, browser, tmp_path: Path) -> None:  # noqa: F811
    base, root = server
    own = root / "extraction/screening/fulltext/carter2018.md"
    own.write_text(own.read_text(encoding="utf-8") + "\n" + PASSAGE + "\n", encoding="utf-8")
    text = own.read_text(encoding="utf-8")
    start = text.index(PASSAGE)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, base, "SA", "/theories")
    theory = re.search(r'class="theory status-not-supported" id="theory-([^"]+)"', page.content()).group(1)

    page.goto(base + "/reports/12")
    code = page.get_by_role("button", name="Code fragment")
    assert code.is_disabled()
    page.evaluate(SELECT_OFFSETS, [start, start + len(PASSAGE)])
    assert code.is_enabled()
    code.click()
    page.get_by_label("Context", exact=True).fill("Mothers isolated at home")
    page.get_by_label("Mechanism: reasoning").fill("Feels understood")
    page.get_by_label("Outcome", exact=True).fill("Less alone")
    page.get_by_label("Theory to link").select_option(theory)
    page.get_by_role("button", name="Link theory").click()
    assert page.get_by_label("Theories", exact=True).input_value() == theory
    page.get_by_label("Theories", exact=True).fill(theory + ";T999")  # a theory that does not exist
    page.get_by_role("button", name="Save fragment").click()
    page.get_by_text("unknown theory 'T999'").wait_for()
    assert page.get_by_label("Outcome", exact=True).input_value() == "Less alone"  # what was typed stays
    page.get_by_label("Theories", exact=True).fill(theory)
    own.write_text("Preface.\n" + text, encoding="utf-8")  # the text changes underneath the selection
    page.get_by_role("button", name="Save fragment").click()
    page.get_by_text("is not the selected passage of the text as it is now").wait_for()
    assert page.get_by_label("Context", exact=True).input_value() == "Mothers isolated at home"
    assert not [r for r in _export(root, tmp_path, "extract") if r["coder"] == "SA"]  # nothing recorded
    own.write_text(text, encoding="utf-8")
    page.get_by_label("Relevance", exact=True).select_option("high")
    page.get_by_role("button", name="Save fragment").click()
    page.wait_for_selector("#fulltext .hl")
    assert "peer sup" in page.locator("#fulltext .hl").first.inner_text()
    _shot(page, "coding")

    rows = [r for r in _export(root, tmp_path, "extract") if r["report"] == "12" and r["coder"] == "SA"]
    assert [(r["quote"], r["verified"], r["theories"]) for r in rows] == [(STORED, "yes", f"{theory}:supports")]
    assert (int(rows[0]["char_start"]), int(rows[0]["char_end"])) == (start, start + len(PASSAGE))

    page.goto(base + "/theories")
    assert f'class="theory status-supported" id="theory-{theory}"' in page.content()
    page.locator(f"#theory-{theory} summary").click()
    _shot(page, "theories")

    page.goto(base + "/appraise/12")
    page.get_by_role("radio", name="1. Qualitative").check()
    page.get_by_role("button", name="Save").click()
    group = page.get_by_role("radiogroup", name=QUESTION)
    group.get_by_label("Yes").check()
    page.get_by_label("Comment on S1").fill("aims stated in the introduction")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert page.get_by_role("radiogroup", name=QUESTION).get_by_label("Yes").is_checked()
    _shot(page, "appraise")
    answers = [r for r in _export(root, tmp_path, "appraise") if r["report"] == "12" and r["reviewer"] == "SA"]
    assert ("S1", "yes", "aims stated in the introduction") in {(r["item"], r["answer"], r["comment"]) for r in answers}

    page.goto(base + "/fragments")
    _shot(page, "fragments")
    page.goto(base + "/outputs")
    page.get_by_role("button", name="Render from the database").click()
    page.get_by_text("Up to date with the database").wait_for(timeout=120_000)
    _shot(page, "outputs")
    page.close()
