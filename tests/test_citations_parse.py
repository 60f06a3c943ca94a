"""Reference lists as full texts print them: found, split (PDF line breaks too) and parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.citations.parse import parse_reference
from review.citations.sections import split_references

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.fail(f"seed missing: {path}")
    return path.read_text(encoding="utf-8")


def test_the_seeds_reference_lists_in_three_styles_are_found_and_parsed() -> None:
    vancouver = split_references(_seed("001_dc9489f9205f69e4.txt"))
    apa = split_references(_seed("000_985377a5f7e4c936.txt"))
    report = split_references(_seed("004_0a4429cc13a1016f.txt"))
    assert vancouver and apa and report
    assert (vancouver[0], len(vancouver[1])) == (252, 106)
    assert (apa[0], len(apa[1])) == (366, 53)
    assert (report[0], len(report[1])) == (936, 60)
    first = parse_reference(vancouver[1][0].text).fields
    assert [a["family"] for a in first["authors"]] == ["Grote", "Bridge", "Gavin", "Melville", "Iyengar", "Katon"]
    assert (first["year"], first["journal"], first["volume"], first["issue"], first["pages"]) == (
        2010, "Arch Gen Psychiatry", "67", "10", "1012-24")


def test_a_text_without_a_reference_list_has_none() -> None:
    assert split_references(_seed("003_9767d48e0c7c1ade.txt")) is None


def test_pdf_line_breaks_and_hyphenation_are_mended() -> None:
    text = ("Results were good.\n\nReferences\n"
            "1. Firth A, Haith-\nCooper M, Egan D. Do psychosocial interventions have an impact on sup-\n"
            "port of perinatal depression? Br J Midwifery. 2016;24(12):855–66.\n"
            "2. Goodman JH, Santangelo G. Group treatment for postpartum depression: a systematic\n"
            "review. Arch Women Ment Health. 2011;14(4):277–93.\n\fAppendix 1\nNot a reference.\n")
    heading, refs = split_references(text)
    assert heading == 3 and [r.line for r in refs] == [4, 7]
    first = parse_reference(refs[0].text).fields
    assert [a["family"] for a in first["authors"]] == ["Firth", "Haith-Cooper", "Egan"]
    assert first["title"] == "Do psychosocial interventions have an impact on support of perinatal depression?"
    assert parse_reference(refs[1].text).fields["title"] == "Group treatment for postpartum depression: a systematic review"


def test_harvard_hanging_list_without_markers() -> None:
    text = ("Bibliography\n"
            "Smith, J. and Jones, K. 2010. Peer support in the community.\n"
            "Journal of Things 12(3): 1-10.\n"
            "Brown, A. (2015) Mothers and peers. London: Routledge.\n")
    _heading, refs = split_references(text)
    assert len(refs) == 2
    one, two = (parse_reference(r.text).fields for r in refs)
    assert (one["year"], one["journal"], one["volume"], one["issue"], one["pages"]) == (
        2010, "Journal of Things", "12", "3", "1-10")
    assert two["title"] == "Mothers and peers" and "journal" not in two


@pytest.mark.parametrize("raw", [
    "We are the Hearts and Minds Partnership. https://www.heartsandmindspartnership.org/.",
    "ibid.",
    "Personal communication with the project lead",
])
def test_a_reference_it_cannot_read_is_unparsed_with_a_reason_and_no_fields_guessed(raw: str) -> None:
    result = parse_reference(raw, 7)
    assert not result.parsed and result.problem and result.fields == {} and result.line == 7


def test_fields_it_cannot_read_stay_empty() -> None:
    fields = parse_reference("Wood L. Peer workers in NHS perinatal mental health services: a values-based "
                             "approach. London: MIND; 2020.").fields
    assert fields["year"] == 2020 and fields["title"].startswith("Peer workers")
    assert not {"journal", "volume", "issue", "pages", "doi"} & set(fields)
