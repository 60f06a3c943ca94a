"""Step 2, block: candidate pairs, so that cost grows near-linearly with the records.

Only pairs that share something are ever scored:

- ``doi`` / ``pmid``: the same identifier; ``doi-core``: the same DOI written differently
  (punctuation lost, OCR look-alikes);
- ``volume-page``: the same volume and first page (a title in another language or cut short);
- ``title``: the same title fingerprint (every character, no spaces);
- ``title-sorted`` and ``title-reversed``: neighbours when titles are sorted forwards and
  backwards (a sorted neighbourhood, Hernández & Stolfo 1995), which finds titles that
  differ near their end or near their start (typos, a dropped subtitle, a prefix such as
  "Erratum:");
- ``journal-volume-page``: the same journal, volume and first page (the ``volume-page`` block
  of a common volume and page, "1|1", can be too large to pair every copy);
- ``rare-words``: the two rarest words of a title (by how many titles use them), which finds
  titles that differ in the middle or in word order; by default only for short titles
  (``rare-words-short``), which have no ``title-start`` / ``title-end`` key.

Each pass is a sort plus array comparisons, O(n log n); a block of equal keys contributes
at most ``window - 1`` neighbours per record, so a very common key (a DOI shared by every
abstract of a supplement, the title "Editorial") cannot make the pair count quadratic.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.corpus.dedup.compare import doi_core, fragment_core
from review.corpus.dedup.keys import RecordKeys

#: Neighbours compared in a sorted-neighbourhood pass, and within an exact-key block.
SORTED_WINDOW = 4
EXACT_WINDOW = 40
RARE_WINDOW = 6
SHORT_WINDOW = 20
#: Characters of a title's start and end that make the ``title-start`` / ``title-end`` keys.
AFFIX = 30
_MIN_RARE_LEN = 4


@dataclass
class Candidates:
    """Candidate pairs as parallel index arrays (into the keys), ``left < right``."""

    left: np.ndarray
    right: np.ndarray
    passes: dict[str, int]

    def __len__(self) -> int:
        return len(self.left)


def _codes(values: list[str]) -> np.ndarray:
    """Integer codes for string keys; -1 for empty keys (which never pair)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    empty = np.flatnonzero(uniques == "")
    codes = codes.astype(np.int64)
    if len(empty):
        codes[codes == empty[0]] = -1
    return codes


def _neighbours(order: np.ndarray, codes: np.ndarray | None, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records at most ``window - 1`` apart in ``order``.

    With ``codes``, only neighbours with the same (non-negative) code pair up.
    """
    lefts, rights = [], []
    for offset in range(1, window):
        if offset >= len(order):
            break
        a = order[:-offset]
        b = order[offset:]
        if codes is not None:
            ca = codes[a]
            keep = (ca >= 0) & (ca == codes[b])
            if not keep.any():
                break
            a, b = a[keep], b[keep]
        lefts.append(a)
        rights.append(b)
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(lefts), np.concatenate(rights)


def exact_pairs(values: list[str], window: int = EXACT_WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing a non-empty key (at most ``window - 1`` neighbours each)."""
    codes = _codes(values)
    present = np.flatnonzero(codes >= 0)
    order = present[np.argsort(codes[present], kind="stable")]
    return _neighbours(order, codes, window)


def sorted_pairs(values: list[str], window: int = SORTED_WINDOW, per_key: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Sorted-neighbourhood pairs over distinct non-empty keys.

    Each record pairs with the first ``per_key`` records of each of the next
    ``window - 1`` distinct keys, so a long run of identical keys (twenty records titled
    "Atypical hemolytic uremic syndrome") does not hide its neighbours; identical keys
    themselves are paired by :func:`exact_pairs`.
    """
    arr = np.asarray(values, dtype=object)
    present = np.flatnonzero(arr != "")
    if len(present) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    codes, _ = pd.factorize(pd.Series(arr[present], dtype=object), sort=True)
    order = present[np.argsort(codes, kind="stable")]
    group = np.sort(codes)
    n_groups = int(group[-1]) + 1
    starts = np.searchsorted(group, np.arange(n_groups), side="left")
    sizes = np.diff(np.append(starts, len(group)))
    lefts, rights = [], []
    for offset in range(1, window):
        target = group + offset
        ok = target < n_groups
        for t in range(per_key):
            sel = np.flatnonzero(ok)
            tg = target[sel]
            sel = sel[t < sizes[tg]]
            if not len(sel):
                break
            lefts.append(order[sel])
            rights.append(order[starts[group[sel] + offset] + t])
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(lefts), np.concatenate(rights)


def rare_word_pairs(titles: list[str], window: int = RARE_WINDOW, per_title: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing one of their rarest title words (words of four letters or more)."""
    counts: Counter[str] = Counter()
    tokenised = []
    for title in titles:
        words = {w for w in title.split() if len(w) >= _MIN_RARE_LEN}
        tokenised.append(words)
        counts.update(words)
    rows: list[int] = []
    keys: list[str] = []
    for index, words in enumerate(tokenised):
        # rarest first; ties broken alphabetically so that the choice is deterministic
        shared = [w for w in words if counts[w] > 1]
        for word in sorted(shared, key=lambda w: (counts[w], w))[:per_title]:
            rows.append(index)
            keys.append(word)
    return _word_blocks(rows, keys, window)


def short_title_pairs(titles: list[str], short: np.ndarray, window: int = SHORT_WINDOW,
                      per_title: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of a short title with titles sharing one of its rarest words (rule
    ``rare-words-short``). Only the short titles' words are counted, so the cost is one pass
    over the titles with a set lookup per word."""
    wanted_from = np.flatnonzero(short).tolist()
    candidates = {w for i in wanted_from for w in titles[i].split() if len(w) >= _MIN_RARE_LEN}
    if not candidates:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # two passes over the titles, each a split and a C-level set intersection per title:
    # count the short titles' words, then collect the records having their rarest ones
    counts: Counter[str] = Counter()
    intersect = candidates.intersection
    for title in titles:
        if found := intersect(title.split()):
            counts.update(found)
    chosen: set[str] = set()
    for i in wanted_from:
        shared = [w for w in set(titles[i].split()) if counts[w] > 1]
        chosen.update(sorted(shared, key=lambda w: (counts[w], w))[:per_title])
    rows: list[int] = []
    keys: list[str] = []
    intersect = chosen.intersection
    for index, title in enumerate(titles):
        if found := intersect(title.split()):
            rows.extend([index] * len(found))
            keys.extend(found)
    a, b = _word_blocks(rows, keys, window)
    keep = short[a] | short[b]  # a short title's pairs only (at most 2 * (window - 1) per word)
    return a[keep], b[keep]


def _word_blocks(rows: list[int], keys: list[str], window: int) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour pairs of records (``rows``) within blocks of equal words (``keys``)."""
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    row_arr = np.asarray(rows, dtype=np.int64)
    codes = _codes(keys)
    order = np.lexsort((row_arr, codes))
    a, b = _neighbours(order, codes, window)
    return row_arr[a], row_arr[b]


def short_titles(keys: RecordKeys) -> np.ndarray:
    """Records whose title is too short for the ``title-start`` / ``title-end`` keys (a short
    title, or one cut short)."""
    return np.fromiter((0 < len(fp) < AFFIX for fp in keys.title_fp), dtype=bool, count=len(keys))


def block(keys: RecordKeys, *, rare_words: bool | None = None) -> Candidates:
    """Every candidate pair, each once, from all passes.

    ``rare_words``: None (the default) runs the rare-words pass for short titles only
    (``rare-words-short``: they have no ``title-start`` / ``title-end`` key); True for every
    title (``rare-words``); False not at all.
    """
    n = len(keys)
    passes: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "doi": exact_pairs(keys.doi),
        "pmid": exact_pairs(keys.pmid),
        "title": exact_pairs(keys.title_fp),
        # what survives a title in another language or cut short: the volume and first page
        "volume-page": exact_pairs([f"{v}|{p}" if v and p else "" for v, p in zip(keys.volume, keys.page, strict=True)]),
        "journal-volume-page": exact_pairs([f"{j}|{v}|{p}" if j and v and p else ""
                                            for j, v, p in zip(keys.journal, keys.volume, keys.page, strict=True)]),
        "doi-core": exact_pairs([doi_core(d) if d else (fragment_core(f) if f else "")
                                 for d, f in zip(keys.doi, keys.doi_fragment or [""] * n, strict=True)]),
        "title-sorted": sorted_pairs(keys.title_fp),
        "title-reversed": sorted_pairs([fp[::-1] for fp in keys.title_fp]),
        "title-start": exact_pairs([fp[:AFFIX] if len(fp) >= AFFIX else "" for fp in keys.title_fp]),
        "title-end": exact_pairs([fp[-AFFIX:] if len(fp) >= AFFIX else "" for fp in keys.title_fp]),
    }
    if rare_words:
        passes["rare-words"] = rare_word_pairs(keys.title)
    elif rare_words is None and (short := short_titles(keys)).any():
        passes["rare-words-short"] = short_title_pairs(keys.title, short)
    lefts = [np.minimum(a, b) for a, b in passes.values()]
    rights = [np.maximum(a, b) for a, b in passes.values()]
    left = np.concatenate(lefts) if lefts else np.zeros(0, dtype=np.int64)
    right = np.concatenate(rights) if rights else np.zeros(0, dtype=np.int64)
    keep = left != right
    code = np.unique(left[keep].astype(np.int64) * max(n, 1) + right[keep])
    return Candidates(
        left=code // max(n, 1), right=code % max(n, 1),
        passes={name: len(a) for name, (a, _) in passes.items()},
    )
