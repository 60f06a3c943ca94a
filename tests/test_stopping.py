"""The stopping estimate: an upper bound on relevant records remaining that holds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from review.screening.stopping import (
    MIN_DECISIONS,
    decisions_needed,
    estimate_remaining,
    p_missed_target,
    upper_bound,
)


def _random_orders(trials: int, records: int, relevant: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    base = np.r_[np.ones(relevant, dtype=int), np.zeros(records - relevant, dtype=int)]
    return [rng.permutation(base) for _ in range(trials)]


def test_bound_holds_at_its_nominal_rate_even_in_random_order() -> None:
    # random order is the least favourable case (a ranking puts relevant records earlier)
    inside = checks = 0
    for order in _random_orders(60, 1000, 40):
        for screened in (150, 400, 700):
            truth = 40 - int(order[:screened].sum())
            inside += truth <= upper_bound(order[:screened], 1000, 0.05)
            checks += 1
    assert inside / checks >= 0.93  # nominal 95%, 180 checks


def test_prioritised_order_gives_a_tight_bound_and_it_never_undercounts() -> None:
    rng = np.random.default_rng(1)
    records, relevant = 2000, 60
    # a good ranking: relevant records mostly early, a few stragglers spread over the rest
    early = rng.permutation(np.r_[np.ones(55, dtype=int), np.zeros(345, dtype=int)])
    late = rng.permutation(np.r_[np.ones(5, dtype=int), np.zeros(1595, dtype=int)])
    order = np.r_[early, late]
    for screened in (400, 800, 1200, 1600):
        est = estimate_remaining(order[:screened].tolist(), records)
        truth = relevant - int(order[:screened].sum())
        assert est.ready and est.high is not None and est.expected is not None
        assert truth <= est.high
        assert est.expected <= est.high
    assert estimate_remaining(order[:1600].tolist(), records).high <= 20


def test_no_figure_before_enough_decisions() -> None:
    est = estimate_remaining([1, 0, 0, 1], 2000)
    assert not est.ready and est.expected is None and est.high is None
    assert est.needed == MIN_DECISIONS - 4
    assert est.summary() == f"relevant records remaining: estimated after {MIN_DECISIONS - 4} more decisions"
    assert decisions_needed(3, 10) == 2  # small collections: half the records
    assert estimate_remaining([0] * 49 + [1], 2000).summary().startswith("at most ")


def test_summary_states_the_bound_recall_and_the_stopping_criterion() -> None:
    order = [1] * 40 + [0] * 600
    est = estimate_remaining(order, 800)
    assert est.ready and est.high is not None
    text = est.summary()
    assert text.startswith(f"at most {est.high:.0f} relevant records remain (95% confidence)")
    assert f"recall so far at least {int(40 / (40 + est.high) * 100)}%" in text
    assert est.p_missed_target is not None and est.p_missed_target < 0.05
    assert "stopping criterion for 95% recall met" in text
    early = estimate_remaining(order[:100], 800)
    assert "stopping criterion" not in early.summary() and early.high is not None and early.high > est.high
    everything = estimate_remaining([0, 1, 0], 3)
    assert everything.high == 0 and everything.summary() == "every record is screened"


def test_bound_is_the_hypergeometric_inversion() -> None:
    # one window of n = 100 (the whole history), k = 0 relevant, 900 unscreened
    order = [0] * 100
    high = upper_bound(order, 1000, 0.05)
    # the smallest window decides here: P(X <= 0) over windows of 1, 2, 4 ... 64, 100
    def ok(k: int) -> bool:
        return all(hypergeom.cdf(0, n + 900, k, n) >= 0.05 for n in (1, 2, 4, 8, 16, 32, 64, 100))
    assert ok(high) and not ok(high + 1)


@pytest.mark.parametrize(("found_early", "tail", "stop"), [(40, 50, False), (40, 900, True)])
def test_p_value_is_buscarpys_criterion(found_early: int, tail: int, stop: bool) -> None:
    order = [1] * found_early + [0] * tail
    p = p_missed_target(order, 1000)
    assert (p < 0.05) is stop
    # the whole history as one urn, by hand (buscarpy's formula)
    k_hat = np.floor(found_early / 0.95 + 1 - (found_early - found_early))
    assert p <= hypergeom.cdf(found_early, 1000, k_hat, len(order)) + 1e-12
