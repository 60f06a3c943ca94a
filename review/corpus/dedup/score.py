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
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from review.corpus.dedup.keys import RecordKeys, fold, pages_agree
from review.corpus.dedup.settings import DedupSettings

#: The sceptical starting point: two records picked by blocking are usually different.
PRIOR = -4.0
#: Pairs whose titles are less similar than this are not scored further (unless they share
#: a DOI or PMID).
TITLE_FLOOR = 50.0

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
    "doi": {"equal": 5.0},
    "pmid": {"equal": 5.0},
    "journal": {"compatible": 0.5, "different": -1.5},
    "abstract": {"similar": 1.5, "different": -1.0},
    # first author, year, volume and first page all agree (and the journal does not differ)
    "citation": {"agrees": 2.0},
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


def _take(values: list[str], index: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=object)[index]


def _equal_or_missing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 equal, 0 different, -1 when either is empty."""
    present = (a != "") & (b != "")
    out = np.where(a == b, 1, 0).astype(np.int8)
    out[~present] = -1
    return out


def _doi_compare(a: np.ndarray, b: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    out = _equal_or_missing(a, b)
    for k in np.flatnonzero((out == 0) & relevant):  # a figure or supplement DOI extends the article's
        x, y = a[k], b[k]
        if x.startswith(y) or y.startswith(x):
            out[k] = 1
    return out


def _first_author(a: np.ndarray, b: np.ndarray, a_all: np.ndarray, b_all: np.ndarray) -> np.ndarray:
    """1 when the first authors agree (allowing a particle or a typo), 0 not, -1 missing."""
    out = np.full(len(a), -1, dtype=np.int8)
    for k in range(len(a)):
        x, y = a[k], b[k]
        if not x or not y:
            continue
        if x == y:
            out[k] = 1
            continue
        xs, ys = a_all[k].split()[:2], b_all[k].split()[:2]
        if x in ys or y in xs or fuzz.ratio(x, y) >= 80:
            out[k] = 1
        else:
            out[k] = 0
    return out


def _run_together(a: str, b: str, given_a: str = "", given_b: str = "") -> float:
    """Author agreement when an export ran names together ("dengdongdong lincalhoun") or
    swapped family and given names ("Luis Ferreira, Santos A").

    The share of one side's surnames (three letters or more) found inside the other side's
    names (family and given) written without spaces; the better direction counts, and at
    least two names must be found.
    """
    best = 0.0
    for x, y in ((a, b + given_b), (b, a + given_a)):
        names = [t for t in x.split() if len(t) >= 3]
        joined = y.replace(" ", "")
        if len(names) < 2:
            continue
        found = sum(1 for t in names if t in joined)
        if found >= 2:
            best = max(best, 100.0 * found / len(names))
    return best


@lru_cache(maxsize=100_000)
def journals_compatible(a: str, b: str) -> bool:
    """The same journal, allowing abbreviations ("curr opin lipidol" ~ "current opinion lipidology")."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if len(wa) == len(wb) and all(x.startswith(y) or y.startswith(x) for x, y in zip(wa, wb, strict=True)):
        return True
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    # every abbreviated word is the start of a later word, in order
    pos = 0
    for word in short:
        while pos < len(long) and not long[pos].startswith(word):
            pos += 1
        if pos == len(long):
            break
        pos += 1
    else:
        return True
    return fuzz.ratio(a, b) >= 85 or fuzz.token_set_ratio(a, b) >= 95


def _contained(a: np.ndarray, b: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """One title is the other with something added before or after (at least 20 characters, 3 words).

    A title contained in another has an Indel ratio of exactly 200 * short / (short + long),
    so only pairs with that ratio are checked character by character.
    """
    out = np.zeros(len(a), dtype=bool)
    if not len(a):
        return out
    la = np.fromiter(map(len, a), dtype=np.int64, count=len(a))
    lb = np.fromiter(map(len, b), dtype=np.int64, count=len(b))
    short = np.minimum(la, lb)
    expected = 200.0 * short / np.maximum(la + lb, 1)
    maybe = np.flatnonzero((short >= 20) & (np.abs(ratio - expected) < 0.01) & (la != lb))
    for k in maybe.tolist():
        x, y = a[k], b[k]
        s, t = (x, y) if len(x) <= len(y) else (y, x)
        if s.count(" ") >= 2 and s in t:
            out[k] = True
    return out


def compare(keys: RecordKeys, left: np.ndarray, right: np.ndarray) -> dict[str, np.ndarray]:
    """Field comparisons for pairs (left[k], right[k]): raw similarities and agreements."""
    m = len(left)
    ta, tb = _take(keys.title, left), _take(keys.title, right)
    title = process.cpdist(ta, tb, scorer=fuzz.ratio, workers=-1, dtype=np.float32) if m else np.zeros(0, np.float32)
    has_title = (ta != "") & (tb != "")
    title = np.where(has_title, title, 0).astype(np.float32)
    doi = _doi_compare(_take(keys.doi, left), _take(keys.doi, right), title >= TITLE_FLOOR)
    pmid = _equal_or_missing(_take(keys.pmid, left), _take(keys.pmid, right))
    contained = np.zeros(m, dtype=bool)
    mid = np.flatnonzero(has_title & (title < 95))
    contained[mid] = _contained(ta[mid], tb[mid], title[mid])
    return {"title": title, "has_title": has_title, "contained": contained, "doi": doi, "pmid": pmid}


def _detail(keys: RecordKeys, left: np.ndarray, right: np.ndarray, title: np.ndarray) -> dict[str, np.ndarray]:
    """The slower comparisons, for pairs that survived the title floor."""
    aa, ab = _take(keys.authors, left), _take(keys.authors, right)
    both = (aa != "") & (ab != "")
    authors = np.full(len(left), -1.0, dtype=np.float32)
    idx = np.flatnonzero(both)
    if len(idx):
        authors[idx] = process.cpdist(aa[idx], ab[idx], scorer=fuzz.token_set_ratio, workers=-1, dtype=np.float32)
        low = idx[(authors[idx] < 80) & (title[idx] >= 80)]
        if len(low):
            ga = [keys.given_names(int(i)) for i in left[low].tolist()]
            gb = [keys.given_names(int(i)) for i in right[low].tolist()]
            authors[low] = np.maximum(authors[low], [_run_together(aa[k], ab[k], ga[j], gb[j])
                                                     for j, k in enumerate(low.tolist())])
    first = _first_author(_take(keys.first_author, left), _take(keys.first_author, right), aa, ab)
    single = np.fromiter(((" " not in x) or (" " not in y) for x, y in zip(aa, ab, strict=True)), dtype=bool, count=len(left))
    ya, yb = keys.year[left].astype(np.int32), keys.year[right].astype(np.int32)
    year_gap = np.where((ya > 0) & (yb > 0), np.abs(ya - yb), -1)
    volume = _equal_or_missing(_take(keys.volume, left), _take(keys.volume, right))
    issue = _equal_or_missing(_take(keys.issue, left), _take(keys.issue, right))
    pf, pl = np.asarray(keys.page, dtype=object), np.asarray(keys.page_last, dtype=object)
    both_ranges = (pl[left] != "") & (pl[right] != "")
    pages = np.fromiter((pages_agree(pf[a], pl[a], pf[b], pl[b]) for a, b in zip(left.tolist(), right.tolist(), strict=True)),
                        dtype=np.int8, count=len(left))
    vol, iss = np.asarray(keys.volume, dtype=object), np.asarray(keys.issue, dtype=object)
    for k in np.flatnonzero(pages == 0).tolist():
        a, b = int(left[k]), int(right[k])
        for x, y in ((a, b), (b, a)):  # an export that shifted volume -> issue -> pages by one
            if not vol[x] and iss[x] and iss[x] == vol[y] and pf[x] == iss[y]:
                pages[k] = -1
    ja, jb = _take(keys.journal, left), _take(keys.journal, right)
    journal = np.full(len(left), -1, dtype=np.int8)
    for k in range(len(left)):
        if ja[k] and jb[k]:
            journal[k] = 1 if journals_compatible(ja[k], jb[k]) else 0
    ba, bb = _take(keys.abstract, left), _take(keys.abstract, right)
    long_enough = np.asarray([len(x) >= 100 and len(y) >= 100 for x, y in zip(ba, bb, strict=True)], dtype=bool)
    if long_enough.any():
        folded: dict[int, str] = {}
        for side, index in ((ba, left), (bb, right)):
            for k in np.flatnonzero(long_enough).tolist():
                i = int(index[k])
                if i not in folded:
                    folded[i] = fold(side[k])
                side[k] = folded[i]
    abstract = np.full(len(left), -1.0, dtype=np.float32)
    idx = np.flatnonzero(long_enough)
    if len(idx):
        abstract[idx] = process.cpdist(ba[idx], bb[idx], scorer=fuzz.ratio, workers=-1, dtype=np.float32)
    la, lb = _take(keys.language, left), _take(keys.language, right)
    na, nb = _take(keys.notice, left), _take(keys.notice, right)
    return {
        "authors": authors, "first_author": first, "single_author": single, "both_ranges": both_ranges, "year_gap": year_gap, "volume": volume, "issue": issue,
        "pages": pages, "journal": journal, "abstract": abstract,
        "notice": na != nb,
        "conference": keys.conference[left] != keys.conference[right],
        "preprint": keys.preprint[left] != keys.preprint[right],
        "language": (la != "") & (lb != "") & (la != lb),
        "generic": keys.generic[left] | keys.generic[right],
    }


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
    doi = np.where((f["doi"] == 1) & ((t >= 70) | ~f["has_title"]), w["doi"]["equal"], 0.0)
    pmid = np.where((f["pmid"] == 1) & ((t >= 70) | ~f["has_title"]), w["pmid"]["equal"], 0.0)
    journal = np.select([f["journal"] == 1, f["journal"] == 0],
                        [w["journal"]["compatible"], w["journal"]["different"]], default=0.0)
    ab = f["abstract"]
    abstract = np.select([ab >= 90, (ab >= 0) & (ab < 40)],
                         [w["abstract"]["similar"], w["abstract"]["different"]], default=0.0)
    citation = np.where((fa == 1) & (gap == 0) & (f["volume"] == 1) & (f["pages"] == 1) & (f["journal"] != 0),
                        w["citation"]["agrees"], 0.0)
    return {"title": title, "authors": authors, "year": year, "volume": volume, "pages": pages,
            "doi": doi, "pmid": pmid, "journal": journal, "abstract": abstract, "citation": citation}


def citation_agrees(f: dict[str, np.ndarray]) -> np.ndarray:
    """Same first author, year, first page and journal: the same article, whatever the DOIs say."""
    return ((f["title"] >= 95) & (f["first_author"] == 1) & (f["year_gap"] == 0) & (f["pages"] == 1)
            & (f["journal"] != 0))


def page_typo(f: dict[str, np.ndarray]) -> np.ndarray:
    """Different first pages that are a typing error: everything else agrees, both are ranges.

    An erratum printed under the article's own title sits in a later issue and on a single
    page, so it is not taken for a typing error.
    """
    return ((f["title"] >= 98) & (f["first_author"] == 1) & (f["authors"] >= 90) & (f["year_gap"] == 0)
            & (f["volume"] == 1) & (f["issue"] != 0) & (f["journal"] == 1) & f["both_ranges"])


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
    # a wrong DOI (databases attach the DOI of another article) is outweighed by the full citation
    dois_differ = ((f["doi"] == 0) | (f["pmid"] == 0)) & ~citation_agrees(f)
    return [
        ("notices", settings.notices, f["notice"]),
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
         & ~ident),
    ]


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
    for name, treatment, applies in guards(f, settings):
        if treatment == "ignore":
            continue
        hit = applies & (guard == "")
        if treatment == "apart":
            decision[hit] = DIFFERENT
        else:
            decision[hit & (decision == SAME)] = MAYBE
            # a 'check' guard asks a person even when the weights alone would say "apart"
            # only if the title still agrees
            decision[hit & (decision == DIFFERENT) & (f["title"] >= 85)] = MAYBE
        guard[hit] = name
    # never merged on a single weak field
    no_title = ~f["has_title"]
    support = ((f["first_author"] == 1) | (f["doi"] == 1) | (f["pmid"] == 1)
               | ((f["volume"] == 1) & ((f["pages"] == 1) | (f["issue"] == 1)))
               | ((f["pages"] == 1) & (f["year_gap"] == 0) & (f["title"] >= 95)))
    title_ok = (f["title"] >= 85) | f["contained"] | (((f["doi"] == 1) | (f["pmid"] == 1)) & (f["title"] >= 70))
    title_ok |= (w["citation"] > 0) & (f["title"] >= 75)
    weak = (decision == SAME) & (no_title | ~support | ~title_ok)
    decision[weak] = MAYBE
    guard[weak & (guard == "")] = "weak-evidence"
    return evidence, score, decision, guard


def _rule(f: dict[str, np.ndarray]) -> np.ndarray:
    return np.select(
        [f["doi"] == 1, f["pmid"] == 1, f["title"] >= 99.5],
        ["doi", "pmid", "title"], default="fuzzy-title",
    ).astype(object)


def score_pairs(keys: RecordKeys, left: np.ndarray, right: np.ndarray, settings: DedupSettings) -> Scored:
    """Score candidate pairs; pairs below the title floor without a shared id are DIFFERENT."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    base = compare(keys, left, right)
    keep = (base["title"] >= TITLE_FLOOR) | (base["doi"] == 1) | (base["pmid"] == 1) | base["contained"]
    idx = np.flatnonzero(keep)
    m = len(left)
    evidence = np.full(m, -30.0)
    score = np.zeros(m)
    decision = np.zeros(m, dtype=np.int8)
    guard = np.full(m, "", dtype=object)
    rule = np.full(m, "", dtype=object)
    if len(idx):
        f = {k: v[idx] for k, v in base.items()}
        f.update(_detail(keys, left[idx], right[idx], f["title"]))
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
    f.update(_detail(keys, left, right, f["title"]))
    w = weights(f)
    evidence, score, decision, guard = decide(f, w, settings)
    similarity = {
        "title": float(f["title"][0]) if f["has_title"][0] else None,
        "authors": float(f["authors"][0]) if f["authors"][0] >= 0 else None,
        "year": None if f["year_gap"][0] < 0 else ("equal" if f["year_gap"][0] == 0 else f"{int(f['year_gap'][0])} apart"),
        "volume": {1: "equal", 0: "different", -1: None}[int(f["volume"][0])],
        "pages": {1: "equal", 0: "different", -1: None}[int(f["pages"][0])],
        "doi": {1: "equal", 0: "different", -1: None}[int(f["doi"][0])],
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
