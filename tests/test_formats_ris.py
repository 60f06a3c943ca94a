"""RIS dialects: where each database puts ids and PMIDs, multi-line values, header lines,
spacing quirks, and the record-boundary errors rispy would swallow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from review.corpus.formats import ris
from review.corpus.importer import prepare_file
from review.corpus.normalise import normalise_fields
from review.errors import FormatError

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
CFF = EXPORTS / "citation-file-formatting" / "RIS"


def _read(path: Path):
    _digest, fmt, parsed, warnings, encoding = prepare_file(path)
    assert fmt == "ris"
    return parsed, encoding


def _parse(text: str):
    return ris.FORMAT.parse(text, Path("t.ris"))


def test_endnote_bom_crlf_and_pmid_in_an() -> None:
    parsed, encoding = _read(EXPORTS / "reflib" / "blue-light.ris")
    assert encoding == "utf-8-sig"
    first = parsed[0]
    assert first.source_ref == "895"  # EndNote's record number (ID)
    row = normalise_fields(first.fields)
    assert row["pmid"] == "29657938"  # AN, with DP - NLM
    assert row["issn"] == "2277-9175"
    assert row["language"] == "en"
    assert first.original["KW"][0] == "Acne"
    assert parsed[1].line == 44


def test_endnote_untagged_lines_are_further_items_or_text() -> None:
    parsed, _ = _read(CFF / "_baseline_endnote.ris")
    original = parsed[0].original
    assert original["KW"] == ["article", "biostratigraphy", "Colorado", "dinosaur", "nonhuman",
                              "tibia", "transverse process", "Upper Jurassic"]
    assert original["DB"] == ["Embase", "Medline"]
    assert original["SN"] == ["1932-8494", "1932-8486"]
    assert original["N1"] == ["L2030246463\n2024-06-24"]
    row = normalise_fields(parsed[0].fields)
    assert row["issn"] == "1932-8494; 1932-8486"
    assert row["type"] == "journal-article"  # M3 "Article in Press"
    assert row["url"].startswith("https://www.embase.com/")
    assert row["doi"] == "10.1002/ar.25520"


def test_rayyan_multi_line_keywords() -> None:
    parsed, _ = _read(EXPORTS / "asreview" / "ris_issue_992.txt")
    keywords = parsed[0].original["KW"]
    assert keywords[:3] == ["Health Facility Administration", "Joint Commission", "Standards"]
    assert len(keywords) == 13
    assert parsed[0].source_ref == "1"
    row = normalise_fields(parsed[0].fields)
    assert (row["page_first"], row["page_last"]) == ("1", "5")  # SP - 1-5


def test_free_text_lines_continue_the_tag_above() -> None:
    parsed, _ = _read(EXPORTS / "asreview" / "ris_issue_1099.txt")
    assert parsed[0].original["U3"] == ["Cited By :9\nExport Date: 12 May 2022\nArticle"]
    assert parsed[0].original["PB"] == ["VSB-Technical University of Ostrava"]
    assert parsed[0].source_ref == "2-s2.0-85054091539"  # Scopus eid in UR
    assert normalise_fields(parsed[0].fields)["journal_abbrev"] == "Adv. Electr. Electron. Eng."


def test_cochrane_header_lines_and_double_space_after_the_dash() -> None:
    parsed, _ = _read(CFF / "_baseline_cochrane_endnote.ris")
    assert [p.line for p in parsed] == [5, 79, 131]
    first = parsed[0]
    assert first.original["TY"] == ["JOUR"]
    assert first.source_ref == "CN-00778158"
    row = normalise_fields(first.fields)
    assert row["pmid"] == "21314913"  # C3 - PUBMED 21314913
    assert row["journal"] == "Trials"
    assert row["type"] == "journal-article"


def test_cochrane_refman_uses_a1_t1_n2() -> None:
    parsed, _ = _read(CFF / "_baseline_cochrane_refman.ris")
    row = normalise_fields(parsed[0].fields)
    assert row["title"].startswith("The Incredible Years Therapeutic Dinosaur Programme")
    assert row["abstract"].startswith("BACKGROUND:")
    assert '"family": "Bywater"' in row["authors"]


def test_apa_provider_header_and_four_letter_pmid_tag() -> None:
    parsed, _ = _read(EXPORTS / "colrev" / "psycinfo_ris.ris")
    (record,) = parsed
    assert record.line == 5
    assert record.original["PMID"] == ["33355555"]
    row = normalise_fields(record.fields)
    assert row["pmid"] == "33355555"
    assert row["issn"] == "1999-7777; 0222-6666"  # "1999-7777(Electronic),0222-6666(Print)"
    assert row["doi"] == "10.1011/hea0004444"


def test_jstor_provider_lines_between_records() -> None:
    parsed, _ = _read(EXPORTS / "colrev" / "jstor_ris.ris")
    assert len(parsed) == 4
    assert parsed[0].line == 6


def test_ovid_counters_nl_after_er_and_no_specified_pages() -> None:
    parsed, _ = _read(EXPORTS / "asreview" / "ovid_psycinfo.ris")
    first = parsed[0]
    assert (first.line, first.source_ref) == (2, "2019-65183-001")
    assert first.original["NL"] == ["Clin Psychol Psychother"]  # written after ER
    row = normalise_fields(first.fields)
    assert (row["pages"], row["page_first"]) == (None, None)  # "No" / "Specified"
    assert row["year"] == 2019  # Y1 - 2019//
    second = normalise_fields(parsed[1].fields)
    assert (second["page_first"], second["page_last"]) == ("847", "856")


def test_ovid_medline_accession_and_unique_identifier() -> None:
    text = ("1.\nTY  - JOUR\nDB  - Ovid MEDLINE(R) ALL\nAN  - 31000002\nUI  - 31000002\n"
            "TI  - An Ovid MEDLINE record\nER  -\n\n2.\nTY  - JOUR\nDB  - Embase\nAN  - 2004123456\n"
            "UI  - 31000003\nTI  - Another\nER  -\n")
    first, second = _parse(text)
    assert (first.line, first.source_ref, second.source_ref) == (2, "31000002", "2004123456")
    assert normalise_fields(first.fields)["pmid"] == "31000002"
    assert normalise_fields(second.fields)["pmid"] == "31000003"  # not the Embase accession


def test_year_with_slashes_and_full_dates() -> None:
    text = "TY  - JOUR\nTI  - A\nY1  - 2020///\nER  - \n\nTY  - JOUR\nTI  - B\nDA  - 2020/03/15\nER  - \n"
    years = [normalise_fields(p.fields)["year"] for p in _parse(text)]
    assert years == [2020, 2020]


def test_lone_carriage_returns_separate_records() -> None:
    parsed, _ = _read(EXPORTS / "litstudy" / "example.ris")
    assert len(parsed) == 5
    assert normalise_fields(parsed[4].fields)["title"]


def test_embase_pmid_in_c5_and_id_in_u2() -> None:
    parsed, _ = _read(CFF / "_baseline_embase.ris")
    assert [p.source_ref for p in parsed[:2]] == ["L2029880245", "L644585435"]
    first, second = (normalise_fields(p.fields) for p in parsed[:2])
    assert (first["pmid"], second["pmid"]) == ("38773066", "38906957")
    assert (first["journal"], first["journal_abbrev"]) == ("Nature Communications", "Nat. Commun.")
    assert second["type"] == "erratum"  # M3 - Erratum


def test_scopus_pmid_in_c2_and_article_number_in_c7() -> None:
    parsed, encoding = _read(CFF / "_baseline_scopus.ris")
    assert encoding == "utf-8-sig"
    row = normalise_fields(parsed[0].fields)
    assert parsed[0].source_ref == "2-s2.0-85189760133"
    assert (row["pmid"], row["page_first"], row["journal_abbrev"]) == ("38580657", "2864", "Nat. Commun.")


def test_web_of_science_ris() -> None:
    parsed, _ = _read(EXPORTS / "asreview" / "web_of_science.txt")
    row = normalise_fields(parsed[0].fields)
    assert parsed[0].source_ref == "WOS:000444108200009"
    assert row["journal"] == "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION"
    assert row["journal_abbrev"] == "J. Appl. Res. Mem. Cogn."


def test_ebscohost_accession_number_in_notes() -> None:
    parsed, _ = _read(CFF / "_baseline_cinahl.ris")
    row = normalise_fields(parsed[0].fields)
    assert parsed[0].source_ref == "176404503"
    assert row["doi"] == "10.1371/journal.pone.0298242"  # only in a link (L3)
    assert (row["page_first"], row["page_last"], row["year"]) == ("1", "60", 2024)


def test_proquest_accession_and_database() -> None:
    parsed, _ = _read(EXPORTS / "asreview" / "proquest.ris")
    assert parsed[0].source_ref == "2214991469; 51887"
    assert parsed[0].original["DB"] == ["PTSDpubs"]


def test_eppi_reviewer_spaced_initials_and_item_id() -> None:
    parsed, _ = _read(CFF / "_baseline_eppireviewer.ris")
    assert parsed[0].source_ref == "102199191"  # U1
    assert normalise_fields(parsed[0].fields)["authors"].startswith(
        '[{"family": "Brownstein", "given": "C D"}')


# Record boundaries: every record read is imported or reported with its line.

def test_truncated_last_record_names_its_first_line() -> None:
    text = "TY  - JOUR\nTI  - A\nER  - \n\nTY  - JOUR\nTI  - B\nAU  - X, Y\n"
    with pytest.raises(FormatError, match=r"t\.ris:5: ER: last record \(starting on line 5\) is truncated"):
        _parse(text)


def test_ty_without_er_before_the_next_ty() -> None:
    text = "TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  - \n"
    with pytest.raises(FormatError, match=r"t\.ris:3: TY: record starting on line 1 has no ER"):
        _parse(text)


def test_er_without_ty() -> None:
    with pytest.raises(FormatError, match=r"t\.ris:2: ER: ER \(end of record\) without a TY"):
        _parse("\nER  - \n")


def test_tag_line_outside_a_record() -> None:
    text = "TY  - JOUR\nTI  - A\nER  - \n\nAU  - Lost, A\nTI  - B\nER  - \n"
    with pytest.raises(FormatError, match=r"t\.ris:5: AU: AU line outside a record"):
        _parse(text)


def test_loose_spacing_is_tolerated() -> None:
    (record,) = _parse("TY - JOUR\nTI - Spaced\nAU  -  Doe, J\nER\n")
    assert record.original == {"TY": ["JOUR"], "TI": ["Spaced"], "AU": ["Doe, J"]}
