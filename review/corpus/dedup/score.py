"""Step 3, score: compare candidate pairs field by field, then apply the guards.

Every field adds evidence for or against "the same report" (a log-odds weight, listed in
:data:`WEIGHTS`); the sum, starting from a sceptical prior, becomes a score between 0 and
1. Guards (see :mod:`review.corpus.dedup.settings`) then cap a pair: ``apart`` pairs are
never merged nor queued, ``check`` pairs are queued at most. Two more caps are not
configurable, because they protect against merging on one weak field: a pair where either
record has no title is never merged automatically, and neither is a pair whose only
agreement is the title (no agreeing author, identifier, or volume and page).

All comparisons run on whole arrays (rapidfuzz's ``cpdist`` for strings), so scoring
millions of candidate pairs takes seconds; :func:`explain_pair` gives the same figures
for one pair, for ``review dedup explain``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from review.corpus.dedup.compare import TITLE_FLOOR, compare, detail
from review.corpus.dedup.keys import RecordKeys
from review.corpus.dedup.settings import DedupSettings

#: The sceptical starting point: two records picked by blocking are usually different.
PRIOR = -4.0

#: Decisions a pair can get.
SAME, MAYBE, DIFFERENT = 2, 1, 0

#: What each field contributes (documented in docs/dedup.md).
WEIGHTS: dict[str, dict[str, float]] = {
    "title": {"equal": 7.0, ">=95": 6.0, ">=90": 4.5, ">=85": 3.0, ">=80": 1.0,
              "contained": 3.0, ">=70": -1.5, "lower": -5.0,
              "generic-equal": 2.0, "generic->=95": 1.5, "generic->=90": 1.0, "generic->=85": 0.0},
    "authors": {"same": 2.5, "similar": 2.0, "first-only": 0.5, "reordered": 0.0,
                "different": -6.0, "partly": -2.0, "missing": -0.5},
    "year": {"equal": 0.5, "one apart": -1.0},
    "volume": {"equal": 1.0, "different": -2.0},
    "pages": {"equal": 1.5},
    "doi": {"equal": 5.0, "damaged": 3.0},
    "pmid": {"equal": 5.0},
    "journal": {"compatible": 0.5, "different": -1.5},
    "abstract": {"similar": 1.5, "different": -1.0},
    # first author (or no authors on one side), year, volume and first page all agree (and
    # the journal does not differ)
    "citation": {"agrees": 2.0, "agrees, no authors on one side": 1.5},
}


@dataclass
class Scored:
    """Scores of candidate pairs (parallel arrays; ``left``/``right`` index the keys)."""

    left: np.ndarray
    right: np.ndarray
    evidence: np.ndarray  # log-odds sum
    score: np.ndarray  # 0..1
    decision: np.ndarray  # SAME / MAYBE / DIFFERENT after guards and caps
    guard: np.ndarray  # object: the guard or cap that applied ('' for none)
    rule: np.ndarray  # object: doi / pmid / title / fuzzy-title

    def __len__(self) -> int:
        return len(self.left)


def weights(f: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each field's evidence for every pair (see :data:`WEIGHTS`)."""
    w = WEIGHTS
    t, generic = f["title"], f["generic"]
    title = np.select(
        [~f["has_title"], t >= 99.5, t >= 95, t >= 90, t >= 85, t >= 80, t >= 70],
        [0.0, w["title"]["equal"], w["title"][">=95"], w["title"][">=90"], w["title"][">=85"],
         w["title"][">=80"], w["title"][">=70"]],
        default=w["title"]["lower"],
    )
    gen = np.select(
        [t >= 99.5, t >= 95, t >= 90, t >= 85],
        [w["title"]["generic-equal"], w["title"]["generic->=95"], w["title"]["generic->=90"],
         w["title"]["generic->=85"]],
        default=title,
    )
    title = np.where(generic & f["has_title"], np.minimum(title, gen), title)
    title = np.where(f["contained"] & ~generic, np.maximum(title, w["title"]["contained"]), title)
    # rule ``title-elsewhere``: the same abstract under the same full citation: the title was
    # translated or cut short, it says nothing against the pair
    elsewhere = title_elsewhere(f)
    title = np.where(elsewhere > 0, np.maximum(title, np.where(elsewhere == 2, WEIGHTS["title"][">=80"], 0.0)), title)

    au, fa = f["authors"], f["first_author"]
    aw = w["authors"]
    # one name against another (a group author, or a single author) says less than two lists
    single = f["single_author"]
    authors = np.select(
        [au < 0, (au >= 95) & (fa == 1), (au >= 80) & (fa == 1), fa == 1, au >= 80, (au < 60) & ~single],
        [aw["missing"], aw["same"], aw["similar"], aw["first-only"], aw["reordered"], aw["different"]],
        default=aw["partly"],
    )
    gap = f["year_gap"]
    year = np.select([gap == 0, gap == 1], [w["year"]["equal"], w["year"]["one apart"]], default=0.0)
    volume = np.select([f["volume"] == 1, f["volume"] == 0], [w["volume"]["equal"], w["volume"]["different"]], default=0.0)
    pages = np.where(f["pages"] == 1, w["pages"]["equal"], 0.0)
    # a DOI shared by records with unrelated titles (a supplement's DOI) proves nothing
    elsewhere = elsewhere > 0
    doi = np.select([(f["doi"] == 1) & ((t >= 70) | ~f["has_title"] | elsewhere), (f["doi"] == 2) & (t >= 70)],
                    [w["doi"]["equal"], w["doi"]["damaged"]], default=0.0)
    pmid = np.where((f["pmid"] == 1) & ((t >= 70) | ~f["has_title"] | elsewhere), w["pmid"]["equal"], 0.0)
    journal = np.select([f["journal"] == 1, f["journal"] == 0],
                        [w["journal"]["compatible"], w["journal"]["different"]], default=0.0)
    ab = f["abstract"]
    abstract = np.select([ab >= 90, (ab >= 0) & (ab < 40)],
                         [w["abstract"]["similar"], w["abstract"]["different"]], default=0.0)
    where = (gap == 0) & (f["volume"] == 1) & (f["pages"] == 1) & (f["journal"] != 0)
    citation = np.select([where & (fa == 1), where & (au < 0)],
                         [w["citation"]["agrees"], w["citation"]["agrees, no authors on one side"]], default=0.0)
    return {"title": title, "authors": authors, "year": year, "volume": volume, "pages": pages,
            "doi": doi, "pmid": pmid, "journal": journal, "abstract": abstract, "citation": citation}


def title_elsewhere(f: dict[str, np.ndarray]) -> np.ndarray:
    """Titles that differ (in another language, or cut short) under the same report: the same
    abstract (100+ characters), first author, year and journal, and something that places
    both in one issue (the DOI, PMID, volume, first page, or one title cut from the other);
    or the same whole citation (authors, year, journal, volume, issue, page range), which
    counts as a title similar at 80. 0 no, 1 the same abstract, 2 the same whole citation."""
    placed = (f["doi"] == 1) | (f["pmid"] == 1) | (f["volume"] == 1) | (f["pages"] == 1) | f["contained"]
    same_abstract = ((f["abstract"] >= 95) & (f["first_author"] == 1) & (f["year_gap"] == 0) & (f["journal"] != 0)
                     & (f["pages"] != 0) & (f["doi"] != 0) & placed)
    # or the whole citation: the same authors, year, journal, volume, issue and page range
    # to the last page (not a meeting abstract, which can share a page with others; two
    # items by one editor on one page end on different pages)
    same_citation = ((f["first_author"] == 1) & (f["authors"] >= 90) & (f["year_gap"] == 0) & (f["journal"] == 1)
                     & (f["volume"] == 1) & (f["issue"] != 0) & f["same_range"]
                     & (f["doi"] != 0) & (f["pmid"] != 0) & ~f["either_conference"])
    return np.where(same_citation & f["has_title"], 2, np.where(same_abstract & f["has_title"], 1, 0))


def citation_agrees(f: dict[str, np.ndarray]) -> np.ndarray:
    """Same first author, year, first page and journal: the same article, whatever the DOIs say."""
    return ((f["title"] >= 95) & (f["first_author"] == 1) & (f["year_gap"] == 0) & (f["pages"] == 1)
            & (f["journal"] != 0))


def one_work_two_dois(f: dict[str, np.ndarray]) -> np.ndarray:
    """Two DOIs of one work: different registrants (DOI prefixes) under one full citation.

    One publisher never registers two DOIs for one article, but an article can carry a
    second registrant's DOI (JSTOR's 10.2307 beside the publisher's) or a database can
    attach another publisher's article's DOI (Embase does); when title, first author,
    year, first page and journal all agree, the citation wins. The same registrant with
    two suffixes is two items (last issue's and this issue's "In this issue"). The PMIDs,
    when both are given, must not differ.
    """
    return citation_agrees(f) & f["doi_registrants_differ"] & (f["pmid"] != 0)


def page_typo(f: dict[str, np.ndarray]) -> np.ndarray:
    """Different first pages that are a typing error: everything else agrees, both are ranges.

    An erratum printed under the article's own title sits in a later issue and on a single
    page, so it is not taken for a typing error. Nor are companion papers (adjacent pages,
    titles not quite equal) of one issue, nor two reports with different DOIs (a co-publication).
    """
    return ((f["title"] >= 98) & (f["first_author"] == 1) & (f["authors"] >= 90) & (f["year_gap"] == 0)
            & (f["volume"] == 1) & (f["issue"] != 0) & (f["journal"] == 1) & f["both_ranges"]
            & ~(f["adjacent_pages"] & (f["title"] < 99.5)) & (f["doi"] != 0))


def guards(f: dict[str, np.ndarray], settings: DedupSettings) -> list[tuple[str, str, np.ndarray]]:
    """(name, treatment, applies) for every configurable guard."""
    # the same identifier outweighs a typing error in year, volume or pages, unless the
    # journals differ too (databases do attach an article's DOI to a meeting abstract)
    ident = ((f["doi"] == 1) | (f["pmid"] == 1)) & (f["journal"] != 0)
    ident &= (f["title"] >= 70) | ~f["has_title"]
    gap = f["year_gap"]
    # a meeting abstract and an article appear in different places; the same abstract
    # marked as a supplement in one database and not in another appears in the same place
    same_place = (f["journal"] != 0) & (f["volume"] != 0) & (f["pages"] != 0)
    same_place |= ((f["pages"] == 1) | (f["doi"] == 1)) & (f["journal"] == 1)
    # rule ``supplement-twin``: the same abstract text, title, authors, year and volume, once as
    # a supplement's meeting abstract with supplement pages: one report, whatever the pages say
    twin = (f["either_conference"] & (f["abstract"] >= 98) & (f["title"] >= 99) & (f["first_author"] == 1)
            & (f["authors"] >= 90) & (gap == 0) & (f["volume"] == 1) & (f["journal"] != 0)
            & (f["doi"] != 0) & (f["pmid"] != 0))
    same_place |= twin
    # the same page range to the last page under the same title and year: one place, however
    # differently the proceedings are named (rule ``same-range``)
    same_place |= f["same_range"] & (f["title"] >= 95) & (gap == 0) & (f["first_author"] != 0)
    # when the full citation agrees, a person decides (see decide); else two identifiers, two works
    dois_differ = ((f["doi"] == 0) | (f["pmid"] == 0)) & ~citation_agrees(f)
    # rule ``notice-label``: a type label alone never separates an otherwise identical citation
    # (the other guards still judge the citation: pages, years, DOIs)
    label_only = (f["notice_typed"] & ((f["title"] >= 95) | f["contained"])
                  & ((f["first_author"] == 1) | (f["authors"] >= 95) | (f["doi"] == 1) | (f["pmid"] == 1)))
    # rule ``notice-same-place``: an erratum is printed after its article, never on its first
    # page; two records at one first page, volume and year, by one first author, under one
    # title, are one item, one database calling it a notice and the other not
    one_item = ((f["pages"] == 1) & (f["volume"] == 1) & (gap == 0) & (f["first_author"] == 1)
                & (f["title"] >= 90) & (f["journal"] != 0) & (f["issue"] != 0))
    return [
        ("cochrane_versions", settings.cochrane_versions, f["cochrane_versions"]),
        ("notices", settings.notices, f["notice"] & ~label_only & ~one_item),
        ("conference_abstracts", settings.conference_abstracts, f["conference"] & ~same_place),
        ("preprints", settings.preprints, f["preprint"]),
        ("languages", settings.languages, f["language"]),
        ("different_dois", settings.different_dois, dois_differ),
        # the same identifier outweighs a typing error in year, volume or pages
        ("years", settings.years, (gap > settings.year_gap) & ~ident),
        # a volume typed wrongly ("1)" for "61 (1)", 19 for 29) is outweighed by the same first
        # page, or by the same year and journal when the pages cannot be compared
        ("pages_volumes", settings.pages_volumes,
         (((f["pages"] == 0) & ~page_typo(f)) | ((f["volume"] == 0) & (f["pages"] != 1) & ((gap != 0) | (f["journal"] != 1))))
         & ~ident & ~twin),
    ]


def clearly_different(f: dict[str, np.ndarray], settings: DedupSettings) -> np.ndarray:
    """Two reports nobody needs to be asked about: different DOIs or PMIDs (unless the whole
    citation agrees, see :func:`citation_agrees`), two versions of a Cochrane review, years
    apart (more than ``year_gap``) with other first authors, or near-equal titles whose
    numbers differ (``part 1`` / ``part 2``) on different pages."""
    ids = ((f["doi"] == 0) | (f["pmid"] == 0)) & ~citation_agrees(f)
    series = f["numbers_differ"] & (f["pages"] != 1)
    return (ids | series | f["cochrane_versions"]
            | ((f["year_gap"] > settings.year_gap) & (f["first_author"] == 0)))


def versions_as_one(f: dict[str, np.ndarray], settings: DedupSettings) -> None:
    """With ``cochrane_versions = "ignore"``, two versions of a review have one DOI (also when
    one copy lost its DOI but gives the review number as its pages)."""
    if settings.cochrane_versions == "ignore":
        # one review: the same DOI but for the version, or the same review number (CD007146)
        # where one copy lost its DOI
        one = f["cochrane_versions"] | (f["cochrane_number"] & (f["doi"] != 0))
        f["doi"] = np.where(one, 1, f["doi"]).astype(np.int8)
        f["cochrane_versions"] = np.zeros(len(f["doi"]), dtype=bool)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def decide(f: dict[str, np.ndarray], w: dict[str, np.ndarray], settings: DedupSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(evidence, score, decision, guard) from comparisons and weights."""
    evidence = PRIOR + sum(w.values())
    score = _logistic(evidence)
    decision = np.where(score >= settings.threshold, SAME,
                        np.where(score >= settings.review_threshold, MAYBE, DIFFERENT)).astype(np.int8)
    guard = np.full(len(score), "", dtype=object)
    kept_apart = np.zeros(len(score), dtype=bool)
    for name, treatment, applies in guards(f, settings):
        if treatment == "ignore":
            continue
        hit = applies & (guard == "")
        if treatment == "apart":
            decision[hit] = DIFFERENT
            kept_apart |= hit
        else:
            decision[hit & (decision == SAME)] = MAYBE
            # a 'check' guard asks a person even when the weights alone would say "apart"
            # only if the title still agrees
            decision[hit & (decision == DIFFERENT) & (f["title"] >= 85)] = MAYBE
        guard[hit] = name
    # rule ``guard-queued``: a pair that only an ``apart`` guard keeps apart (the evidence says
    # "same" or "maybe") is shown to a person, unless the two are clearly different
    offered = kept_apart & (score >= settings.review_threshold) & ~clearly_different(f, settings)
    decision[offered] = MAYBE
    # rule ``years-and-authors``: two records years apart with other authors are never merged
    # automatically (whatever else they share); nor are two in different journals with other
    # first authors (``journal-and-author``: one title and page range in two journals' series;
    # not meeting venues, whose proceedings are named in many ways)
    other_journal = (f["journal"] == 0) & ~f["either_conference"]
    far = (decision == SAME) & (f["first_author"] == 0) & ((f["year_gap"] > settings.year_gap) | other_journal)
    decision[far] = MAYBE
    guard[far & (guard == "")] = "years-and-authors"
    # rule ``unclear-pages``: pages that differ only because one side gives a lone page (a day
    # of the month, a first page typed wrongly) are no clear difference: a person decides
    unclear = ((guard == "pages_volumes") & (decision == DIFFERENT) & (f["pages"] == 0) & ~f["both_ranges"]
               & (f["volume"] != 0) & (score >= settings.review_threshold) & (f["title"] >= 95)
               & (f["first_author"] != 0) & (f["doi"] != 0) & (f["pmid"] != 0))
    # ... and so is a year typed wrongly under the same volume, first page, title and author
    unclear |= ((guard == "years") & (decision == DIFFERENT) & (f["volume"] == 1) & (f["pages"] == 1)
                & (f["title"] >= 95) & (f["first_author"] == 1))
    decision[unclear] = MAYBE
    # rule ``same-identifier``: the same DOI or PMID under another title (a translated edition,
    # a title in another language) or the same citation (first author, year, volume, first
    # page) under another title: at least a person sees it
    other_title = (decision == DIFFERENT) & (f["title"] < 85) & ~f["notice"] & ~f["preprint"] & (
        (((f["doi"] >= 1) | (f["pmid"] == 1)) & ((f["first_author"] == 1) | (f["title"] >= 70)))
        | ((f["first_author"] == 1) & (f["year_gap"] == 0) & (f["volume"] == 1) & (f["pages"] == 1)
           & (f["journal"] != 0))
        # ... or the same abstract in the same journal, volume, year and page range (a group
        # author on one side, a person on the other)
        | ((f["abstract"] >= 95) & f["same_range"] & (f["journal"] == 1) & (f["volume"] == 1)
           & (f["year_gap"] == 0)))
    decision[other_title] = MAYBE
    guard[other_title & (guard == "")] = "other-title"
    # rule ``other-abstract``: two different abstracts (both long, under 70 alike) under titles
    # that are not equal, with no shared first page: two abstracts of one meeting, whatever DOI
    # they were given
    abstracts = ((decision == SAME) & (f["abstract"] >= 0) & (f["abstract"] < 70) & (f["title"] < 99.5)
                 & (f["pages"] != 1))
    decision[abstracts] = MAYBE
    guard[abstracts & (guard == "")] = "other-abstract"
    # rule ``issue-without-pages``: different issues and no pages to compare because one side's
    # page field held a date: nothing places the two in one issue, a person decides
    unplaced = ((decision == SAME) & (f["issue"] == 0) & (f["pages"] == -1) & f["pages_lost"]
                & (f["doi"] != 1) & (f["pmid"] != 1))
    decision[unplaced] = MAYBE
    guard[unplaced & (guard == "")] = "issue-without-pages"
    # never merged on a single weak field
    no_title = ~f["has_title"]
    support = ((f["first_author"] == 1) | (f["doi"] == 1) | (f["pmid"] == 1)
               | ((f["volume"] == 1) & ((f["pages"] == 1) | (f["issue"] == 1)))
               | ((f["pages"] == 1) & (f["year_gap"] == 0) & (f["title"] >= 95))
               # the same abstract in the same year and volume (authors or pages lost on one side)
               | ((f["abstract"] >= 95) & (f["year_gap"] == 0) & (f["volume"] == 1) & (f["title"] >= 95)))
    title_ok = (f["title"] >= 85) | f["contained"] | (((f["doi"] == 1) | (f["pmid"] == 1)) & (f["title"] >= 70))
    title_ok |= (w["citation"] > 0) & (f["title"] >= 75)
    title_ok |= title_elsewhere(f) > 0
    weak = (decision == SAME) & (no_title | ~support | ~title_ok)
    decision[weak] = MAYBE
    guard[weak & (guard == "")] = "weak-evidence"
    # a recurring item ("Editorial", "In this issue") is one issue's only when the issue,
    # pages or an identifier agree; when one of them differs it is another issue's
    placed = (f["issue"] == 1) | (f["pages"] == 1) | (f["doi"] == 1) | (f["pmid"] == 1)
    elsewhere = (f["issue"] == 0) | (f["pages"] == 0) | (f["doi"] == 0) | (f["pmid"] == 0)
    recurring = f["recurring"] & ~placed & (decision != DIFFERENT)
    decision[recurring] = np.where(elsewhere[recurring], DIFFERENT, MAYBE)
    guard[recurring & (guard == "")] = "recurring-title"
    # the same title and authors in two journals, with nothing placing them together (no
    # shared identifier, no shared first page): an abstract given at two meetings, a
    # republication; a person decides
    journals = (f["journal"] == 0) & ~f["either_conference"] & ~((f["doi"] == 1) | (f["pmid"] == 1) | (f["pages"] == 1)) & (decision == SAME)
    decision[journals] = MAYBE
    guard[journals & (guard == "")] = "different-journals"
    # near-equal titles with different numbers are the parts or studies of a series
    numbered = f["numbers_differ"] & ~((f["doi"] == 1) | (f["pmid"] == 1) | (f["pages"] == 1)) & (decision == SAME)
    decision[numbered] = MAYBE
    guard[numbered & (guard == "")] = "numbered-titles"
    # two DOIs are two works unless a person says otherwise, however well the rest agrees
    # (a DOI extended by a figure's or supplement's suffix counts as the same, see compare)
    if settings.different_dois != "ignore":
        dois = ((f["doi"] == 0) | (f["pmid"] == 0)) & ~one_work_two_dois(f) & (decision == SAME)
        decision[dois] = MAYBE
        guard[dois & (guard == "")] = "different_dois"
    return evidence, score, decision, guard


def _rule(f: dict[str, np.ndarray]) -> np.ndarray:
    return np.select(
        [f["doi"] == 1, f["pmid"] == 1, f["title"] >= 99.5],
        ["doi", "pmid", "title"], default="fuzzy-title",
    ).astype(object)


def same_place(keys: RecordKeys, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The same volume and first page (both given): worth scoring whatever the titles say."""
    vol, page = np.asarray(keys.volume, dtype=object), np.asarray(keys.page, dtype=object)
    return (vol[left] != "") & (page[left] != "") & (vol[left] == vol[right]) & (page[left] == page[right])


def score_pairs(keys: RecordKeys, left: np.ndarray, right: np.ndarray, settings: DedupSettings) -> Scored:
    """Score candidate pairs; pairs below the title floor without a shared id are DIFFERENT."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    base = compare(keys, left, right)
    keep = (base["title"] >= TITLE_FLOOR) | (base["doi"] >= 1) | (base["pmid"] == 1) | base["contained"]
    keep |= same_place(keys, left, right)  # a title in another language, the same citation
    idx = np.flatnonzero(keep)
    m = len(left)
    evidence = np.full(m, -30.0)
    score = np.zeros(m)
    decision = np.zeros(m, dtype=np.int8)
    guard = np.full(m, "", dtype=object)
    rule = np.full(m, "", dtype=object)
    if len(idx):
        f = {k: v[idx] for k, v in base.items()}
        f.update(detail(keys, left[idx], right[idx], f["title"]))
        versions_as_one(f, settings)
        w = weights(f)
        ev, sc, dec, gd = decide(f, w, settings)
        evidence[idx], score[idx], decision[idx], guard[idx] = ev, sc, dec, gd
        rule[idx] = _rule(f)
    return Scored(left=left, right=right, evidence=evidence, score=score, decision=decision,
                  guard=guard, rule=rule)


def explain_pair(keys: RecordKeys, i: int, j: int, settings: DedupSettings) -> dict[str, Any]:
    """Per-field similarity and weight, the guard and the decision for one pair."""
    left, right = np.asarray([i]), np.asarray([j])
    f = compare(keys, left, right)
    f.update(detail(keys, left, right, f["title"]))
    versions_as_one(f, settings)
    w = weights(f)
    evidence, score, decision, guard = decide(f, w, settings)
    similarity = {
        "title": float(f["title"][0]) if f["has_title"][0] else None,
        "authors": float(f["authors"][0]) if f["authors"][0] >= 0 else None,
        "year": None if f["year_gap"][0] < 0 else ("equal" if f["year_gap"][0] == 0 else f"{int(f['year_gap'][0])} apart"),
        "volume": {1: "equal", 0: "different", -1: None}[int(f["volume"][0])],
        "pages": {1: "equal", 0: "different", -1: None}[int(f["pages"][0])],
        "doi": {1: "equal", 0: "different", -1: None, 2: "nearly equal (damaged)"}[int(f["doi"][0])],
        "pmid": {1: "equal", 0: "different", -1: None}[int(f["pmid"][0])],
        "journal": {1: "compatible", 0: "different", -1: None}[int(f["journal"][0])],
        "abstract": float(f["abstract"][0]) if f["abstract"][0] >= 0 else None,
        "citation": "agrees" if w["citation"][0] else None,
    }
    if f["contained"][0]:
        similarity["title"] = f"{similarity['title']:.0f} (one title contains the other)"
    return {
        "fields": {name: {"similarity": similarity[name], "weight": round(float(w[name][0]), 2)} for name in w},
        "prior": PRIOR,
        "evidence": round(float(evidence[0]), 2),
        "score": round(float(score[0]), 4),
        "decision": {SAME: "same", MAYBE: "maybe", DIFFERENT: "different"}[int(decision[0])],
        "guard": guard[0] or None,
        "rule": str(_rule(f)[0]),
    }
