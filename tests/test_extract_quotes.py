"""Quote verification: a coder's copy is found in the full text despite what PDFs do to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from extraction_support import DATA, PDF_PAGES, make_pdf
from hypothesis import given, settings
from hypothesis import strategies as st

from review.errors import FormatError, InputError
from review.extraction.quotes import canonical, find_quote, quote_parts
from review.extraction.texts import load_text

ANDERSON = (DATA / "report-anderson.md").read_text(encoding="utf-8")


def found(quote: str, text: str = ANDERSON) -> str | None:
    match = find_quote(quote, text)
    return None if match is None else text[match.start:match.end]


def test_quote_hyphenated_across_a_line_break_is_found_with_offsets_in_the_original() -> None:
    # The text has "hon-\nest"; the coder typed the word whole.
    assert found("so I could finally be honest about how bad it was") == \
        "so I could finally be hon-\nest about how bad it was"


def test_straight_quotes_match_curly_ones_and_line_breaks_match_spaces() -> None:
    assert found('"I didn\'t have to pretend in there. Everyone knew what it was like') == \
        "“I didn’t have to pretend in there. Everyone knew what it\nwas like"


def test_ligature_dash_and_compound_hyphen() -> None:
    assert found("valued the flexible, drop-in format") == "valued the ﬂexible, drop-in format"
    assert found("allowed to say I was struggling - everyone else") == \
        "allowed to say I was\nstruggling — everyone else"
    # Spacing and hyphens between letters are not compared: PDF extraction loses and adds both.
    assert found("self esteem improved") == "self-esteem improved"
    assert found("selfesteem improved") == "self-esteem improved"
    assert found("self-esteem declined") is None


def test_ellipsis_stands_for_omitted_text_in_order() -> None:
    assert found("Several mothers described the group [...] speak openly") == \
        "Several mothers described the group as the first place where they could speak\nopenly"
    assert found("speak openly … Several mothers") is None  # parts out of order


def test_absent_and_empty_quotes_are_not_found() -> None:
    assert found("The group made every mother feel worse") is None
    assert found("   ") is None
    assert found("...") is None


def test_case_is_ignored_and_canonical_form_is_shared() -> None:
    assert found("SEVERAL MOTHERS DESCRIBED") == "Several mothers described"
    assert canonical("ﬁrst–hand “x”") == canonical('first-hand "X"')


def test_pdf_text_comes_with_pages(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "report.pdf", PDF_PAGES)
    full = load_text(pdf, "report.pdf")
    assert len(full.page_starts) == 2 and full.text.count("\f") == 1
    match = full.find("felt less alone after the peer supporters visited them")
    assert match is not None
    assert full.page_of(match.start) == 2
    assert "peer supporters" in full.text[match.start:match.end]
    assert len(full.sha256) == 64


def test_unreadable_texts_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(FormatError, match="cannot read the PDF"):
        load_text(broken, "broken.pdf")
    with pytest.raises(InputError, match="file not found"):
        load_text(tmp_path / "missing.md", "missing.md")
    word = tmp_path / "report.odt"
    word.write_bytes(b"PK\x03\x04")
    with pytest.raises(FormatError, match="cannot search a .odt file"):
        load_text(word, "report.odt")


def test_html_and_word_full_texts(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text("<html><head><style>p {color: red}</style><script>var x = 'felt';</script></head>"
                    "<body><h1>Findings</h1><p>Mothers &amp; peers <em>felt</em> less\nalone.</p>"
                    "<p>Next paragraph.</p></body></html>", encoding="utf-8")
    full = load_text(page, "report.html")
    match = full.find("Mothers & peers felt less alone.")
    assert match is not None and full.text[match.start:match.end] == "Mothers & peers felt less\nalone."
    assert "color" not in full.text and "var x" not in full.text
    from docx import Document

    document = Document()
    document.add_paragraph("Peer supporters were trained for two days.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Drop-out"
    table.rows[0].cells[1].text = "12 of 40 mothers"
    document.save(tmp_path / "thesis.docx")
    full = load_text(tmp_path / "thesis.docx", "thesis.docx")
    assert full.find("trained for two days") is not None and full.find("Drop-out 12 of 40 mothers") is not None
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a real archive")
    with pytest.raises(FormatError, match="cannot read the Word document"):
        load_text(broken, "broken.docx")


WORDS = ANDERSON.split()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(WORDS) - 1), st.integers(1, 25), st.lists(st.sampled_from([" ", "\n", "  ", " \n "]),
       min_size=25, max_size=25), st.booleans())
def test_any_passage_retyped_with_other_spacing_and_marks_is_found(first: int, length: int, gaps: list[str],
                                                                    straighten: bool) -> None:
    words = WORDS[first:first + length]
    quote = "".join(word + gap for word, gap in zip(words, gaps, strict=False)).strip()
    if straighten:
        quote = quote.translate(str.maketrans("“”‘’—", "\"\"''-")).replace("ﬂ", "fl")
    if not quote_parts(quote):
        return
    match = find_quote(quote, ANDERSON)
    assert match is not None
    assert quote_parts(ANDERSON[match.start:match.end]) == quote_parts(quote)
