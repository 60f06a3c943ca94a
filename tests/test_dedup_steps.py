"""The dedup pipeline's small steps, each on its own: keys, blocking, scoring, clustering, merge."""

from __future__ import annotations

import json

import numpy as np
import pytest

from review.corpus.dedup.block import block
from review.corpus.dedup.cluster import cluster
from review.corpus.dedup.compare import journals_compatible
from review.corpus.dedup.keys import author_surnames, build_keys, doi_key, journal_key, title_key
from review.corpus.dedup.kinds import is_conference_abstract, notice_kind
from review.corpus.dedup.merge import merge_records
from review.corpus.dedup.pages import page_tokens, pages_agree
from review.corpus.dedup.score import SAME, explain_pair, score_pairs
from review.corpus.dedup.settings import DedupSettings
from review.corpus.normalise import clean_title, normalise_fields
from review.errors import ConfigError


def rows(*raw: dict) -> list[dict]:
    """Importer fields -> stored rows with ids, as the importer would store them."""
    return [{**normalise_fields(r), "id": i} for i, r in enumerate(raw, start=1)]


# -- normalise -----------------------------------------------------------------------------


def test_title_keys_ignore_markup_case_spelling_and_medline_notes() -> None:
    a = title_key(clean_title("Randomised trial of <i>peer</i> support &amp; behaviour: a paediatric study."))
    b = title_key(clean_title("RANDOMIZED TRIAL OF PEER SUPPORT AND BEHAVIOR - A PEDIATRIC STUDY"))
    assert a == b
    assert title_key("[Migraine: ignition of the brain]. [Spanish]") == title_key("Migraine: Ignition of the brain")
    assert title_key("Long-term effect.[Erratum appears in Am J Hematol. 2010 Nov;85(11):911]") == title_key(
        "Long-term effect")
    assert title_key("Effect of α-blockers") == title_key("Effect of alpha blockers")


def test_author_surnames_survive_every_export_style() -> None:
    styles = [
        ["Dennis, C.-L.", "Hodnett, E."],  # EBSCOhost
        ["Dennis CL", "Hodnett E"],  # MEDLINE
        ["Dennis C.-L.", "Hodnett E."],  # Scopus
        ["Cindy-Lee Dennis", "Ellen Hodnett"],  # given names first
    ]
    keys = {" ".join(author_surnames(json.loads(normalise_fields({"authors": s})["authors"]))) for s in styles}
    assert keys == {"dennis hodnett"}
    # a CSV that ran the names together still yields the surnames
    assert author_surnames([{"family": "Adeli K.Lewis G.", "given": "F."}]) == ["adeli", "lewis"]


def test_dois_lose_resolvers_and_openurl_debris() -> None:
    assert doi_key("10.2337/db12-1721-2041&rft_id=info:pmid/&rft.issn=0012-1797") == "10.2337/db12-1721-2041"
    assert doi_key("10.1016/s0735-1097%252813%252962048-3") == "10.1016/s0735-1097(13)62048-3"
    assert doi_key("10.1002/(ISSN)1744-4292") == ""  # a journal's DOI
    assert doi_key("NA") == ""


def test_journal_abbreviations_are_compatible_with_full_names() -> None:
    assert journals_compatible(journal_key("N Engl J Med"), journal_key("New England Journal of Medicine"))
    assert journals_compatible(journal_key("Curr Opin Lipidol"), journal_key("Current Opinion in Lipidology"))
    assert journals_compatible(journal_key("BMC Pregnancy & Childbirth"), journal_key("BMC Pregnancy and Childbirth"))
    assert not journals_compatible(journal_key("Diabetologia"), journal_key("Diabetes Care"))


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ("1012-24", "1012-1024", 1),  # MEDLINE abbreviation (expanded on import)
        ("S109-S112", "109-112", 1),  # supplement letter dropped
        ("488", "487-488", 1),  # only the last page kept
        ("Suppl-12", "S109-S112", 1),  # a mangled range that still ends right
        ("2141-2147", "2142-2147", 1),  # a typing error in the first page
        ("e12724", "1-6", -1),  # electronic locator vs printed pages
        ("15193", "01-Dec", -1),  # a spreadsheet turned 1-12 into a date
        ("3499-3512", "3502-3515", -1),  # overlapping ranges: one is mistyped
        ("51", "52", 0),
        ("A486", "S321", 0),
    ],
)
def test_page_comparison(a: str, b: str, expected: int) -> None:
    pa = page_tokens(normalise_fields({"pages": a})["pages"])
    pb = page_tokens(normalise_fields({"pages": b})["pages"])
    assert pages_agree(*pa, *pb) == expected


@pytest.mark.parametrize(
    "title,kind",
    [
        ("Erratum: Author Correction: A remarkable assemblage of petroglyphs", "erratum"),
        ("Correction to: Peer support for mothers", "erratum"),
        ("Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)", "erratum"),
        ("Eculizumab for atypical HUS (New England Journal of Medicine (2009) 360 (542-544))", "erratum"),
        ("Retraction notice to: A trial", "retraction"),
        ("Reply to Smith et al.", "comment"),
        ("Atypical hemolytic uremic syndrome associated with streptococcus - Reply", "comment"),
        ("Correction of hyponatraemia in the elderly", ""),  # an article about correcting
        ("Eculizumab for atypical HUS.[Erratum appears in N Engl J Med. 2009]", ""),  # the article
    ],
)
def test_notices_are_recognised_from_their_titles(title: str, kind: str) -> None:
    assert notice_kind(title, "journal-article") == kind


def test_meeting_abstracts_are_recognised() -> None:
    assert is_conference_abstract("journal-article", "59", "1 Supplement 1", "Diabetologia")
    assert is_conference_abstract("journal-article", "28", "", "Circulation. Conference: AHA Sessions")
    assert not is_conference_abstract("journal-article", "15", "1", "Diab Vasc Dis Res")


# -- block, score, cluster --------------------------------------------------------------


def test_blocking_finds_titles_that_differ_at_either_end() -> None:
    titles = ["Atypical hemolytic uremic syndrome"] * 12 + [
        "MEDICAL PROGRESS Atypical hemolytic uremic syndrome",
        "Atypical hemolytic uremic syndrome: a review of the evidence",
    ]
    keys = build_keys(rows(*({"title": t, "authors": [f"Author{i}, A"]} for i, t in enumerate(titles))))
    pairs = set(zip(block(keys).left.tolist(), block(keys).right.tolist(), strict=True))
    assert any(12 in p for p in pairs) and any(13 in p for p in pairs)


def test_no_title_or_doi_only_records_are_never_merged_on_one_field() -> None:
    data = rows(
        {"doi": "10.1000/xyz"},
        {"doi": "10.1000/xyz"},
        {"authors": ["Smith, J"], "year": "2010"},
        {"authors": ["Smith, J"], "year": "2010"},
        {"title": "", "journal": "Nat Rev Nephrol", "volume": "7", "pages": "23-35"},
        {"title": "", "journal": "Nat Rev Nephrol", "volume": "7", "pages": "23-35"},
    )
    keys = build_keys(data)
    scored = score_pairs(keys, np.array([0, 2, 4]), np.array([1, 3, 5]), DedupSettings())
    assert (scored.decision != SAME).all()


def test_different_dois_keep_records_apart_unless_the_whole_citation_agrees() -> None:
    base = {"title": "Outcomes of peer support for perinatal depression in a cohort", "authors": ["Dennis, C-L"],
            "year": "2014", "journal": "J Affect Disord", "volume": "12"}
    keys = build_keys(rows({**base, "doi": "10.1016/j.jad.2014.01.001", "pages": "1-9"},
                           {**base, "doi": "10.1016/j.jad.2014.02.002", "pages": "11-19"},
                           {**base, "doi": "10.1007/s13524-016-0479-5", "pages": "1-9"}))
    explained = explain_pair(keys, 0, 1, DedupSettings())
    assert (explained["decision"], explained["guard"]) == ("different", "different_dois")
    # same journal, volume, first page, year and first author: the DOI is the typing error
    assert explain_pair(keys, 0, 2, DedupSettings())["decision"] == "same"


def test_a_configured_treatment_changes_the_outcome() -> None:
    base = {"title": "Outcomes of peer support for perinatal depression in a cohort", "authors": ["Dennis, C-L"],
            "year": "2014", "journal": "J Affect Disord", "volume": "12", "pages": "1-9"}
    keys = build_keys(rows(base, {**base, "language": "French"}, {**base, "language": "English"}))
    assert explain_pair(keys, 1, 2, DedupSettings())["decision"] == "maybe"  # languages = "check"
    assert explain_pair(keys, 1, 2, DedupSettings(languages="ignore"))["decision"] == "same"
    # apart: never merged automatically; the evidence says "same", so a person is asked
    apart = explain_pair(keys, 1, 2, DedupSettings(languages="apart"))
    assert (apart["decision"], apart["guard"]) == ("maybe", "languages")
    with pytest.raises(ConfigError, match="languages"):
        DedupSettings.from_mapping({"languages": "maybe"})


def test_clusters_do_not_chain() -> None:
    # 0~1 and 1~2 are "same", 0 and 2 are not: a star around the best-connected record
    # admits both, but 3~2 alone cannot join the group whose canonical record is 1.
    from review.corpus.dedup.score import Scored

    def scored(pairs: list[tuple[int, int, int]]) -> Scored:
        left = np.array([p[0] for p in pairs])
        right = np.array([p[1] for p in pairs])
        decision = np.array([p[2] for p in pairs], dtype=np.int8)
        return Scored(left, right, np.zeros(len(pairs)), np.where(decision == SAME, 0.999, 0.1), decision,
                      np.full(len(pairs), "", dtype=object), np.full(len(pairs), "title", dtype=object))

    found = scored([(0, 1, SAME), (1, 2, SAME), (2, 3, SAME)])

    def rescore(left: np.ndarray, right: np.ndarray) -> Scored:
        return scored([(int(a), int(b), 0) for a, b in zip(left, right, strict=True)])

    result = cluster(4, found, rescore, completeness=np.array([1.0, 2.0, 1.0, 1.0]), record_ids=np.arange(1, 5))
    groups = sorted(sorted(g) for g in result.groups)
    assert groups in ([[0, 1], [2, 3]], [[0], [1, 2], [3]], [[0, 1, 2], [3]])
    assert all(len(g) < 4 for g in groups)


def test_merged_record_takes_the_most_complete_values() -> None:
    data = rows(
        {"title": "Peer support", "authors": ["Dennis C"], "journal": "J Adv Nurs", "pages": "709-24",
         "doi": "10.1111/j.1365-2648.2003.02579.x", "year": "2003"},
        {"title": "Peer support.", "authors": ["Dennis, Cindy-Lee", "Hodnett, Ellen"],
         "journal": "Journal of Advanced Nursing", "abstract": "A long abstract.", "year": "2003"},
    )
    merged, sources = merge_records(data, canonical=1)
    assert merged["title"] == "Peer support"
    assert "Hodnett" in merged["authors"]
    assert merged["journal"] == "Journal of Advanced Nursing" and merged["journal_abbrev"] is None
    assert merged["pages"] == "709-724" and merged["doi"] == "10.1111/j.1365-2648.2003.02579.x" and merged["abstract"]
    assert sources["authors"] == 2 and sources["doi"] == 1
