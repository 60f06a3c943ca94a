"""Field-by-field comparison of candidate pairs, on whole arrays.

:func:`compare` does the cheap part for every candidate pair (title similarity, shared
DOI or PMID, one title containing the other); :func:`detail` the rest, for pairs that
pass the title floor: authors (surnames, with fallbacks for names run together or
swapped), first author, year, volume, issue, pages, journal, abstract, and the record
kinds that the guards look at. Strings are compared with rapidfuzz's ``cpdist``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from review.corpus.dedup.keys import RecordKeys
from review.corpus.dedup.pages import is_day, pages_adjacent, pages_agree
from review.corpus.dedup.text import fold

#: Pairs whose titles are less similar than this are not compared further (unless they
#: share a DOI or PMID, or one title contains the other).
TITLE_FLOOR = 50.0


def _take(values: list[str], index: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=object)[index]


def _equal_or_missing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 equal, 0 different, -1 when either is empty."""
    present = (a != "") & (b != "")
    out = np.where(a == b, 1, 0).astype(np.int8)
    out[~present] = -1
    return out


#: DOI comparison: equal, different, missing, and nearly equal (the same DOI damaged).
DOI_EQUAL, DOI_DIFFERENT, DOI_MISSING, DOI_DAMAGED = 1, 0, -1, 2
# what a figure's, table's or supplement's DOI adds to its article's: after a delimiter, in a
# known form (".t001", ".s002", ".g003", ".sd001", "/suppl", "/suppl_file/...", "/-/DC1")
_DOI_EXTENSION = re.compile(r"^(\.(t|s|g|sd|f|fig|figure|table|suppl|supp)\d+|/suppl|/-/dc\d|\.supp)")
_OCR = str.maketrans("oilz", "0112")


def doi_core(doi: str) -> str:
    """A DOI's suffix as letters and digits only, OCR look-alikes folded ("fnr.v57i0.21083"
    and "fnrv57i0.21083", "abc_def" and "abc-def" give one core)."""
    suffix = doi.split("/", 1)[1] if doi.startswith("10.") and "/" in doi else doi
    return "".join(ch for ch in suffix if ch.isalnum()).translate(_OCR)


_REGISTRANT = re.compile(r"^\d{4,9}/")


def fragment_core(fragment: str) -> str:
    """:func:`doi_core` of what is left of a DOI without its ``10.`` prefix ("3402/fnr.v57i0.21083"
    or "fnrv57i0.21083")."""
    return doi_core(_REGISTRANT.sub("", fragment))


def doi_fragments_agree(doi: np.ndarray, da: np.ndarray, db: np.ndarray, fa: np.ndarray, fb: np.ndarray,
                        relevant: np.ndarray) -> np.ndarray:
    """Rule ``doi-fragment``: one side has no DOI but one that lost its prefix (``fa``/``fb``),
    and its core is the other side's DOI's (or fragment's) core: damaged, never equal."""
    out = np.zeros(len(doi), dtype=bool)
    for k in np.flatnonzero((doi == DOI_MISSING) & relevant & ((fa != "") | (fb != ""))).tolist():
        x = fragment_core(fa[k]) if fa[k] else doi_core(da[k]) if da[k] else ""
        y = fragment_core(fb[k]) if fb[k] else doi_core(db[k]) if db[k] else ""
        out[k] = len(x) >= 10 and x == y
    return out


def doi_extends(longer: str, shorter: str) -> bool:
    """Rule ``doi-extension``: ``longer`` is a figure's or supplement's DOI of ``shorter``'s
    article. A DOI that merely starts with another ("10.5555/case.12" and "10.5555/case.1")
    is another DOI."""
    return longer.startswith(shorter) and bool(_DOI_EXTENSION.match(longer[len(shorter):]))


_COCHRANE = re.compile(r"^10\.1002/14651858\.(cd\d+)(\.pub\d+)?$")


def cochrane_versions(a: np.ndarray, b: np.ndarray, doi: np.ndarray) -> np.ndarray:
    """Rule ``cochrane-versions``: two versions of one Cochrane review (".pub2", ".pub4": the
    same CD number, another version suffix)."""
    out = np.zeros(len(a), dtype=bool)
    for k in np.flatnonzero(doi == DOI_DIFFERENT).tolist():
        x, y = a[k], b[k]
        if x.startswith("10.1002/14651858.") and y.startswith("10.1002/14651858."):
            mx, my = _COCHRANE.match(x), _COCHRANE.match(y)
            out[k] = bool(mx and my and mx.group(1) == my.group(1))
    return out


_CD_NUMBER = re.compile(r"^cd\d{6}$")


def cochrane_number(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The same Cochrane review number where the pages go ("CD007146"): one review, perhaps
    two of its versions."""
    out = np.zeros(len(a), dtype=bool)
    for k in np.flatnonzero(a == b).tolist():
        out[k] = bool(a[k]) and a[k][:2] == "cd" and bool(_CD_NUMBER.match(a[k]))
    return out


def _doi_compare(a: np.ndarray, b: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    out = _equal_or_missing(a, b)
    for k in np.flatnonzero((out == 0) & relevant):
        x, y = a[k], b[k]
        if doi_extends(x, y) or doi_extends(y, x):
            out[k] = DOI_EQUAL
        elif len(x) >= 12 and len(y) >= 12 and doi_core(x) == doi_core(y):
            out[k] = DOI_DAMAGED  # rule ``damaged-doi``: strong, not certain
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
        # a particle, a typo, or a group name written without its spaces ("Alexion
        # Pharmaceuticals" / "AlexionPharmaceuticals")
        if x in ys or y in xs or fuzz.ratio(x, y) >= 80 or x == "".join(ys) or y == "".join(xs):
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


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is ``long`` or an ISO 4 style abbreviation of it: a truncation ("mol" for
    "molecular") or a contraction keeping the first letter and the order ("natl" for "national")."""
    if long.startswith(short):
        return True
    if len(short) < 3 or short[0] != long[0] or len(short) >= len(long):
        return False
    pos = 0
    for ch in short:
        pos = long.find(ch, pos) + 1
        if not pos:
            return False
    return True


def _in_order(short: list[str], long: list[str]) -> bool:
    """Every word of ``short`` abbreviates a later word of ``long``, in order."""
    pos = 0
    for word in short:
        while pos < len(long) and not _abbreviates(word, long[pos]):
            pos += 1
        if pos == len(long):
            return False
        pos += 1
    return True


@lru_cache(maxsize=100_000)
def journals_compatible(a: str, b: str) -> bool:
    """The same journal, allowing ISO 4 abbreviations ("curr opin lipidol" ~ "current
    opinion lipidology", "proc natl acad sci u s a" ~ "proceedings national academy
    sciences")."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if len(wa) == len(wb) and all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(wa, wb, strict=True)):
        return True
    if len(wa) == 1 and len(wb) > 2 and wa[0] == "".join(w[0] for w in wb):
        return True  # an acronym: "jama" ~ "journal american medical association"
    if len(wb) == 1 and len(wa) > 2 and wb[0] == "".join(w[0] for w in wa):
        return True
    for short, long in ((wa, wb), (wb, wa)):
        # a country written as initials ("u s a") that the full name leaves out
        while len(short) > 2 and len(short[-1]) == 1:
            short = short[:-1]
        if len(short) <= len(long) and _in_order(short, long):
            return True
    # a subtitle kept by one side ("Clin Canc Res an Offic J Am Assoc Canc Res" ~ "Clinical
    # Cancer Research"): the short name's 3+ words, one by one, start the long one's 6+
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) >= 3 and len(long) >= len(short) + 3 and all(
            _abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(short, long, strict=False)):
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


_ROMAN = frozenset(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"])


def _numbers(title: str) -> list[str]:
    return sorted(w for w in title.split() if w.isdigit() or w in _ROMAN)


def _numbers_differ(a: np.ndarray, b: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Near-equal titles whose numbers differ ("... Part I" / "... Part II", "study 1" / "study 2")."""
    out = np.zeros(len(a), dtype=bool)
    for k in np.flatnonzero(candidates).tolist():
        out[k] = _numbers(a[k]) != _numbers(b[k])
    return out


def compare(keys: RecordKeys, left: np.ndarray, right: np.ndarray) -> dict[str, np.ndarray]:
    """Field comparisons for pairs (left[k], right[k]): raw similarities and agreements."""
    m = len(left)
    ta, tb = _take(keys.title, left), _take(keys.title, right)
    title = process.cpdist(ta, tb, scorer=fuzz.ratio, workers=-1, dtype=np.float32) if m else np.zeros(0, np.float32)
    has_title = (ta != "") & (tb != "")
    title = np.where(has_title, title, 0).astype(np.float32)
    da, db = _take(keys.doi, left), _take(keys.doi, right)
    doi = _doi_compare(da, db, title >= TITLE_FLOOR)
    if any(keys.doi_fragment):
        damaged = doi_fragments_agree(doi, da, db, _take(keys.doi_fragment, left), _take(keys.doi_fragment, right),
                                      np.ones(m, dtype=bool))
        doi[damaged] = DOI_DAMAGED
    pmid = _equal_or_missing(_take(keys.pmid, left), _take(keys.pmid, right))
    contained = np.zeros(m, dtype=bool)
    mid = np.flatnonzero(has_title & (title < 95))
    contained[mid] = _contained(ta[mid], tb[mid], title[mid])
    numbers = _numbers_differ(ta, tb, has_title & (title >= 85) & (title < 99.5) & ~contained)
    return {"title": title, "has_title": has_title, "contained": contained, "doi": doi, "pmid": pmid,
            "numbers_differ": numbers, "cochrane_versions": cochrane_versions(da, db, doi),
            "cochrane_number": cochrane_number(_take(keys.page, left), _take(keys.page, right))}


def detail(keys: RecordKeys, left: np.ndarray, right: np.ndarray, title: np.ndarray) -> dict[str, np.ndarray]:
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
    same_range = both_ranges & (pl[left] == pl[right]) & (pf[left] == pf[right])
    pages = np.fromiter((pages_agree(pf[a], pl[a], pf[b], pl[b]) for a, b in zip(left.tolist(), right.tolist(), strict=True)),
                        dtype=np.int8, count=len(left))
    vol, iss = np.asarray(keys.volume, dtype=object), np.asarray(keys.issue, dtype=object)
    adjacent = np.zeros(len(left), dtype=bool)
    for k in np.flatnonzero(pages == 0).tolist():
        a, b = int(left[k]), int(right[k])
        adjacent[k] = pages_adjacent(pf[a], pl[a], pf[b], pl[b])
        for x, y in ((a, b), (b, a)):  # an export that shifted volume -> issue -> pages by one
            if not vol[x] and iss[x] and iss[x] == vol[y] and pf[x] == iss[y]:
                pages[k] = -1
    ja, jb = _take(keys.journal, left), _take(keys.journal, right)
    journal = np.full(len(left), -1, dtype=np.int8)
    for k in range(len(left)):
        if ja[k] and jb[k]:
            journal[k] = 1 if journals_compatible(ja[k], jb[k]) else 0
    # rule ``day-for-pages``: a lone page from 1 to 31 against a range elsewhere, in a record
    # that agrees on title, first author, year, volume and journal, is the day of publication
    # that Embase puts in the page field: the pages are unknown, not different
    for k in np.flatnonzero((pages == 0) & ~both_ranges & (title >= 95) & (first == 1) & (year_gap == 0)
                            & (volume != 0) & (journal != 0)).tolist():
        a, b = int(left[k]), int(right[k])
        if (not pl[a] and is_day(pf[a]) and pl[b]) or (not pl[b] and is_day(pf[b]) and pl[a]):
            pages[k] = -1
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
    da, db = _take(keys.doi, left), _take(keys.doi, right)
    registrants = np.zeros(len(left), dtype=bool)
    for k in np.flatnonzero((da != db) & (da != "") & (db != "")).tolist():
        registrants[k] = da[k].split("/", 1)[0] != db[k].split("/", 1)[0]
    la, lb = _take(keys.language, left), _take(keys.language, right)
    na, nb = _take(keys.notice, left), _take(keys.notice, right)
    return {
        "authors": authors, "first_author": first, "single_author": single, "both_ranges": both_ranges, "same_range": same_range,
        "adjacent_pages": adjacent, "year_gap": year_gap, "volume": volume, "issue": issue,
        "pages": pages, "journal": journal, "abstract": abstract,
        "notice": na != nb,
        "pages_lost": keys.pages_lost[left] | keys.pages_lost[right] if len(keys.pages_lost) else np.zeros(len(left), dtype=bool),
        # the notice side is one only by its record type ("M3 - Note"), not by its title
        "notice_typed": (na != nb) & ((na == "") | keys.notice_typed[left]) & ((nb == "") | keys.notice_typed[right]),
        "conference": keys.conference[left] != keys.conference[right],
        "either_conference": keys.conference[left] | keys.conference[right],
        "preprint": keys.preprint[left] != keys.preprint[right],
        "language": (la != "") & (lb != "") & (la != lb),
        "generic": keys.generic[left] | keys.generic[right],
        "recurring": keys.recurring[left] | keys.recurring[right],
        "doi_registrants_differ": registrants,
    }
