"""Choose the ranking model by leave-one-review-out cross-validation over the labelled sets.

Every candidate (features x model x settings, see ``VARIANTS``) is replayed on every set of
benchmarks/screening_sets.py from the seeds' starting pairs (the pairs ASReview gets in
benchmarks/screening_simulation.py). To keep the search affordable on a shared machine the
replay retrains on a schedule: after every ``max(1, floor(f * screened))`` decisions
(``--step``, default f = 0.1: after each of the first 20 decisions, then in batches
growing with what has been screened). The winner is then confirmed with retraining after
every decision by benchmarks/screening_simulation.py.

The choice: for each set in turn, a candidate is chosen on the *other* sets and its figures
on the held-out set are reported, so every figure in the last tables is what a new review
would have seen from a model chosen without it. The rule (:func:`cross_validate`) is the
issue's target: among the candidates that, on the other sets, match or beat ELAS u4 on
mean WSS@95 and mean recall@10%, on WSS@95 on at least 80% of the sets and are never more
than 0.02 below it, the best mean ``(WSS@95 + recall@10%) / 2``; if none, ELAS u4. For
comparison the table for the plain "best mean" rule is printed too.

    python benchmarks/screening_model_search.py [--variants a b ...] [--seeds 0 1 2] [--step 0.1]
        [--results FILE]   # results are kept per variant, set and seed: reruns add, not redo
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening_sets import SETS, Dataset, cache_dir, load  # noqa: E402

from review.screening.prioritise import Ranker, _balanced_weights, _standardise  # noqa: E402
from review.screening.simulate import draw_prior, recall_at, screened_to_recall, wss  # noqa: E402

#: name -> (features, model, settings). features: "words" (TF-IDF word 1-2 grams, as
#: ELAS u4), "words+title<w>" (plus a title-only block weighted w), "words+chars" (plus
#: character 3-5 grams within word bounds). models: svm (C, ratio), nb (ELAS u3),
#: svm+nb (standardised sum), lr (logistic regression, C, ratio), svm-dyn (ratio that
#: falls as relevant records accumulate).
VARIANTS: dict[str, tuple[str, str, dict[str, float]]] = {
    "elas_u4": ("words", "svm", {"C": 0.11, "ratio": 9.8}),
    "svm_r20": ("words", "svm", {"C": 0.11, "ratio": 20.0}),
    "nb_u3": ("words", "nb", {}),
    "svm+nb": ("words", "svm+nb", {"C": 0.11, "ratio": 9.8}),
    "title0.5": ("words+title0.5", "svm", {"C": 0.11, "ratio": 9.8}),
    "chars": ("words+chars", "svm", {"C": 0.11, "ratio": 9.8}),
    "svm-dyn": ("words", "svm-dyn", {"C": 0.11, "ratio": 9.8}),
    "nb_title0.5": ("words+title0.5", "nb", {}),
}


def features(kind: str, data: Dataset) -> sparse.csr_matrix:
    """The feature matrix of ``kind`` for a set (rows L2-normalised)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    words = Ranker(data.texts).X
    if kind == "words":
        return words
    if kind.startswith("words+title"):
        weight = float(kind.removeprefix("words+title"))
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b")
        titles = vec.fit_transform([t if isinstance(t, str) else "" for t in data.titles])
        return sparse.csr_matrix(normalize(sparse.hstack([words, weight * titles]).tocsr()))
    if kind == "words+chars":
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                              max_df=0.95, min_df=2)
        chars = vec.fit_transform([t.lower() for t in data.texts])
        return sparse.csr_matrix(normalize(sparse.hstack([words, chars]).tocsr()))
    raise ValueError(kind)


class Candidate(Ranker):
    """A Ranker over a given feature matrix with a candidate model."""

    def __init__(self, X: sparse.csr_matrix, model: str, settings: dict[str, float], seed: int) -> None:
        self.n = X.shape[0]
        self.X = X
        self.seed = seed
        self.model = model
        self.keyword_scores = np.zeros(self.n)
        self._cache_key = None
        self._cache = None
        self._XT = None
        self.SVM_C = settings.get("C", Ranker.SVM_C)
        self.SVM_RATIO = settings.get("ratio", Ranker.SVM_RATIO)

    def _fit_score(self, idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.model == "svm":
            w, b = self._svm_weights(idx, y)
            return self.X @ w + b
        if self.model == "svm-dyn":
            # dynamic balancing: lean hard towards the relevant class while few are known,
            # towards ELAS u4's ratio once there are many
            base = self.SVM_RATIO
            self.SVM_RATIO = base * max(1.0, 4.0 / np.sqrt(max(1, int(y.sum()))) * 2)
            try:
                w, b = self._svm_weights(idx, y)
            finally:
                self.SVM_RATIO = base
            return self.X @ w + b
        if self.model == "nb":
            w, b = self._nb_weights(idx, y)
            return self.X @ w + b
        if self.model == "svm+nb":
            w1, b1 = self._svm_weights(idx, y)
            w2, b2 = self._nb_weights(idx, y)
            return _standardise(self.X @ w1 + b1) + _standardise(self.X @ w2 + b2)
        if self.model == "lr":
            from sklearn.linear_model import LogisticRegression

            clf = LogisticRegression(C=self.SVM_C, solver="liblinear")
            clf.fit(self.X[idx], y, sample_weight=_balanced_weights(y, self.SVM_RATIO))
            return self.X @ clf.coef_.ravel() + float(clf.intercept_[0])
        raise ValueError(self.model)


def replay(ranker: Ranker, labels: np.ndarray, prior: Sequence[int], step: float) -> list[int]:
    """The screening order until every relevant record is found (retrain on the schedule)."""
    n, relevant = len(labels), int(labels.sum())
    decided = {int(i): int(labels[i]) for i in prior}
    order = [int(i) for i in prior]
    found = sum(decided.values())
    while found < relevant and len(order) < n:
        k = max(1, int(len(order) * step)) if step > 0 else 1
        for i in ranker.order(decided)[:k]:
            decided[i] = int(labels[i])
            order.append(i)
            found += int(labels[i])
            if found == relevant:
                break
    return order


def score(order: list[int], labels: np.ndarray) -> dict[str, float]:
    seq = labels[order].tolist()
    n, r = len(labels), int(labels.sum())
    return {"wss_at_95": wss(seq, n, r, 0.95), "recall_at_10pct": recall_at(seq, n, r, 0.10),
            "screened_to_find_all": float(screened_to_recall(seq, r, 1.0) or n)}


def cross_validate(results: dict, variants: list[str], sets: list[str], rule: str = "target") -> list[dict]:
    """Leave-one-review-out: for each set, the variant chosen on the others, scored on it.

    ``rule="target"`` (the default, the issue's target): among the variants that, on the
    other sets, match or beat ELAS u4's mean WSS@95 and mean recall@10%, match or beat its
    WSS@95 on at least 80% of the sets and are never more than 0.02 below it, the one with
    the best mean ``(WSS@95 + recall@10%) / 2``; if none does, ELAS u4 itself.
    ``rule="mean"``: the best mean ``(WSS@95 + recall@10%) / 2``, however uneven.
    """

    def per_set(variant: str, key: str, metric: str) -> float:
        return statistics.mean(r[metric] for r in results[variant][key].values())

    def objective(variant: str, keys: list[str]) -> float:
        return statistics.mean((per_set(variant, k, "wss_at_95") + per_set(variant, k, "recall_at_10pct")) / 2
                               for k in keys)

    def meets_target(variant: str, keys: list[str]) -> bool:
        dw = [per_set(variant, k, "wss_at_95") - per_set("elas_u4", k, "wss_at_95") for k in keys]
        dr = [per_set(variant, k, "recall_at_10pct") - per_set("elas_u4", k, "recall_at_10pct") for k in keys]
        return (statistics.mean(dw) >= 0 and statistics.mean(dr) >= 0 and min(dw) >= -0.02
                and sum(d >= 0 for d in dw) >= 0.8 * len(keys))

    rows = []
    for held in sets:
        train = [k for k in sets if k != held]
        pool = variants if rule == "mean" else [v for v in variants if meets_target(v, train)] or ["elas_u4"]
        best = max(pool, key=lambda v: objective(v, train))
        rows.append({"held_out": held, "chosen": best,
                     "wss_at_95": per_set(best, held, "wss_at_95"),
                     "recall_at_10pct": per_set(best, held, "recall_at_10pct"),
                     "elas_u4_wss_at_95": per_set("elas_u4", held, "wss_at_95")})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--step", type=float, default=0.1)
    parser.add_argument("--cache", default=None)
    parser.add_argument("--results", type=Path, default=None,
                        help="JSON of results (default CACHE/model_search-STEP.json)")
    args = parser.parse_args()
    cache = cache_dir(args.cache)
    path = args.results or cache / f"model_search-{args.step}.json"
    results: dict = json.loads(path.read_text()) if path.exists() else {}
    datasets = [load(name, column, cache) for name, column in SETS]
    for data in datasets:
        matrices: dict[str, sparse.csr_matrix] = {}
        for variant in args.variants:
            kind, model, settings = VARIANTS[variant]
            done = results.setdefault(variant, {}).setdefault(data.key, {})
            todo = [s for s in args.seeds if str(s) not in done]
            if not todo:
                continue
            if kind not in matrices:
                matrices[kind] = features(kind, data)
            for seed in todo:
                t0 = time.perf_counter()
                ranker = Candidate(matrices[kind], model, settings, seed)
                order = replay(ranker, data.labels, draw_prior(data.labels, seed), args.step)
                done[str(seed)] = {**score(order, data.labels), "seconds": time.perf_counter() - t0}
            path.write_text(json.dumps(results) + "\n")
            m = statistics.mean(r["wss_at_95"] for r in done.values())
            print(f"{data.key:<26} {variant:<12} WSS@95 {m:.3f} "
                  f"({statistics.mean(r['seconds'] for r in done.values()):.1f} s/run)", flush=True)

    keys = [d.key for d in datasets]
    variants = [v for v in args.variants if all(k in results.get(v, {}) for k in keys)]
    print(f"\nscheduled retraining (step {args.step}); mean over seeds {args.seeds}\n")
    print("| variant | " + " | ".join(keys) + " | mean WSS@95 | mean recall@10% |")
    print("| --- |" + " ---: |" * (len(keys) + 2))
    for v in variants:
        w = [statistics.mean(r["wss_at_95"] for r in results[v][k].values()) for k in keys]
        r10 = [statistics.mean(r["recall_at_10pct"] for r in results[v][k].values()) for k in keys]
        print(f"| {v} | " + " | ".join(f"{x:.3f}" for x in w) + f" | {statistics.mean(w):.3f} | "
              f"{statistics.mean(r10):.3f} |")
    if "elas_u4" not in variants:
        return
    print("\nper set, minus elas_u4 (WSS@95; recall@10%):\n")
    for v in variants:
        dw = [statistics.mean(r["wss_at_95"] for r in results[v][k].values())
              - statistics.mean(r["wss_at_95"] for r in results["elas_u4"][k].values()) for k in keys]
        dr = [statistics.mean(r["recall_at_10pct"] for r in results[v][k].values())
              - statistics.mean(r["recall_at_10pct"] for r in results["elas_u4"][k].values()) for k in keys]
        print(f"| {v} | " + " | ".join(f"{d:+.3f}" for d in dw) + f" | {statistics.mean(dw):+.3f} | "
              f"{statistics.mean(dr):+.3f} |")
    for rule in ("target", "mean"):
        print(f"\nleave-one-review-out, rule {rule!r}: chosen on the other sets, scored on the held-out one\n")
        print("| held-out set | chosen | WSS@95 | recall@10% | elas_u4 WSS@95 (same schedule) |")
        print("| --- | --- | ---: | ---: | ---: |")
        for row in cross_validate(results, variants, keys, rule):
            print(f"| {row['held_out']} | {row['chosen']} | {row['wss_at_95']:.3f} | "
                  f"{row['recall_at_10pct']:.3f} | {row['elas_u4_wss_at_95']:.3f} |")


if __name__ == "__main__":
    main()
