"""Quotes are stored verbatim: found tolerantly, kept as the full text has them."""

from __future__ import annotations

from pathlib import Path

import pytest
from extraction_support import DATA, extraction_workspace

from review.extraction import current_fragments
from review.extraction.quotes import CanonicalText, find_quote

ANDERSON = (DATA / "report-anderson.md").read_text(encoding="utf-8")


def verbatim(quote: str, text: str = ANDERSON) -> str:
    prepared = CanonicalText(text)
    match = find_quote(quote, prepared)
    assert match is not None, quote
    return prepared.verbatim(quote, match)


@pytest.mark.parametrize(("typed", "stored"), [
    ("i didn't have to pretend in there", "I didn’t have to pretend in there"),  # case, apostrophe
    ("'it felt like i wasn't allowed to say i was struggling - everyone",
     "‘It felt like I wasn’t allowed to say I was struggling — everyone"),  # quotation mark, dash
    ("so i could finally be honest", "so I could finally be honest"),  # a word broken across lines
    ("valued the flexible, drop-in format", "valued the flexible, drop-in format"),  # the ligature undone
    ("I didn't have to pretend ... what it was like", "I didn’t have to pretend ... what it was like"),
    ("... SELF-ESTEEM improved [...] three or more sessions",
     "... self-esteem improved [...] three or more sessions"),
])
def test_the_stored_quote_is_the_texts_own(typed: str, stored: str) -> None:
    assert verbatim(typed) == stored


def test_a_hyphen_the_coder_wrote_across_a_line_break_stays() -> None:
    text = "Mothers felt a lack of self-\nesteem and lone-\nliness."
    assert verbatim("lack of self-esteem and loneliness", text) == "lack of self-esteem and loneliness"


@pytest.fixture
def ids(workspace):
    return extraction_workspace(workspace)


def test_a_quote_typed_in_lower_case_is_stored_as_the_text_has_it(cli, workspace, ids, tmp_path: Path) -> None:
    result = cli("extract", "add", "--report", str(ids["md"]), "--quote", "it felt like i wasn't allowed to say "
                 "i was struggling - everyone else", "--theory", "T1", "--coder", "tester")
    assert result.exit_code == 0, result.output
    with workspace.store().read() as conn:
        fragments = current_fragments(conn)
    assert [f.quote for f in fragments] == ["It felt like I wasn’t allowed to say I was struggling — everyone else"]
    sheet = tmp_path / "typed.csv"  # the coder's sheet, typed loosely, imports again as the same fragment
    sheet.write_text("report,quote,theories,coder\n"
                     f"{ids['md']},it felt like i wasn't allowed to say i was struggling - everyone else,T1,tester\n",
                     encoding="utf-8")
    again = cli("extract", "import", str(sheet))
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed, 1 unchanged" in again.output
