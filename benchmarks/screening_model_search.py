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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening_descriptions import DESCRIPTIONS  # noqa: E402
from screening_sets import SETS, Dataset, cache_dir, load  # noqa: E402

from review.screening.prioritise import Ranker  # noqa: E402
from review.screening.simulate import draw_prior, recall_at, screened_to_recall, wss  # noqa: E402

#: The candidates: Ranker's models (docs/screening-prioritisation.md says what each does).
VARIANTS: tuple[str, ...] = ("elas-u4", "fields", "lsa", "ensemble", "resample", "explore",
                             "protocol", "combo", "fields@0.1", "fields@0.25", "combo-fast",
                             "combo-lite", "rerank")
#: Candidates whose setting is chosen inside each fold among replayed variants (issue 21's
#: second round): family -> its members, ELAS u4 among them (see :func:`inner_choice`).
NESTED: dict[str, tuple[str, ...]] = {"fields-nested": ("elas-u4", "fields@0.1", "fields@0.25", "fields")}
#: Retrain + re-rank at 10,000 records, at most this many times ELAS u4's (issue 21).
MAX_SLOWDOWN = 2.0
BASE = "elas-u4"


def candidate(variant: str, data: Dataset, seed: int) -> Ranker:
    """The candidate's Ranker over a set: its fields, and its description as the protocol.

    ``MODEL@W`` is the model with the field blocks' weight W (keywords; authors and journal
    0.4 W)."""
    model, _, weight = variant.partition("@")
    return Ranker(data.texts, seed=seed, model=model, fields=data.fields,
                  protocol=DESCRIPTIONS[data.name], field_weight=float(weight) if weight else None)


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


def _per_set(results: dict, variant: str, key: str, metric: str) -> float:
    return statistics.mean(r[metric] for r in results[variant][key].values())


def inner_choice(results: dict, members: Sequence[str], keys: Sequence[str]) -> str:
    """A nested family's member chosen on ``keys`` only: the rule without its +0.02, i.e. the
    highest mean WSS@95 among the members with no set more than 0.01 below ELAS u4 and mean
    recall@10% not below ELAS u4's (ELAS u4, a member, always qualifies)."""

    def diffs(v: str, metric: str) -> list[float]:
        return [_per_set(results, v, k, metric) - _per_set(results, BASE, k, metric) for k in keys]

    if not keys:
        return BASE
    pool = [v for v in members if v == BASE or (min(diffs(v, "wss_at_95")) >= -0.01
                                                  and statistics.mean(diffs(v, "recall_at_10pct")) >= 0)]
    return max(pool, key=lambda v: statistics.mean(diffs(v, "wss_at_95")))


def with_nested(results: dict, keys: Sequence[str], excluded: Sequence[str] = ()) -> dict:
    """``results`` plus each :data:`NESTED` family whose members are all there: its figures
    on a set are its member chosen without that set and without ``excluded`` (the outer
    fold's held-out set, so the choice never sees it)."""
    out = dict(results)
    for family, members in NESTED.items():
        if all(m in results for m in members):
            out[family] = {k: results[inner_choice(results, members, [j for j in keys
                                                                     if j != k and j not in excluded])][k]
                           for k in keys}
    return out


def shortfall(results: dict, variant: str, keys: Sequence[str],
              slowdown: dict[str, float] | None) -> dict[str, float]:
    """By how much ``variant`` misses each part of the rule on ``keys`` (empty: it qualifies):
    ``mean`` (WSS@95 gain short of +0.02), ``worst`` (a set's WSS@95 more than 0.01 below
    ELAS u4's), ``recall`` (mean recall@10% below ELAS u4's), ``speed`` (retrain time over
    ``MAX_SLOWDOWN`` times ELAS u4's; infinite when not timed)."""
    dw = [_per_set(results, variant, k, "wss_at_95") - _per_set(results, BASE, k, "wss_at_95") for k in keys]
    dr = [_per_set(results, variant, k, "recall_at_10pct") - _per_set(results, BASE, k, "recall_at_10pct")
          for k in keys]
    missed = {"mean": 0.02 - statistics.mean(dw), "worst": -0.01 - min(dw), "recall": -statistics.mean(dr),
              "speed": (slowdown or {}).get(variant, float("inf")) - MAX_SLOWDOWN}
    return {part: by for part, by in missed.items() if by > 1e-12}


def cross_validate(results: dict, variants: list[str], sets: list[str], rule: str = "target",
                   slowdown: dict[str, float] | None = None, held_out: list[str] | None = None) -> list[dict]:
    """Leave-one-review-out: for each set, the variant chosen on the others, scored on it.

    ``rule="target"`` (issue 21, fixed before the results): a variant qualifies on the other
    sets if its mean WSS@95 is at least 0.02 above ELAS u4's, no set's WSS@95 is more than
    0.01 below ELAS u4's, its mean recall@10% is not below ELAS u4's and its retrain at
    10,000 records is at most ``MAX_SLOWDOWN`` times ELAS u4's (``slowdown``; a variant
    not timed does not qualify); the qualifier with the highest mean WSS@95 is chosen, else
    ELAS u4. ``rule="mean"``: the highest mean WSS@95, however uneven.
    """

    def per_set(variant: str, key: str, metric: str) -> float:
        return statistics.mean(r[metric] for r in results[variant][key].values())

    def mean_wss(variant: str, keys: list[str]) -> float:
        return statistics.mean(per_set(variant, k, "wss_at_95") for k in keys)

    def meets_target(variant: str, keys: list[str]) -> bool:
        return not shortfall(results, variant, keys, slowdown)

    base_results, real_sets = results, [k for k in sets if k != "__all__"]
    rows = []
    for held in held_out or sets:
        train = [k for k in sets if k != held]
        results = with_nested(base_results, real_sets, [held] if held in real_sets else [])
        if held not in sets or held == "__all__":
            pool = [v for v in variants if meets_target(v, train)] or [BASE]
            rows.append({"held_out": held, "chosen": max(pool, key=lambda v: mean_wss(v, train))})
            continue
        pool = variants if rule == "mean" else [v for v in variants if meets_target(v, train)] or [BASE]
        best = max(pool, key=lambda v: mean_wss(v, train))
        rows.append({"held_out": held, "chosen": best,
                     "wss_at_95": per_set(best, held, "wss_at_95"),
                     "recall_at_10pct": per_set(best, held, "recall_at_10pct"),
                     "elas_u4_wss_at_95": per_set(BASE, held, "wss_at_95"),
                     "elas_u4_recall_at_10pct": per_set(BASE, held, "recall_at_10pct")})
    return rows


def choose(results: dict, variants: list[str], sets: list[str], slowdown: dict[str, float]) -> str:
    """The variant the "target" rule picks using every set (ELAS u4 if none qualifies)."""
    return cross_validate(results, variants, [*sets, "__all__"], "target", slowdown,
                          held_out=["__all__"])[0]["chosen"]


def goal_met(rows: list[dict]) -> bool:
    """Whether held-out figures meet issue 21's goal (mean +0.02, none below -0.01, recall@10%)."""
    dw = [r["wss_at_95"] - r["elas_u4_wss_at_95"] for r in rows]
    dr = [r["recall_at_10pct"] - r["elas_u4_recall_at_10pct"] for r in rows]
    return statistics.mean(dw) >= 0.02 and min(dw) >= -0.01 and statistics.mean(dr) >= 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--step", type=float, default=0.1)
    parser.add_argument("--sets", nargs="+", default=None, help="set names (default: all ten; a subset "
                        "while developing replays and reports only those)")
    parser.add_argument("--cache", default=None)
    parser.add_argument("--results", type=Path, default=None,
                        help="JSON of results (default CACHE/model_search-STEP.json)")
    args = parser.parse_args()
    cache = cache_dir(args.cache)
    path = args.results or cache / f"model_search-{args.step}.json"
    results: dict = json.loads(path.read_text()) if path.exists() else {}
    datasets = [load(name, column, cache) for name, column in SETS if args.sets is None or name in args.sets]
    # seed by seed, so a search stopped early has every set and variant at least once
    for seed in args.seeds:
        for data in datasets:
            for variant in args.variants:
                done = results.setdefault(variant, {}).setdefault(data.key, {})
                if str(seed) in done:
                    continue
                t0 = time.perf_counter()
                ranker = candidate(variant, data, seed)
                order = replay(ranker, data.labels, draw_prior(data.labels, seed), args.step)
                done[str(seed)] = {**score(order, data.labels), "seconds": time.perf_counter() - t0}
                path.write_text(json.dumps(results) + "\n")
                print(f"seed {seed} {data.key:<26} {variant:<10} WSS@95 {done[str(seed)]['wss_at_95']:.3f} "
                      f"({done[str(seed)]['seconds']:.1f} s)", flush=True)
    speed_path = cache / "ranking_speed.json"
    speed = json.loads(speed_path.read_text()) if speed_path.exists() else {}
    report(results, [d.key for d in datasets], args.variants, speed)


def qualified(results: dict, variant: str, keys: Sequence[str], slowdown: dict[str, float]) -> int:
    """On how many leave-one-out folds ``variant`` meets the rule on the other sets (a
    nested family's choice made without the held-out set)."""
    count = 0
    for held in keys:
        fold = with_nested(results, keys, [held])
        count += not shortfall(fold, variant, [k for k in keys if k != held], slowdown)
    return count


def missed_text(missed: dict[str, float]) -> str:
    """``mean 0.004, worst 0.015, speed x0.4`` (what :func:`shortfall` found), or ``nothing``."""
    if not missed:
        return "nothing: meets the goal"
    def text(part: str, by: float) -> str:
        if part != "speed":
            return f"{part} {by:.3f}"
        return "speed: not timed" if by == float("inf") else f"speed: {by + MAX_SLOWDOWN:.2f}x, over by {by:.2f}x"

    return ", ".join(text(part, by) for part, by in missed.items())


def retrain_ratios(speed: dict[str, float], variants: Sequence[str]) -> dict[str, float]:
    """Retrain + re-rank time at 10,000 records over ELAS u4's, per variant: ``MODEL@W`` takes
    its model's time (the same features and fits), a nested family its slowest member's."""
    if BASE not in speed:
        return {}
    ratios = {m: ms / speed[BASE] for m, ms in speed.items()}
    for v in variants:
        if "@" in v and v.partition("@")[0] in ratios:
            ratios[v] = ratios[v.partition("@")[0]]
    for family, members in NESTED.items():
        if all(m in ratios for m in members):
            ratios[family] = max(ratios[m] for m in members)
    return ratios


def report(results: dict, keys: list[str], wanted: Sequence[str], speed: dict[str, float]) -> None:
    """Print every candidate against ELAS u4, and the leave-one-review-out tables.

    Args:
        results: variant -> set -> seed -> metrics (the search's JSON).
        keys: the sets, in order.
        wanted: the variants to show (those with every set are shown).
        speed: model -> retrain + re-rank ms at 10,000 records (benchmarks/ranking_speed.py --json).
    """
    variants = [v for v in wanted if all(k in results.get(v, {}) for k in keys)]
    if BASE not in variants:
        print(f"no complete {BASE} results yet")
        return
    # only the seeds every variant has on every set (a search stopped early compares like with like)
    seeds = sorted(set.intersection(*(set(results[v][k]) for v in variants for k in keys)), key=int)
    results = {v: {k: {s: results[v][k][s] for s in seeds} for k in keys} for v in variants}
    slowdown = retrain_ratios(speed, variants)
    replayed = results
    results = with_nested(replayed, keys)  # for the tables: a family's member chosen without the set
    variants += [f for f, members in NESTED.items() if all(m in variants for m in members)]

    def per(v: str, k: str, metric: str) -> float:
        return statistics.mean(r[metric] for r in results[v][k].values())

    for family, members in NESTED.items():
        if family in results:
            picks = [inner_choice(replayed, members, [j for j in keys if j != k]) for k in keys]
            print(f"{family}: the member chosen without each set: "
                  + ", ".join(f"{k} {p}" for k, p in zip(keys, picks, strict=True)))
    print(f"\nscheduled retraining; WSS@95 per set, mean over seeds {' '.join(seeds)}\n")
    print("| candidate | " + " | ".join(keys) + " | mean |")
    print("| --- |" + " ---: |" * (len(keys) + 1))
    for v in variants:
        w = [per(v, k, "wss_at_95") for k in keys]
        print(f"| {v} | " + " | ".join(f"{x:.3f}" for x in w) + f" | {statistics.mean(w):.3f} |")
    print(f"\nWSS@95 minus {BASE}'s from the same starting pair, per set and seed ({'/'.join(seeds)})\n")
    print("| candidate | " + " | ".join(keys) + " |")
    print("| --- |" + " --- |" * len(keys))
    for v in variants:
        if v != BASE:
            print(f"| {v} | " + " | ".join("/".join(f"{results[v][k][s]['wss_at_95'] - results[BASE][k][s]['wss_at_95']:+.2f}"
                                                  for s in seeds) for k in keys) + " |")
    print(f"\nevery candidate against {BASE} from the same starts (all ten sets)\n")
    print("| candidate | mean WSS@95 | minus elas-u4 | worst set minus elas-u4 | recall@10% mean | minus elas-u4 "
          "| worst set recall@10% minus elas-u4 | retrain ms at 10,000 | x elas-u4 | folds it qualified on "
          "| short of the goal by (all ten sets) |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for v in variants:
        dw = [per(v, k, "wss_at_95") - per(BASE, k, "wss_at_95") for k in keys]
        dr = [per(v, k, "recall_at_10pct") - per(BASE, k, "recall_at_10pct") for k in keys]
        worst = int(np.argmin(dw))
        ms = f"{slowdown[v] * speed[BASE]:.0f}" if v in slowdown else "not timed"
        times = f"{slowdown[v]:.2f}" if v in slowdown else ""
        print(f"| {v} | {statistics.mean(per(v, k, 'wss_at_95') for k in keys):.3f} | {statistics.mean(dw):+.3f} | "
              f"{dw[worst]:+.3f} ({keys[worst]}) | {statistics.mean(per(v, k, 'recall_at_10pct') for k in keys):.3f} | "
              f"{statistics.mean(dr):+.3f} | {min(dr):+.3f} | {ms} | {times} | {qualified(replayed, v, keys, slowdown)} "
              f"| {missed_text(shortfall(results, v, keys, slowdown)) if v != BASE else '(the baseline)'} |")
    for rule in ("target", "mean"):
        rows = cross_validate(replayed, variants, keys, rule, slowdown)
        print(f"\nleave-one-review-out, rule {rule!r}: chosen on the other nine sets, scored on the held-out one\n")
        print("| held-out set | chosen | WSS@95 | elas-u4 WSS@95 | difference | recall@10% | elas-u4 recall@10% |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            print(f"| {row['held_out']} | {row['chosen']} | {row['wss_at_95']:.3f} | {row['elas_u4_wss_at_95']:.3f} | "
                  f"{row['wss_at_95'] - row['elas_u4_wss_at_95']:+.3f} | {row['recall_at_10pct']:.3f} | "
                  f"{row['elas_u4_recall_at_10pct']:.3f} |")
        dw = [r["wss_at_95"] - r["elas_u4_wss_at_95"] for r in rows]
        dr = [r["recall_at_10pct"] - r["elas_u4_recall_at_10pct"] for r in rows]
        print(f"held out: WSS@95 mean {statistics.mean(dw):+.3f}, worst {min(dw):+.3f}; recall@10% mean "
              f"{statistics.mean(dr):+.3f}; goal {'met' if goal_met(rows) else 'not met'}")
    chosen = choose(replayed, variants, keys, slowdown)
    print(f"\nthe rule on all ten sets picks {chosen}; default: "
          f"{chosen if goal_met(cross_validate(replayed, variants, keys, 'target', slowdown)) else BASE}")


if __name__ == "__main__":
    main()
