"""Dedup on data nobody tuned it to: recurring items, damaged fields, two DOIs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from review.corpus.dedup.compare import journals_compatible
from review.corpus.dedup.keys import build_keys, journal_key, recurring_titles, title_key
from review.corpus.dedup.kinds import is_recurring_title
from review.corpus.dedup.pages import page_tokens, pages_agree
from review.corpus.dedup.pipeline import find_groups
from review.corpus.dedup.score import explain_pair
from review.corpus.dedup.settings import DedupSettings
from review.corpus.normalise import normalise_fields, normalise_pages

ARTICLE = {"title": "Behavioral deficits in mice expressing a dominant-negative DISC1 mutant",
           "authors": ["Abazyan, B.", "Nomura, J.", "Kannan, G."], "year": "2010",
           "journal": "Biological Psychiatry", "volume": "68", "issue": "12", "pages": "1172-1181",
           "doi": "10.1016/j.biopsych.2010.09.022"}


def rows(*raw: dict) -> list[dict]:
    return [{**normalise_fields(r), "id": i} for i, r in enumerate(raw, start=1)]


def decision(a: dict, b: dict) -> str:
    return explain_pair(build_keys(rows(a, b)), 0, 1, DedupSettings())["decision"]


def groups(*raw: dict) -> list[list[int]]:
    found = find_groups(build_keys(rows(*raw)), DedupSettings())
    return sorted(sorted(g) for g in found.clustering.groups if len(g) > 1)


@pytest.mark.parametrize(("short", "full"), [
    ("Mol. Biosyst.", "Molecular BioSystems"),
    ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences"),
    ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences of the United States of America"),
    ("Biological Psychiatry.68 (12)", "Biological Psychiatry"),
    ("J Am Med Assoc", "JAMA"),
    ("Am J Physiol Renal Physiol", "American Journal of Physiology - Renal Physiology"),
])
def test_iso4_abbreviations_and_glued_volumes_name_the_same_journal(short: str, full: str) -> None:
    assert journals_compatible(journal_key(short), journal_key(full))


@pytest.mark.parametrize(("a", "b"), [("Diabetologia", "Diabetes"), ("J Neurosci", "J Neurochem"),
                                      ("Nature", "Nat Neurosci"), ("Blood", "Brain")])
def test_different_journals_stay_different(a: str, b: str) -> None:
    assert not journals_compatible(journal_key(a), journal_key(b))


def test_damaged_pages_are_missing_values_not_disagreements() -> None:
    assert normalise_pages("04-May")[0] == "4-5"  # a spreadsheet's date
    assert normalise_pages("pp S205")[0] == "S205"
    assert pages_agree("sa94", "", "a94", "") == 1  # a supplement's letter dropped
    keys = build_keys(rows({**ARTICLE, "pages": "2010"}, {**ARTICLE, "pages": "var.pagings"},
                           {**ARTICLE, "pages": "xii-xiv"}))
    assert keys.page[:2] == ["", ""]  # the year, a placeholder
    assert keys.page[2] == "xii"  # a roman numeral is a page
    assert page_tokens("1172-1181") == ("1172", "1181")
    assert pages_agree("s78", "", "s3", "s89") == -1  # a page inside the whole supplement's range
    assert pages_agree("s78", "", "s3", "s9") == 0
    assert pages_agree("suppl", "42", "s34", "") == -1  # no first page to compare
    assert pages_agree("s488", "", "487", "488") == 1  # the last page, with a supplement letter


def test_letters_an_export_could_not_encode_do_not_split_names_or_titles() -> None:
    a = {**ARTICLE, "authors": ["Muñoz, N", "Kjaer, S K"], "title": "Señales de alarma en el niño", "doi": None,
         "pages": None}
    assert decision(a, {**a, "authors": ["Mu?oz, N", "Kjaer, S K"], "title": "Se?ales de alarma en el ni?o"}) == "same"


def test_author_strings_that_lost_their_separators_are_split() -> None:
    for value in (["AbazyanB.NomuraJ.KannanG."], ["AbazyanB.", "NomuraJ.", "KannanG."]):
        authors = normalise_fields({"authors": value})["authors"]
        assert json.loads(authors) == [{"family": "Abazyan", "given": "B"}, {"family": "Nomura", "given": "J"},
                                       {"family": "Kannan", "given": "G"}]
    assert json.loads(normalise_fields({"authors": ["WHO."]})["authors"]) == [{"family": "WHO.", "given": ""}]


def test_a_reply_to_named_authors_is_a_notice() -> None:
    article = {**ARTICLE, "doi": None}
    reply = {**article, "title": ARTICLE["title"] + " - Reply to Buddles et al", "pages": "1181", "authors": []}
    explained = explain_pair(build_keys(rows(article, reply)), 0, 1, DedupSettings())
    # never merged; shown to a person (rule ``guard-queued``: the rest of the citation agrees)
    assert (explained["decision"], explained["guard"]) == ("maybe", "notices")


@pytest.mark.parametrize("damage", [
    {"journal": "Biol. Psychiatry"},
    {"journal": "Biological Psychiatry.68 (12)", "volume": None, "issue": None},
    {"pages": "2010"},
    {"pages": "var.pagings"},
    {"pages": "pp 1172"},
    {"pages": "1172"},
    {"authors": ["AbazyanB.NomuraJ.KannanG."]},
    {"authors": []},
    {"doi": None, "issue": None},
    {"volume": None},
])
def test_one_damaged_side_still_merges(damage: dict) -> None:
    assert decision(ARTICLE, {**ARTICLE, **damage}) == "same"


def test_a_conference_supplement_record_merges_with_its_journal_record() -> None:
    abstract = {**ARTICLE, "volume": "68", "issue": "12", "pages": "S1172",
                "journal": "Biological Psychiatry. Conference: 65th Annual Meeting of the Society of Biological Psychiatry"}
    assert decision({**ARTICLE, "issue": "Supplement 1"}, abstract) == "same"
    # at another meeting (another journal) it is another report: never merged, a person is asked
    assert decision(ARTICLE, {**abstract, "journal": "Schizophrenia Research. Conference: Congress", "pages": "S44",
                              "doi": None}) == "maybe"


@pytest.mark.parametrize("title", ["Editorial", "Editor's comments", "Editorial introduction",
                                   "Remarks from the editor", "In this issue", "Introduction to the special issue",
                                   "Book reviews", "Letters to the editor", "Reply", "Corrigendum", "Preface",
                                   "Obituary", "Conference abstracts", "From the Editor-in-Chief",
                                   "Acknowledgement of reviewers 2019"])
def test_recurring_titles_are_recognised(title: str) -> None:
    assert is_recurring_title(title_key(title))


@pytest.mark.parametrize("title", ["Introduction to the special issue on digital platforms and ecosystems",
                                   "Editorial decisions in peer review: a randomised study",
                                   "Letters from the front: soldiers' correspondence in 1916"])
def test_specific_titles_are_not_recurring(title: str) -> None:
    assert not is_recurring_title(title_key(title))


def _series(title: str) -> list[dict]:
    """One editor's item in issues 1-4 of one volume, and issue 2's item from a second database."""
    base = {"title": title, "authors": ["Rai, Arun"], "year": "2017", "journal": "MIS Quarterly", "volume": "41"}
    items = [{**base, "issue": str(i), "pages": f"{100 * i}-{100 * i + 2}", "doi": f"10.25300/misq/2017/41.{i}.01"}
             for i in range(1, 5)]
    return [*items, {**items[1], "journal": "MIS Q", "doi": None}]


@pytest.mark.parametrize("title", ["Editor's comments", "Introduction to the special issue",
                                   "Editor's comments: the diversity of research on digital platforms"])
def test_a_recurring_series_merges_only_the_same_issue(title: str) -> None:
    assert groups(*_series(title)) == [[1, 4]]


def test_a_title_recurring_at_three_places_needs_issue_pages_or_doi() -> None:
    pages = ["1-2", "5-6", "9-10", "", ""]
    dois = ["", "", "", "", ""]
    titles = ["research commentary on methods"] * 5
    assert recurring_titles(titles, [page_tokens(p)[0] for p in pages], dois).all()
    assert not recurring_titles(titles[:2] + ["other"] * 3, [page_tokens(p)[0] for p in pages], dois).any()


def test_two_dois_never_merge_automatically_unless_a_named_rule_joins_them() -> None:
    other = {**ARTICLE, "doi": "10.1016/j.biopsych.2010.11.001"}  # the same registrant: another item
    explained = explain_pair(build_keys(rows(ARTICLE, other)), 0, 1, DedupSettings())
    assert (explained["decision"], explained["guard"]) == ("maybe", "different_dois")
    # a second registrant's DOI (JSTOR's, or one a database attached) under the same full citation
    assert decision(ARTICLE, {**ARTICLE, "doi": "10.2307/25148742"}) == "same"
    # a preprint and its publication stay for a person, as before
    assert decision({**ARTICLE, "journal": "bioRxiv", "doi": "10.1101/2020.01.01.123456", "volume": None,
                     "issue": None, "pages": None}, ARTICLE) != "same"


def test_same_title_and_authors_in_two_unrelated_journals_are_queued() -> None:
    a = {**ARTICLE, "doi": None, "pages": None}
    b = {**a, "journal": "Schizophrenia Bulletin"}
    assert decision(a, b) == "maybe"
    assert np.array_equal(build_keys(rows(a)).recurring, [False])


def test_the_parts_of_a_series_are_not_merged_without_pages_or_identifiers() -> None:
    part = {**ARTICLE, "title": "Measuring information systems success: a review, part I", "doi": None,
            "pages": None}
    assert decision(part, {**part, "title": "Measuring information systems success: a review, part II"}) == "maybe"
    # the same first page places them together: a typing error in one title
    placed = {**part, "pages": "12-30"}
    assert decision(placed, {**placed, "title": "Measuring information systems success: a review, part II"}) == "same"
