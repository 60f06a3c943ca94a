"""Issue 19, round three: everything neither merged nor clearly different reaches a person;
blocking on what survives a damaged title; DOIs without their prefix; the three cells where
bib-dedupe led."""

from __future__ import annotations

import json

from review.corpus.dedup.block import block, short_title_pairs, short_titles
from review.corpus.dedup.keys import build_keys
from review.corpus.dedup.pipeline import find_groups
from review.corpus.dedup.score import explain_pair
from review.corpus.dedup.settings import DedupSettings
from review.corpus.doi import doi_fragment, doi_fragment_in_original
from review.corpus.normalise import normalise_fields

ARTICLE = {"title": "Anti-factor H autoantibodies in a fifth renal transplant recipient with atypical hemolytic "
                    "and uremic syndrome", "authors": ["Le Quintrec, M.", "Zuber, J.", "Noel, L. H."],
           "year": "2009", "journal": "American Journal of Transplantation", "volume": "9", "issue": "5",
           "pages": "1223-1229"}


def rows(*raw: dict) -> list[dict]:
    return [{**normalise_fields(r), "id": i} for i, r in enumerate(raw, start=1)]


def explain(a: dict, b: dict, settings: DedupSettings | None = None) -> dict:
    return explain_pair(build_keys(rows(a, b)), 0, 1, settings or DedupSettings())


def queued(*raw: dict) -> list[tuple[int, int, str]]:
    found = find_groups(build_keys(rows(*raw)), DedupSettings())
    return [(q.left, q.right, q.guard) for q in found.queue]


def test_a_pair_only_a_guard_keeps_apart_is_queued() -> None:
    # an erratum under the article's title: never merged automatically (notices = "apart"),
    # but the rest of the citation agrees, so a person is asked (rule ``guard-queued``)
    erratum = {**ARTICLE, "title": "Erratum: " + ARTICLE["title"], "issue": "9", "pages": "2205"}
    assert queued(ARTICLE, erratum) == [(0, 1, "notices")]
    # the same at another meeting: a meeting abstract against the article
    abstract = {**ARTICLE, "journal": "Transplant International. Conference: World Transplant Congress",
                "volume": "22", "issue": "Suppl 2", "pages": "S401"}
    assert queued(ARTICLE, abstract) == [(0, 1, "conference_abstracts")]


def test_clearly_different_pairs_are_not_queued() -> None:
    # two DOIs of one registrant
    a = {**ARTICLE, "doi": "10.1111/j.1600-6143.2009.02611.x"}
    b = {**ARTICLE, "issue": "9", "pages": "2205", "doi": "10.1111/j.1600-6143.2009.02790.x"}
    assert explain(a, b)["decision"] == "different"
    # part 1 and part 2 on other pages
    one = {**ARTICLE, "title": ARTICLE["title"] + " (part 1): a trial"}
    two = {**ARTICLE, "title": ARTICLE["title"] + " (part 2): a trial", "issue": "9", "pages": "2205-2210"}
    assert explain(one, two)["decision"] == "different"
    # years apart with another first author
    later = {**ARTICLE, "year": "2014", "volume": "14", "pages": "88-95", "authors": ["Smith, A."]}
    assert explain(ARTICLE, later)["decision"] == "different"


def test_one_question_per_two_groups() -> None:
    french = {**ARTICLE, "language": "French"}
    english = {**ARTICLE, "language": "English"}
    # two copies in French, two in English (languages = "check"): one question, not four
    assert len(queued(french, {**french, "authors": ["Le Quintrec M", "Zuber J", "Noel LH"]},
                      english, {**english, "journal": "Am J Transplant"})) == 1


def test_a_notice_and_a_record_on_its_first_page_are_one_item() -> None:
    # rule ``notice-same-place``: one database titles it "Erratum: ...", another types it a
    # comment; same first page, volume, issue, year and author: one item
    title = "Severe deficiency of the specific von Willebrand factor-cleaving protease (ADAMTS 13) activity"
    base = {"authors": ["Veyradier, A."], "year": "2003", "journal": "Journal of Pediatrics", "volume": "142",
            "issue": "6", "pages": "616"}
    assert explain({**base, "title": "Erratum: " + title}, {**base, "title": title, "type": "Note"})["decision"] == "same"
    # the erratum and the article it corrects (another first page) are still two items
    article = {**base, "title": title, "issue": "2", "pages": "210-214"}
    assert explain({**base, "title": "Erratum: " + title}, article)["decision"] != "same"


def test_one_page_range_is_one_place_whatever_the_proceedings_are_called() -> None:
    # rule ``same-range``: a proceedings paper typed "Note" (not recognised as a meeting
    # record) against the same paper in the proceedings under another name
    base = {"title": "Integration of SNPs-FMRI-methylation data with sparse multi-CCA for schizophrenia study",
            "authors": ["Hu, W.", "Lin, D.", "Calhoun, V. D."], "year": "2016", "pages": "3310-3313"}
    a = {**base, "journal": "2016 38th Annual International Conference of the IEEE Engineering in Medicine and "
                            "Biology Society (EMBC)", "type": "Note"}
    b = {**base, "journal": "Proceedings of the Annual International Conference of the IEEE Engineering in "
                            "Medicine and Biology Society, EMBS", "volume": "2016-October"}
    assert explain(a, b)["decision"] == "same"


def test_a_group_author_written_without_spaces_is_the_same_first_author() -> None:
    base = {"title": "Open label controlled trial of eculizumab in adult patients with plasma therapy-resistant "
                     "atypical hemolytic-uremic syndrome", "year": "2011"}
    explained = explain({**base, "authors": ["Alexion Pharmaceuticals, Inc"]},
                        {**base, "authors": ["AlexionPharmaceuticals, I."]})
    assert explained["fields"]["authors"]["weight"] > 0


def test_the_same_abstract_at_the_same_place_is_asked_about() -> None:
    # a translated title and a group author against a person: nothing agrees but the abstract
    # and the place (journal, volume, year, page range); a person decides
    abstract = ("Background: atypical squamous cells of undetermined significance are a common cytological "
                "finding. Methods: we randomised 3488 women to immediate colposcopy, HPV triage or "
                "conservative management. Results: HPV triage referred about half of the women.")
    base = {"year": "2003", "journal": "American Journal of Obstetrics and Gynecology", "volume": "188",
            "pages": "1383-1392", "abstract": abstract}
    a = {**base, "title": "Results of a randomized trial on the management of cytology interpretations",
         "authors": ["Solomon, D."]}
    b = {**base, "title": "Resultats d'un essai randomise sur la prise en charge des interpretations",
         "authors": ["ASCUS-LSIL Triage Study Group"]}
    assert explain(a, b)["decision"] == "maybe"


def test_a_doi_that_lost_its_prefix_is_kept_out_of_the_doi_column_but_compared() -> None:
    assert normalise_fields({"doi": "fnrv57i0.21083"}).get("doi") is None
    assert doi_fragment("fnrv57i0.21083") == "fnrv57i0.21083"
    assert doi_fragment("10.3402/fnr.v57i0.21083") is None  # a DOI, not a fragment
    assert doi_fragment("Not available") is None
    assert doi_fragment_in_original(json.dumps({"TY": ["JOUR"], "DO": ["fnrv57i0.21083"]})) == "fnrv57i0.21083"
    base = {"title": "Dietary fibre and the gut microbiota in older adults", "authors": ["Nilsson, A."],
            "year": "2013", "journal": "Food and Nutrition Research", "volume": "57"}
    a = {**normalise_fields({**base, "doi": "10.3402/fnr.v57i0.21083"}), "id": 1}
    b = {**normalise_fields({**base, "title": "Kostfiber och tarmfloran hos aldre"}), "id": 2,
         "original": json.dumps({"DO": ["fnrv57i0.21083"]})}
    keys = build_keys([a, b])
    # blocked together whatever the titles say, and compared as damaged: +3, never equal
    cands = block(keys)
    assert (0, 1) in set(zip(cands.left.tolist(), cands.right.tolist(), strict=True))
    explained = explain_pair(keys, 0, 1, DedupSettings())
    assert explained["fields"]["doi"]["similarity"] == "nearly equal (damaged)"
    assert explained["decision"] == "maybe"  # a title in another language: a person decides
    # a DOI that only starts like another's fragment is another DOI
    c = {**normalise_fields({**base, "doi": "10.5555/casereport.1"}), "id": 3}
    d = {**normalise_fields(base), "id": 4, "doi_fragment": "casereport.12"}
    assert explain_pair(build_keys([c, d]), 0, 1, DedupSettings())["fields"]["doi"]["similarity"] is None


def test_a_doi_fragment_is_found_in_endnote_xml_and_medline_fields() -> None:
    # EndNote XML keeps a DOI in electronic-resource-num; PubMed MEDLINE in AID/LID, tagged
    # "[doi]" beside other ids ("[pii]") that are not DOIs and must never count as one
    endnote = {"titles/title": ["Dietary fibre"], "electronic-resource-num": ["fnrv57i0.21083"]}
    assert doi_fragment_in_original(json.dumps(endnote)) == "fnrv57i0.21083"
    medline = {"PMID": ["1"], "LID": ["e80092"], "AID": ["S0140673610600011 [pii]", "fnrv57i0.21083 [doi]"]}
    assert doi_fragment_in_original(json.dumps(medline)) == "fnrv57i0.21083"
    assert doi_fragment_in_original(json.dumps({"AID": ["S0140673610600011 [pii]"]})) is None
    assert doi_fragment_in_original(json.dumps({"AID": ["10.7554/elife.80092 [doi]"]})) is None  # a DOI


def test_short_titles_get_the_rare_words_pass_by_default() -> None:
    titles = ["Gout", "Gout flares after bariatric surgery in older adults: a cohort",
              *(f"Hospital outcomes of {topic} in primary care" for topic in ("asthma", "sepsis", "obesity", "migraine"))]
    keys = build_keys([{**normalise_fields({"title": t, "authors": [f"Author{i}, A"]}), "id": i}
                       for i, t in enumerate(titles, start=1)])
    assert short_titles(keys).tolist() == [True, False, False, False, False, False]
    left, right = short_title_pairs(keys.title, short_titles(keys))
    assert {(0, 1)} == {tuple(sorted(p)) for p in zip(left.tolist(), right.tolist(), strict=True)}
    assert "rare-words-short" in block(keys).passes and "rare-words-short" not in block(keys, rare_words=False).passes


def test_journal_volume_and_first_page_are_blocked_together() -> None:
    base = {"journal": "Food and Nutrition Research", "volume": "57", "pages": "211-219", "year": "2013"}
    keys = build_keys(rows({**base, "title": "Dietary fibre and the gut microbiota"},
                           {**base, "title": "Kostfiber och tarmfloran"}))
    cands = block(keys)
    assert cands.passes["journal-volume-page"] == 1


def test_two_journals_and_two_first_authors_are_never_merged_automatically() -> None:
    # rule ``journal-and-author``: the same numbered title and page range in two journals'
    # case series, by other authors (one DOI lost)
    base = {"title": "Case 7: a woman with headache", "year": "1993", "volume": "13", "issue": "8",
            "pages": "149-153"}
    a = {**base, "journal": "International Journal of Molecular Sciences", "authors": ["Helmstaedter, A."],
         "doi": "10.5555/case0.7"}
    b = {**base, "journal": "Nichidai Igaku Zasshi", "authors": ["Miles, A."]}
    assert explain(a, b)["decision"] == "maybe"
