"""Issue 19, round three: everything neither merged nor clearly different reaches a person;
blocking on what survives a damaged title; DOIs without their prefix; the three cells where
bib-dedupe led."""

from __future__ import annotations

from review.corpus.dedup.keys import build_keys
from review.corpus.dedup.pipeline import find_groups
from review.corpus.dedup.score import explain_pair
from review.corpus.dedup.settings import DedupSettings
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
