"""Coding a passage of a PDF full text in a real browser (Debian's chromium via Playwright).

The PDF is real text (McLeish et al. 2023, CC BY, as the worked example keeps it in
extraction/texts) printed by chromium itself, so its lines wrap and its pages break as a
journal's PDF would; it is recorded as report 12's retrieved full text. The test selects a
sentence on page 2 that the PDF breaks across lines, as the coding view shows the text the
tool reads from the PDF (page markers shown), codes and links it, and finds it in
`review extract export` with the exact quote and ``verified`` yes; importing that sheet
again changes nothing.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.extraction.texts import load_text
from tests.test_web_browser import _require_chromium, _shot, _sign_in, browser  # noqa: F401 - a fixture
from tests.test_web_coding_browser import _export
from tests.web_support import SELECT_OFFSETS, serving, with_users

SOURCE = "extraction/texts/mcleish2023-results-discussion.md"
PDF = "extraction/screening/fulltext/carter2018-printed.pdf"
SENTENCE = ("Most interventions were for mothers with postnatal depression, which was either "
            "self-defined by the mother (#1,7,13–15), or assessed using a validated self-report "
            "instrument (#2,4–6,8,11,12,16,18); only three had an upper threshold for scores (#2,12,18).")


def _print_pdf(browser, source: Path, target: Path) -> None:  # noqa: F811
    """The Markdown text's first paragraphs as an A6 PDF (two pages), printed by chromium."""
    paragraphs = [p.strip() for p in source.read_text(encoding="utf-8").split("---", 1)[1].split("\n\n") if p.strip()]
    body = "".join(f"<h2>{html.escape(p[3:])}</h2>" if p.startswith("## ") else f"<p>{html.escape(p)}</p>"
                   for p in paragraphs[:6])
    page = browser.new_page()
    page.set_content(f"<html><body style='font: 13px serif'>{body}</body></html>")
    page.pdf(path=str(target), format="A6")
    page.close()


@pytest.fixture
def server(example_copy: Path, browser) -> Iterator[tuple[str, Path]]:  # noqa: F811
    """The worked example with report 12's full text a PDF, served on 127.0.0.1."""
    _require_chromium()
    with_users(example_copy)
    _print_pdf(browser, example_copy / SOURCE, example_copy / PDF)
    done = CliRunner().invoke(main, ["-C", str(example_copy), "fulltext", "retrieved", "12", "--file",
                                                     str(example_copy / PDF)],
                              env={"REVIEW_ACTOR": "JM"})
    assert done.exit_code == 0, done.output
    with serving(example_copy) as url:
        yield url, example_copy


def test_code_a_sentence_of_a_pdf_across_its_line_break(server, browser, tmp_path: Path) -> None:  # noqa: F811
    base, root = server
    full = load_text(root / PDF, PDF)
    match = full.find(SENTENCE)
    assert match is not None and full.page_of(match.start) == 2
    start, end = match.start, match.end
    assert "\n" in full.text[start:end]  # the PDF breaks the sentence across lines
    pages = len(full.page_starts)

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, base, "SA", "/reports/12")
    assert "PDF: each page starts at a page marker" in page.content()
    markers = page.locator("#fulltext .pagebreak")
    assert markers.count() == pages - 1
    assert markers.first.get_attribute("data-page") == "2"
    assert "page" in markers.first.evaluate("e => getComputedStyle(e, '::before').content")
    assert page.locator("#fulltext").inner_text().replace("\f", "") == full.text.replace("\f", "")

    page.evaluate(SELECT_OFFSETS, [start, end])
    page.get_by_role("button", name="Code fragment").click()
    assert " ".join(page.get_by_label("Quote").input_value().split()) == SENTENCE
    page.get_by_label("Context", exact=True).fill("Mothers with postnatal depression")
    page.get_by_label("Mechanism: resource").fill("Trained volunteers visit in person")
    page.get_by_label("Outcome", exact=True).fill("Support taken up")
    page.get_by_label("Theories", exact=True).fill("T1")
    page.get_by_label("Relevance", exact=True).select_option("moderate")
    page.get_by_label("Rigour", exact=True).select_option("high")
    page.get_by_role("button", name="Save fragment").click()
    page.wait_for_selector("#fulltext .hl")
    assert " ".join(page.locator("#fulltext .hl").all_inner_texts()).split() == SENTENCE.split()
    _shot(page, "coding-pdf")
    page.close()

    rows = [r for r in _export(root, tmp_path, "extract") if r["report"] == "12" and r["coder"] == "SA"]
    assert [(r["quote"], r["verified"], r["theories"]) for r in rows] == [(SENTENCE, "yes", "T1:supports")]
    assert (int(rows[0]["char_start"]), int(rows[0]["char_end"])) == (start, end)
    assert (rows[0]["page"], rows[0]["evidence"], rows[0]["text"]) == ("2", "primary", "")  # its own full text

    sheet = tmp_path / "extract.csv"
    again = CliRunner().invoke(main, ["-C", str(root), "extract", "import", str(sheet)], env={"REVIEW_ACTOR": "SA"})
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed" in again.output
