"""How many relevant records may remain unscreened: a bound that holds, from the screening order.

The method is Callaghan & Müller-Hansen's (2020) statistical stopping criterion, as in their
buscarpy package (``calculate_h0``), turned from a test into a bound:

- Take the last ``n`` records screened, for each ``n``. Treat them as ``n`` draws without
  replacement from the records that were unscreened when the first of them was screened
  (``M = n + unlabelled`` records, of which ``k`` relevant were drawn plus however many
  ``K`` remain): a hypergeometric urn.
- Records screened in the model's order are *more* likely to be relevant than records
  drawn at random (that is what prioritisation is for), so counting them as a random draw
  makes the bound conservative: if ``K`` relevant records remained, seeing as few as ``k``
  in the window would be even less likely than the hypergeometric probability says.
- For each window, the largest ``K`` with ``P(X <= k | M, K + k, n) >= alpha`` is a
  ``1 - alpha`` upper bound; the bound reported is the smallest over windows of 1, 2, 4,
  8, ... records and all of them (buscarpy likewise takes the smallest p-value over the
  windows, of every size).

So ``high`` is "at most this many relevant records remain, at 95% confidence",
``expected`` the same bound at 50% (a median estimate that leans high), ``low`` is 0 (the
screening order says nothing about a lower bound) and ``p_missed_target`` the buscarpy
p-value for "recall is still below 95%" (below 0.05: the stopping criterion is met).

Callaghan, M. W. & Müller-Hansen, F. (2020). Statistical stopping criteria for automated
screening in systematic reviews. *Systematic Reviews* 9, 273.
https://doi.org/10.1186/s13643-020-01521-4
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from review.screening.wording import count, verb

#: Said wherever the estimate is shown.
STOPPING_NOTE = (
    "This is a statistical bound, not a guarantee: when to stop screening is the reviewer's "
    "decision."
)
#: Decisions needed before a figure is given (fewer for collections under 100 records).
MIN_DECISIONS = 50
#: Recall target of the stopping criterion's p-value.
RECALL_TARGET = 0.95
CONFIDENCE = 0.95
METHOD = ("hypergeometric upper bound from the most recent decisions, counted as a random "
          "sample of what was unscreened (Callaghan & Müller-Hansen 2020); conservative when "
          "records are screened most-likely-relevant first")


@dataclass(frozen=True)
class RemainingEstimate:
    """How many relevant records may remain among the records not yet screened.

    Attributes:
        expected: a median estimate (the same bound at 50% confidence; it leans high);
            ``None`` until there are enough decisions (see ``ready``).
        low: lower end of the interval (0: a screening order gives no lower bound).
        high: upper end: at most this many remain, at ``confidence``; ``None`` until ready.
        found: relevant records screened so far.
        labelled: records screened so far.
        unlabelled: records not yet screened.
        method: how the figure was computed, in one sentence.
        needed: decisions still needed before a figure is given (0 once ready).
        p_missed_target: p-value of "recall is still below ``RECALL_TARGET``" (below
            ``1 - confidence``: Callaghan & Müller-Hansen's criterion to stop is met).
        confidence: the interval's level.
        note: the reminder that stopping is the reviewer's decision.
    """

    expected: float | None
    low: float
    high: float | None
    found: int
    labelled: int
    unlabelled: int
    method: str
    needed: int = 0
    p_missed_target: float | None = None
    confidence: float = CONFIDENCE
    note: str = STOPPING_NOTE

    @property
    def ready(self) -> bool:
        """Whether there are enough decisions for a figure."""
        return self.high is not None

    @property
    def recall_estimate(self) -> float | None:
        """Recall so far at the median estimate (``None`` before the figure is ready)."""
        if self.expected is None:
            return None
        total = self.found + self.expected
        return self.found / total if total > 0 else None

    @property
    def recall_at_least(self) -> float | None:
        """Recall so far is at least this, at ``confidence`` (``None`` before ready)."""
        if self.high is None:
            return None
        total = self.found + self.high
        return self.found / total if total > 0 else 1.0

    def summary(self) -> str:
        """One line for people, e.g. ``at most 12 relevant records remain (95% confidence);
        recall so far at least 89%``. The median estimate is left out: it leans high."""
        if self.unlabelled == 0:
            return "every record is screened"
        if not self.ready:
            return f"relevant records remaining: estimated after {count(self.needed, 'more decision')}"
        assert self.high is not None
        high = round(self.high)
        line = (f"at most {count(high, 'relevant record')} {verb(high, 'remains', 'remain')} "
                f"({self.confidence:.0%} confidence)")
        if self.recall_at_least is not None and self.found:
            line += f"; recall so far at least {math.floor(self.recall_at_least * 100)}%"
        if self.p_missed_target is not None and self.p_missed_target < 1 - self.confidence:
            line += (f"; stopping criterion for {RECALL_TARGET:.0%} recall met "
                     f"(p = {self.p_missed_target:.3f})")
        return line


def _windows(labelled: int) -> np.ndarray:
    """Window sizes 1, 2, 4, 8, ... and every decision so far.

    A window is one test; the bound is the smallest over the windows, so more windows mean
    more chances of a bound that is too low. With sizes doubling, the bound held at its
    nominal 95% even when records are screened in random order (the least favourable case
    for the method; tests/test_stopping.py checks it), while every size 1..n does not (89%).
    """
    sizes = {labelled}
    size = 1
    while size < labelled:
        sizes.add(size)
        size *= 2
    return np.array(sorted(sizes), dtype=np.int64)


def upper_bound(labels_in_order: Sequence[int], records: int, alpha: float) -> int:
    """The largest number of relevant records remaining not rejected at level ``alpha``.

    Args:
        labels_in_order: 1/0 for each record screened, in the order screened.
        records: every record in the collection (screened or not).
        alpha: 1 - confidence (0.05 for a 95% bound; 0.5 for a median estimate).
    """
    from scipy.stats import hypergeom

    labels = np.asarray(labels_in_order, dtype=np.int64)
    seen = labels.size
    unlabelled = records - seen
    if unlabelled <= 0:
        return 0
    sizes = _windows(seen) if seen else np.zeros(0, dtype=np.int64)
    if sizes.size == 0:
        return unlabelled
    hits = np.cumsum(labels[::-1])[sizes - 1]  # relevant among the last n screened
    population = sizes + unlabelled
    lo = np.zeros(sizes.size, dtype=np.int64)  # K = 0 is never rejected: P(X <= k) = 1 at K = 0
    hi = np.full(sizes.size, unlabelled, dtype=np.int64)
    # hi itself may be consistent: check it first
    ok = hypergeom.cdf(hits, population, hi + hits, sizes) >= alpha
    lo = np.where(ok, hi, lo)
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi + 1) // 2
        consistent = hypergeom.cdf(hits, population, mid + hits, sizes) >= alpha
        lo = np.where(active & consistent, mid, lo)
        hi = np.where(active & ~consistent, mid - 1, hi)
    return int(lo.min())


def p_missed_target(labels_in_order: Sequence[int], records: int,
                    recall_target: float = RECALL_TARGET) -> float:
    """buscarpy's ``calculate_h0``: p-value of "recall is below ``recall_target``".

    For each window of the last ``n`` screened, the fewest relevant records the urn would
    have to hold for recall to be below the target is ``K = floor(found / target + 1 -
    (found - k))``; the p-value is ``P(X <= k)`` for that urn, the smallest over windows.
    """
    from scipy.stats import hypergeom

    labels = np.asarray(labels_in_order, dtype=np.int64)
    seen = labels.size
    if seen == 0:
        return 1.0
    found = int(labels.sum())
    sizes = _windows(seen)
    hits = np.cumsum(labels[::-1])[sizes - 1]
    population = records - (seen - sizes)
    needed = np.floor(found / recall_target + 1 - (found - hits))
    p = hypergeom.cdf(hits, population, np.minimum(needed, population), sizes)
    return float(np.clip(p.min(), 0.0, 1.0))


def decisions_needed(labelled: int, records: int) -> int:
    """Decisions still needed before a figure is given: ``MIN_DECISIONS`` (or half the
    collection, if that is fewer)."""
    return max(0, min(MIN_DECISIONS, math.ceil(records / 2)) - labelled)


def estimate_remaining(labels_in_order: Sequence[int], records: int,
                       confidence: float = CONFIDENCE) -> RemainingEstimate:
    """How many relevant records may remain, from the decisions in the order they were made.

    Args:
        labels_in_order: 1 (relevant) / 0 (irrelevant) for each record screened so far, in
            the order they were screened.
        records: every record in the collection.
        confidence: level of the upper bound.

    Returns:
        A :class:`RemainingEstimate`; without enough decisions, one with ``expected`` and
        ``high`` None and ``needed`` saying how many more decisions are wanted.
    """
    labels = [int(v) for v in labels_in_order]
    found, labelled = sum(labels), len(labels)
    unlabelled = records - labelled
    if unlabelled <= 0:
        return RemainingEstimate(0.0, 0.0, 0.0, found, labelled, 0, "every record is screened",
                                 p_missed_target=0.0, confidence=confidence)
    needed = decisions_needed(labelled, records)
    if needed:
        return RemainingEstimate(None, 0.0, None, found, labelled, unlabelled, METHOD,
                                 needed=needed, confidence=confidence)
    return RemainingEstimate(
        expected=float(upper_bound(labels, records, 0.5)),
        low=0.0,
        high=float(upper_bound(labels, records, 1 - confidence)),
        found=found, labelled=labelled, unlabelled=unlabelled, method=METHOD,
        p_missed_target=p_missed_target(labels, records), confidence=confidence,
    )
