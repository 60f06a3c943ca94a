"""The ranking model: cold start, training, order, and the estimate of what remains."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from review.screening.prioritise import STOPPING_NOTE, Ranker, RemainingEstimate, keyword_scores

SAMPLE = Path(__file__).resolve().parent / "data" / "screening" / "Nagtegaal_2019_sample.csv"

TEXTS = [
    "Hospital parking policy and staff travel",
    "Surgical instruments sterilisation audit",
    "A nudge to reduce antibiotic prescribing by general practitioners",
    "Cafeteria menu redesign in a hospital",
    "Default options nudge physicians towards generic drug prescribing",
]


def _sample() -> tuple[list[str], np.ndarray]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [f"{r['title']} {r['abstract']}" for r in rows], np.array([int(r["label_included"]) for r in rows])


def test_cold_start_ranks_keyword_record_first() -> None:
    ranker = Ranker(TEXTS, include_keywords=["nudg*"], exclude_keywords=["parking"])
    order = ranker.order({})
    assert order[:2] == [2, 4] or order[:2] == [4, 2]
    assert order[-1] == 0  # the exclude keyword sinks it


def test_cold_start_without_keywords_keeps_input_order() -> None:
    assert Ranker(TEXTS).order({}) == [0, 1, 2, 3, 4]


def test_cold_start_with_one_class_uses_similarity() -> None:
    ranker = Ranker(TEXTS)
    # only a relevant example: texts like it come first
    assert ranker.order({2: 1})[0] == 4


def test_keyword_phrases_and_rarity() -> None:
    texts = ["decision support in care", "decision making and support", "care pathways"]
    s = keyword_scores(texts, ["decision support"], [])
    assert s[0] > 0 and s[1] == 0 and s[2] == 0
    rare = keyword_scores(["alpha beta", "alpha", "alpha gamma"], ["alpha", "beta"], [])
    assert rare[0] > rare[1]  # beta is rarer, so it adds more


def test_order_excludes_labelled_and_is_sorted_by_score() -> None:
    ranker = Ranker(TEXTS, seed=1)
    labels = {2: 1, 0: 0}
    order = ranker.order(labels)
    assert sorted(order) == [1, 3, 4]
    s = ranker.scores(labels)
    assert list(s[order]) == sorted(s[order], reverse=True)
    assert order[0] == 4  # the other nudge/prescribing record
    assert ranker.next_best(labels) == order[0]


def test_scores_do_not_depend_on_dict_order() -> None:
    ranker = Ranker(TEXTS)
    a = ranker.scores({2: 1, 0: 0, 3: 0})
    b = Ranker(TEXTS).scores({3: 0, 0: 0, 2: 1})
    assert np.allclose(a, b)


def test_bad_labels_raise() -> None:
    ranker = Ranker(TEXTS)
    with pytest.raises(IndexError):
        ranker.scores({9: 1})
    with pytest.raises(ValueError, match="0 .* or 1"):
        ranker.scores({1: 2})


def test_empty_and_tiny_corpora() -> None:
    assert Ranker(["", ""]).order({}) == [0, 1]
    assert Ranker(["same words", "same words"]).order({0: 1}) == [1]


def test_model_beats_random_on_sample() -> None:
    texts, y = _sample()
    ranker = Ranker(texts, seed=0)
    rng = np.random.default_rng(0)
    labels = {int(rng.choice(np.flatnonzero(y == 1))): 1, int(rng.choice(np.flatnonzero(y == 0))): 0}
    while len(labels) < 60:  # 20% of the records
        i = ranker.next_best(labels)
        labels[i] = int(y[i])
    found = sum(labels.values())
    assert found / y.sum() > 0.5  # random order would find about 20%


def test_estimate_remaining_reads_the_decisions_in_the_order_they_were_made() -> None:
    texts, y = _sample()
    ranker = Ranker(texts)
    ranked = [int(i) for i in np.argsort(-y, kind="stable")]  # every relevant record first
    labels = {i: int(y[i]) for i in ranked[:120]}
    est = ranker.estimate_remaining(labels)
    assert isinstance(est, RemainingEstimate)
    assert est.found == 30 and est.labelled == 120 and est.unlabelled == 180
    assert est.high is not None and est.expected is not None
    assert 0 == est.low <= est.expected <= est.high <= 10  # 90 irrelevant in a row: few can remain
    assert est.method and est.note == STOPPING_NOTE and "reviewer's decision" in est.note
    # the same decisions with the relevant ones last: the recent ones say much more may remain
    late = ranker.estimate_remaining(dict(reversed(list(labels.items()))))
    assert late.high is not None and late.high > 3 * est.high


def test_estimate_remaining_with_few_labels_and_all_labelled() -> None:
    texts, y = _sample()
    few = Ranker(texts).estimate_remaining({2: 1, 0: 0, 1: 0, 3: 1})  # the issue: no figure after 4
    assert few.expected is None and few.high is None and not few.ready
    assert few.needed == 46 and few.found == 2 and few.unlabelled == 296
    assert few.summary() == "relevant records remaining: estimated after 46 more decisions"
    ranker = Ranker(TEXTS)
    assert ranker.estimate_remaining({2: 1}).needed == 2  # five records: half of them
    done = ranker.estimate_remaining(dict.fromkeys(range(5), 0))
    assert done.expected == 0 and done.high == 0 and done.unlabelled == 0


@pytest.mark.parametrize("model", ["svm", "svm+nb", "nb"])
def test_models_rank_the_similar_record_first(model: str) -> None:
    ranker = Ranker(TEXTS, model=model)
    assert ranker.order({2: 1, 0: 0, 1: 0})[0] == 4
    assert ranker.description.startswith("tfidf(1-2gram,sublinear)+")
    with pytest.raises(ValueError, match="unknown model"):
        Ranker(TEXTS, model="bert")


def test_svm_training_cap_keeps_relevant_and_closest_irrelevant() -> None:
    class Capped(Ranker):
        SVM_MAX_IRRELEVANT = 2

    texts, y = _sample()
    ranker = Capped(texts)
    idx = np.arange(40)
    rows, labels = ranker._svm_rows(idx, y[idx])
    assert labels.sum() == y[:40].sum() and (labels == 0).sum() == 2
    assert len(ranker.order(dict(zip(idx.tolist(), y[idx].tolist(), strict=True)))) == len(texts) - 40


def test_non_text_values_are_empty_texts() -> None:
    ranker = Ranker(["nudge", None, "other"], include_keywords=["nudge"])  # type: ignore[list-item]
    assert ranker.order({}) == [0, 1, 2]
