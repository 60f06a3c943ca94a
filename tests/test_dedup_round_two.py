"""Dedup round two (issue 19): the failure classes found on labelled sets nobody tuned to."""

from __future__ import annotations

import numpy as np
import pytest

from review.corpus.dedup.compare import compare
from review.corpus.dedup.keys import build_keys
from review.corpus.dedup.kinds import notice_kind
from review.corpus.dedup.pages import page_tokens
from review.corpus.dedup.pipeline import find_groups
from review.corpus.dedup.score import explain_pair
from review.corpus.dedup.settings import DedupSettings
from review.corpus.normalise import normalise_fields

ARTICLE = {"title": "Behavioral deficits in mice expressing a dominant-negative DISC1 mutant",
           "authors": ["Abazyan, B.", "Nomura, J.", "Kannan, G."], "year": "2010",
           "journal": "Biological Psychiatry", "volume": "68", "issue": "12", "pages": "1172-1181",
           "doi": "10.1016/j.biopsych.2010.09.022"}
EMBASE_SOURCE = "Biological Psychiatry. 68 (12) ()(pp 1172-1181), 2010. Date of Publication: 15 Dec 2010."


def rows(*raw: dict) -> list[dict]:
    return [{**normalise_fields(r), "id": i} for i, r in enumerate(raw, start=1)]


def explain(a: dict, b: dict, settings: DedupSettings | None = None) -> dict:
    return explain_pair(build_keys(rows(a, b)), 0, 1, settings or DedupSettings())


def groups(*raw: dict, settings: DedupSettings | None = None) -> list[list[int]]:
    found = find_groups(build_keys(rows(*raw)), settings or DedupSettings())
    return sorted(sorted(g) for g in found.clustering.groups if len(g) > 1)


def queued(*raw: dict) -> list[tuple[int, int]]:
    found = find_groups(build_keys(rows(*raw)), DedupSettings())
    return [(q.left, q.right) for q in found.queue]


# -- a date where the pages should be ---------------------------------------------------


@pytest.mark.parametrize("pages", ["2010-2Oct", "20100529/0604", "15 Sep 2010", "2010 Sep 15"])
def test_a_date_in_the_pages_field_is_no_page(pages: str) -> None:
    keys = build_keys(rows({**ARTICLE, "pages": pages}))
    assert keys.page == [""]


def test_pages_are_recovered_from_an_embase_source_string() -> None:
    from review.corpus.dedup.pages import source_pages

    assert source_pages(EMBASE_SOURCE) == ("1172", "1181")
    assert source_pages("Biological Psychiatry") == ("", "")
    keys = build_keys(rows({**ARTICLE, "pages": "15", "journal": EMBASE_SOURCE}))
    assert (keys.page[0], keys.page_last[0]) == ("1172", "1181")
    assert keys.journal[0] == build_keys(rows(ARTICLE)).journal[0]


def test_the_day_of_publication_in_the_pages_is_no_page() -> None:
    source = "Biological Psychiatry. 68 (12), 2010. Date of Publication: 15 Dec 2010."
    keys = build_keys(rows({**ARTICLE, "pages": "15", "journal": source}))
    assert keys.page == [""]


def test_records_with_a_day_for_pages_merge_with_the_article() -> None:
    no_doi = {**ARTICLE, "doi": None}
    assert groups(no_doi, {**no_doi, "pages": "15", "journal": EMBASE_SOURCE}) == [[0, 1]]


# -- a shared DOI blanked as a container DOI -------------------------------------------


def test_a_day_for_pages_does_not_make_a_container_doi() -> None:
    keys = build_keys(rows(ARTICLE, {**ARTICLE, "pages": "17"}))
    assert keys.doi[0] == keys.doi[1] != ""


def test_a_supplement_doi_on_real_pages_is_still_a_container() -> None:
    keys = build_keys(rows({**ARTICLE, "pages": "S12"}, {**ARTICLE, "title": "Another abstract entirely", "pages": "S250"}))
    assert keys.doi == ["", ""]


# -- notices ---------------------------------------------------------------------------


def test_a_type_label_alone_does_not_separate_an_identical_citation() -> None:
    assert groups(ARTICLE, {**ARTICLE, "type": "Note"}) == [[0, 1]]


def test_an_erratum_with_its_own_doi_and_page_stays_apart() -> None:
    erratum = {**ARTICLE, "title": "Erratum: " + ARTICLE["title"], "issue": "3", "volume": "69", "year": "2011",
               "pages": "310", "doi": "10.1016/j.biopsych.2011.01.001"}
    assert groups(ARTICLE, erratum) == []


def test_a_correction_carrying_the_articles_citation_is_a_notice() -> None:
    title = ("Loss of the protein in mice (PLoS ONE (2014) 9 7 (e103802) "
             "DOI: 10.1371/journal.pone.0103802)")
    assert notice_kind(title, None) == "erratum"


def test_a_supplement_volume_is_no_proof_of_a_meeting_abstract() -> None:
    assert groups(ARTICLE, {**ARTICLE, "volume": "68 Suppl"}) == [[0, 1]]


# -- DOIs ------------------------------------------------------------------------------


def _doi(a: str, b: str) -> int:
    keys = build_keys(rows({**ARTICLE, "doi": a}, {**ARTICLE, "doi": b}))
    return int(compare(keys, np.asarray([0]), np.asarray([1]))["doi"][0])


@pytest.mark.parametrize(("a", "b"), [("10.5555/case.1", "10.5555/case.12"), ("10.1136/bmj.m1", "10.1136/bmj.m123"),
                                      ("10.1000/abc", "10.1000/abcd")])
def test_a_doi_that_is_a_prefix_of_another_is_another_doi(a: str, b: str) -> None:
    assert _doi(a, b) == 0


@pytest.mark.parametrize("suffix", [".t001", ".s002", ".g003", "/suppl", "/suppl_file/x.pdf"])
def test_a_figure_or_supplement_doi_extends_its_article(suffix: str) -> None:
    assert _doi("10.1371/journal.pone.0103802", "10.1371/journal.pone.0103802" + suffix) == 1


@pytest.mark.parametrize(("a", "b"), [("10.3402/fnr.v57i0.21083", "fnrv57i0.21083"),
                                      ("10.1000/abc_def.12", "10.1000/abc-def.12")])
def test_a_damaged_doi_is_not_a_different_doi(a: str, b: str) -> None:
    assert _doi(a, b) != 0


def test_a_numbered_case_series_is_not_merged() -> None:
    one = {**ARTICLE, "title": "Case 1: a man with a cough", "doi": "10.5555/case.1", "year": "1990",
           "authors": ["Smith, A."], "pages": None, "volume": None, "issue": None}
    twelve = {**one, "title": "Case 12: a man with a cough", "doi": "10.5555/case.12", "year": "2006",
              "authors": ["Jones, B."]}
    assert groups(one, twelve) == []


def test_years_apart_with_other_authors_never_merge_automatically() -> None:
    a = {**ARTICLE, "pages": None, "volume": None, "issue": None}
    b = {**a, "year": "2016", "authors": ["Miller, Q.", "Zhou, X."]}
    assert groups(a, b) == []


# -- Cochrane versions ------------------------------------------------------------------


COCHRANE = {"title": "Interventions for preventing falls in older people", "authors": ["Gillespie, L. D."],
            "year": "2009", "journal": "Cochrane Database of Systematic Reviews", "issue": "2",
            "pages": "CD007146", "doi": "10.1002/14651858.CD007146.pub2"}


def test_cochrane_versions_stay_apart_by_default_with_the_reason() -> None:
    newer = {**COCHRANE, "year": "2012", "issue": "9", "doi": "10.1002/14651858.CD007146.pub3"}
    assert groups(COCHRANE, newer) == []
    assert explain(COCHRANE, newer)["guard"] == "cochrane_versions"


def test_cochrane_versions_are_one_work_when_review_toml_says_so() -> None:
    newer = {**COCHRANE, "year": "2012", "issue": "9", "doi": "10.1002/14651858.CD007146.pub3"}
    assert groups(COCHRANE, newer, settings=DedupSettings(cochrane_versions="ignore")) == [[0, 1]]


# -- titles in another language or cut short ---------------------------------------------


def test_a_translated_title_with_the_same_citation_is_at_least_queued() -> None:
    french = {**ARTICLE, "title": "Deficits comportementaux chez des souris exprimant un mutant DISC1", "doi": None,
              "pages": "1172"}
    assert queued({**ARTICLE, "doi": None}, french) == [(0, 1)]


def test_a_translated_edition_with_the_same_doi_is_at_least_queued() -> None:
    german = {**ARTICLE, "title": "Verhaltensdefizite bei Mausen mit einer dominant-negativen Mutante",
              "journal": "Der Nervenarzt", "volume": "12", "pages": "44-50"}
    assert queued(ARTICLE, german) == [(0, 1)]


# -- recurring columns, companions -------------------------------------------------------


def test_a_column_by_one_editor_in_several_issues_is_a_recurring_item() -> None:
    column = {"title": "Thoughts from the far side of the desk", "authors": ["Brown, K."], "year": "2015",
              "journal": "Journal of Nursing Practice", "volume": "11"}
    assert groups(*[{**column, "issue": str(i)} for i in range(1, 5)]) == []


def test_companion_papers_on_adjacent_pages_are_not_a_page_typo() -> None:
    a = {**ARTICLE, "title": "Behavioral deficits in mice expressing a dominant-negative DISC1 mutant: part A",
         "doi": None}
    b = {**a, "title": "Behavioral deficits in mice expressing a dominant-negative DISC1 mutant: part B",
         "pages": "1182-1190"}
    assert groups(a, b) == []


def test_page_tokens_of_plain_pages_unchanged() -> None:
    assert page_tokens("1172-1181") == ("1172", "1181")


def test_a_lone_day_against_the_articles_range_is_no_page_difference() -> None:
    no_doi = {**ARTICLE, "doi": None}
    assert groups(no_doi, {**no_doi, "pages": "17"}) == [[0, 1]]


def test_an_erratum_on_a_single_page_in_a_later_issue_stays_apart() -> None:
    no_doi = {**ARTICLE, "doi": None, "issue": None}
    assert groups(no_doi, {**no_doi, "pages": "1290", "year": "2011"}) == []


def test_a_date_for_pages_in_another_issue_is_not_merged_automatically() -> None:
    no_doi = {**ARTICLE, "doi": None}
    assert groups(no_doi, {**no_doi, "pages": "2010-2018Aug", "issue": "7"}) == []
    assert queued(no_doi, {**no_doi, "pages": "2010-2018Aug", "issue": "7"}) == [(0, 1)]


def test_a_type_label_without_pages_or_doi_does_not_separate_the_same_abstract() -> None:
    abstract = {**ARTICLE, "doi": None, "pages": None, "issue": "Supplement 1"}
    assert groups(abstract, {**abstract, "type": "Note"}) == [[0, 1]]


ABSTRACT = ("Disrupted in schizophrenia 1 (DISC1) is a candidate gene for major psychiatric disorders. "
            "We generated transgenic mice expressing a dominant-negative mutant under the CaMKII promoter and "
            "measured behaviour, neuronal morphology and dopamine signalling across development.")


def test_a_translated_title_with_the_same_abstract_and_citation_merges() -> None:
    article = {**ARTICLE, "doi": None, "abstract": ABSTRACT}
    french = {**article, "title": "Deficits comportementaux chez des souris exprimant un mutant DISC1"}
    cut = {**article, "title": "Behavioral deficits"}
    assert groups(article, french) == [[0, 1]]
    assert groups(article, cut) == [[0, 1]]


def test_a_translated_title_under_the_same_whole_citation_merges() -> None:
    article = {**ARTICLE, "doi": None}
    french = {**article, "title": "Deficits comportementaux chez des souris exprimant un mutant DISC1"}
    assert groups(article, french) == [[0, 1]]
    assert groups(article, {**french, "authors": ["Other, Q.", "Nomura, J."]}) == []


def test_two_abstracts_of_one_supplement_doi_with_different_texts_are_not_merged() -> None:
    other = ("Incretin hormones act on vascular cells. We treated apolipoprotein E deficient mice with a "
             "GLP-1 analogue for twelve weeks and measured plaque area, macrophage content and lipid levels.")
    one = {**ARTICLE, "title": "The effects of incretin on artery lesions in a model of atherosclerosis in mice",
           "pages": "52", "abstract": ABSTRACT, "issue": "Suppl 3"}
    two = {**one, "title": "Effects of incretin on artery lesions in a model of atherosclerosis in mice",
           "pages": "2010", "abstract": other}
    assert groups(one, two) == []


def test_a_journal_name_with_its_subtitle_is_the_same_journal() -> None:
    from review.corpus.dedup.compare import journals_compatible
    from review.corpus.dedup.keys import journal_key

    assert journals_compatible(journal_key("Clin canc Res an offic J Am Assoc Canc Res"),
                               journal_key("Clinical Cancer Research"))
    assert journals_compatible(journal_key("Int J cancer.Journal Int du canc"), journal_key("International Journal of Cancer"))
    assert not journals_compatible(journal_key("Clinical Cancer Research"), journal_key("Clinical Chemistry"))


def test_the_year_as_a_supplement_page_is_no_page() -> None:
    assert build_keys(rows({**ARTICLE, "pages": "S2010"})).page == [""]


def test_a_year_typed_wrongly_under_the_same_citation_is_queued() -> None:
    no_doi = {**ARTICLE, "doi": None}
    assert queued(no_doi, {**no_doi, "year": "2001"}) == [(0, 1)]


def test_two_items_by_one_editor_on_one_page_are_not_one_citation() -> None:
    editorial = {"title": "Guest editorial: introduction to the special section", "authors": ["Shiraishi, E."],
                 "year": "2004", "journal": "American Journal of Surgical Pathology", "volume": "28", "issue": "1",
                 "pages": "138-140"}
    assert groups(editorial, {**editorial, "title": "Book reviews", "pages": "138-139"}) == []


def test_cochrane_versions_as_one_work_also_by_review_number() -> None:
    newer = {**COCHRANE, "year": "2012", "issue": "9", "doi": None, "authors": ["Gillespie, L. D.", "Robertson, M."]}
    assert groups(COCHRANE, newer) == []
    assert groups(COCHRANE, newer, settings=DedupSettings(cochrane_versions="ignore")) == [[0, 1]]
