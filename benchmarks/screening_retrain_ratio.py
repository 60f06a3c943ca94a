"""Retrain + re-rank time of every candidate against ELAS u4's at 10,000 records, interleaved.

benchmarks/ranking_speed.py times one model after another in wall-clock time; on a shared
machine whose load changes by the minute, two models timed a minute apart are not
comparable (one run, at a load average of 10-17 on 2 cores, gave ELAS u4 201 ms and
``fields``, which does more, 107 ms). This script measures the same thing (ranking_speed.py's
corpus, decisions and metric: the worst over 50-9,000 decisions of the median of
``repeats`` retrains, each after one more decision) in **CPU time of this process**
(``time.process_time``: time spent waiting for a core is not counted; run with one BLAS
thread, ``OMP_NUM_THREADS=1``, so that threads do not add up), and times the models in
turn at every single retrain, so what load remains falls on all of them alike. Wall-clock
medians are printed too. It writes model -> CPU ms to ``CACHE/ranking_speed.json``, where
benchmarks/screening_model_search.py (and ``screening_simulation.py --candidates``) read
the ratios to ELAS u4's.

    python benchmarks/screening_retrain_ratio.py [--repeats 5] [--model elas-u4 fields ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ranking_speed import corpus  # noqa: E402
from screening_descriptions import DESCRIPTIONS  # noqa: E402
from screening_sets import cache_dir  # noqa: E402

from review.screening.prioritise import Ranker  # noqa: E402

BASE = "elas-u4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--model", nargs="+", default=list(Ranker.MODELS), choices=Ranker.MODELS)
    parser.add_argument("--json", dest="json_out", type=Path, default=None,
                        help="model -> worst median ms (default CACHE/ranking_speed.json)")
    args = parser.parse_args()
    models = [BASE, *(m for m in args.model if m != BASE)]
    texts, known, fields = corpus(args.records)
    rankers = {m: Ranker(texts, seed=0, model=m, fields=fields, protocol=DESCRIPTIONS["Nagtegaal_2019"])
               for m in models}
    rng = np.random.default_rng(1)  # ranking_speed.py's decisions
    known_order = [int(i) for i in rng.permutation(list(known))]
    first_relevant = next(i for i in known_order if known[i] == 1)
    known_order.remove(first_relevant)
    known_order.insert(0, first_relevant)
    others = [i for i in rng.permutation(len(texts)) if i not in known]
    pool = [int(i) for i in known_order + others]
    worst = dict.fromkeys(models, 0.0)
    print(f"{len(texts)} records; median CPU ms (wall ms) of {args.repeats} retrains, models timed in turn")
    print(f"{'decisions':>10} " + " ".join(f"{m:>16}" for m in models))
    for decisions in (50, 500, 2000, 5000, 9000):
        if decisions + args.repeats >= len(texts):
            continue
        labels = {i: known.get(i, 0) for i in pool[:decisions]}
        cpu: dict[str, list[float]] = {m: [] for m in models}
        wall: dict[str, list[float]] = {m: [] for m in models}
        for r in range(args.repeats):
            new = pool[decisions + r]
            labels[new] = known.get(new, 0)
            for m in models[r % len(models):] + models[: r % len(models)]:  # a different one first each time
                c0, t0 = time.process_time(), time.perf_counter()
                rankers[m].order(labels)
                cpu[m].append((time.process_time() - c0) * 1000)
                wall[m].append((time.perf_counter() - t0) * 1000)
        medians = {m: statistics.median(t) for m, t in cpu.items()}
        for m in models:
            worst[m] = max(worst[m], medians[m])
        print(f"{len(labels):>10} " + " ".join(f"{medians[m]:>7.1f} ({statistics.median(wall[m]):>6.1f})"
                                                for m in models))
    print("worst median CPU ms: " + ", ".join(f"{m} {worst[m]:.0f} (x{worst[m] / worst[BASE]:.2f})" for m in models))
    out = args.json_out or cache_dir() / "ranking_speed.json"
    out.write_text(json.dumps(worst) + "\n", encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
