"""Our prioritisation against ASReview's default model on every labelled review, same start.

For each labelled set of benchmarks/screening_sets.py (ten reviews: Nagtegaal 2019,
Kitchenham 2010 and eight Cohen et al. 2006 drug-class reviews; final inclusion labels) and
each seed, ours (:func:`review.screening.simulate.simulate`, retraining after every
decision, the default model) and ``asreview simulate`` 3.0.8 with its default model
(ELAS u4) start from the same two records (one relevant, one irrelevant, drawn with the
seed; ASReview gets them via ``--prior-idx``), and both labelling orders are scored by the
same metric code: WSS@95 (Cohen et al. 2006), recall after 10% of the records screened,
records screened to find every relevant one, seconds per simulation.

ASReview's orders are cached (``CACHE/asreview``, see screening_sets.py), so a rerun costs
only our side. The stopping estimate (:mod:`review.screening.stopping`) is checked on both
orders: at 10%, 20%, ... 90% of the records screened, while relevant records remain, how
often the true number remaining is within the stated 95% bound (and at most the median
estimate).

With ``--model NAME`` (a candidate of issue 21) ours is that model and our ELAS u4 is
replayed beside it from the same starting records (``elas-u4`` columns; also ``--baseline``);
``--candidates`` prints the leave-one-review-out table of every candidate from
benchmarks/screening_model_search.py's results and benchmarks/ranking_speed.py's timings.

    python benchmarks/screening_simulation.py [--seeds 0 1 2] [--sets NAME ...] [--model NAME]
        [--retrain-every K] [--cache DIR] [--asreview PATH | --no-asreview] [--json FILE] [--plot FILE]
    python benchmarks/screening_simulation.py --report FILE   # re-print a saved --json
    python benchmarks/screening_simulation.py --candidates    # every candidate, leave-one-review-out
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening_descriptions import DESCRIPTIONS  # noqa: E402
from screening_sets import SETS, asreview_run, cache_dir, find_asreview, load  # noqa: E402

from review.screening.prioritise import Ranker  # noqa: E402
from review.screening.simulate import draw_prior, recall_at, screened_to_recall, simulate, wss  # noqa: E402
from review.screening.stopping import estimate_remaining  # noqa: E402

CHECKPOINTS = tuple(round(0.1 * i, 1) for i in range(1, 10))
#: "ours" is the chosen model; "asreview" ASReview 3.0.8's runs (cached or run); "elas-u4" our
#: faithful ELAS u4 from the same starts (when ours is another model, or with --baseline).
TOOLS = ("ours", "asreview", "elas-u4")


def metrics(order: list[int], labels: np.ndarray) -> dict[str, float | int | None]:
    seq = labels[order].tolist()
    n, r = len(labels), int(labels.sum())
    return {"wss_at_95": wss(seq, n, r, 0.95), "recall_at_10pct": recall_at(seq, n, r, 0.10),
            "screened_to_find_all": screened_to_recall(seq, r, 1.0)}


def calibration(order: list[int], labels: np.ndarray) -> list[dict]:
    """The stopping estimate at each checkpoint the replay reached with relevant records left."""
    n, relevant = len(labels), int(labels.sum())
    seq = labels[order].astype(int)
    rows = []
    for fraction in CHECKPOINTS:
        screened = int(np.ceil(fraction * n))
        if screened > len(seq):
            break
        found = int(seq[:screened].sum())
        if found == relevant:
            break
        est = estimate_remaining(seq[:screened].tolist(), n)
        rows.append({"fraction": fraction, "screened": screened, "found": found,
                     "true_remaining": relevant - found, "expected": est.expected, "high": est.high,
                     "p_missed_target": est.p_missed_target})
    return rows


def summary(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def report(all_runs: list[dict]) -> None:
    """Print the comparison table (runs with both sides), the shortfalls and the
    calibration table (every run, each tool's own)."""
    runs = [r for r in all_runs if "ours" in r]
    tools = [t for t in TOOLS if all(t in r for r in runs)]
    order = [name for name, _ in SETS]
    keys = sorted(dict.fromkeys(r["set"] for r in runs),
                  key=lambda k: order.index(k) if k in order else len(order))
    seeds = sorted({r["seed"] for r in runs})
    print(f"seeds {' '.join(map(str, seeds))}; mean [min-max] over seeds; "
          f"{runs[0].get('model', '')}\n")
    head = "| set | records | relevant |"
    rule = "| --- | ---: | ---: |"
    for tool in tools:
        head += f" WSS@95 {tool} | recall@10% {tool} | to find all {tool} | s/sim {tool} |"
        rule += " --- | --- | ---: | ---: |"
    print(head)
    print(rule)
    means: dict[str, dict[str, list[float]]] = {t: {"w": [], "r": [], "a": [], "s": []} for t in tools}
    for key in keys:
        rows = [r for r in runs if r["set"] == key]
        line = f"| {key} | {rows[0]['records']} | {rows[0]['relevant']} |"
        for tool in tools:
            w = [r[tool]["wss_at_95"] for r in rows]
            r10 = [r[tool]["recall_at_10pct"] for r in rows]
            a = [r[tool]["screened_to_find_all"] for r in rows]
            s = [r[tool]["seconds"] for r in rows]
            line += f" {summary(w)} | {summary(r10)} | {statistics.mean(a):.0f} | {statistics.mean(s):.1f} |"
            for k, v in (("w", w), ("r", r10), ("a", a), ("s", s)):
                means[tool][k].append(statistics.mean(v))
        print(line)
    line = "| **mean** | | |"
    for tool in tools:
        m = means[tool]
        line += (f" **{statistics.mean(m['w']):.3f}** | **{statistics.mean(m['r']):.3f}** | "
                 f"{statistics.mean(m['a']):.0f} | {statistics.mean(m['s']):.1f} |")
    print(line)
    line = "| worst set | | |"
    for tool in tools:
        m = means[tool]
        worst = int(np.argmin(m["w"]))
        line += f" {m['w'][worst]:.3f} ({keys[worst]}) | {min(m['r']):.3f} | | |"
    print(line)
    for other in tools[1:]:
        dw = [o - a for o, a in zip(means["ours"]["w"], means[other]["w"], strict=True)]
        dr = [o - a for o, a in zip(means["ours"]["r"], means[other]["r"], strict=True)]
        print(f"\nours - {other}, per set: WSS@95 {' '.join(f'{d:+.3f}' for d in dw)}; "
              f"recall@10% {' '.join(f'{d:+.3f}' for d in dr)}")
        print(f"WSS@95 at least {other}'s on {sum(d >= 0 for d in dw)} of {len(dw)} sets; "
              f"largest shortfall {min(dw):+.3f} ({keys[int(np.argmin(dw))]}); "
              f"mean {statistics.mean(dw):+.3f}; recall@10% mean {statistics.mean(dr):+.3f}")
    per_seed(runs, tools)
    calibration_table(all_runs)


def per_seed(runs: list[dict], tools: list[str]) -> None:
    """WSS@95 and recall@10% per set and seed, ours beside the others from the same start."""
    if len(tools) < 2:
        return
    print("\nper set and seed (same two starting records):\n")
    print("| set | seed | prior | " + " | ".join(f"WSS@95 {t} | recall@10% {t}" for t in tools) + " |")
    print("| --- | ---: | --- |" + " ---: | ---: |" * len(tools))
    for r in runs:
        cells = " | ".join(f"{r[t]['wss_at_95']:.3f} | {r[t]['recall_at_10pct']:.3f}" for t in tools)
        print(f"| {r['set']} | {r['seed']} | {r.get('prior', '')} | {cells} |")


def calibration_table(runs: list[dict]) -> None:
    """How often the truth was within the stopping bound, per checkpoint and overall."""
    tools = [t for t in TOOLS if any(f"calibration_{t}" in r for r in runs)]
    counts = ", ".join(f"{t}: {sum(f'calibration_{t}' in r for r in runs)} runs" for t in tools)
    print("\nStopping estimate (upper bound at 95% confidence; median estimate), at each share "
          f"of records screened while relevant records remained ({counts}):\n")
    head = "| screened |"
    rule = "| ---: |"
    for tool in tools:
        head += (f" checks {tool} | truth <= bound {tool} | truth <= median {tool} | "
                 f"mean bound / truth {tool} |")
        rule += " ---: | ---: | ---: | --- |"
    print(head)
    print(rule)
    total: dict[str, list[int]] = {t: [0, 0, 0] for t in tools}
    for fraction in CHECKPOINTS:
        line = f"| {fraction:.0%} |"
        for tool in tools:
            cs = [c for r in runs for c in r.get(f"calibration_{tool}", [])
                  if c["fraction"] == fraction and c["high"] is not None]
            if not cs:
                line += " 0 | | | |"
                continue
            inside = sum(c["true_remaining"] <= c["high"] for c in cs)
            median = sum(c["true_remaining"] <= c["expected"] for c in cs)
            total[tool] = [total[tool][0] + len(cs), total[tool][1] + inside, total[tool][2] + median]
            line += (f" {len(cs)} | {inside / len(cs):.0%} | {median / len(cs):.0%} | "
                     f"{statistics.mean(c['high'] for c in cs):.1f} / "
                     f"{statistics.mean(c['true_remaining'] for c in cs):.1f} |")
        print(line)
    line = "| **all** |"
    for tool in tools:
        n, inside, median = total[tool]
        line += f" {n} | **{inside / max(n, 1):.1%}** | {median / max(n, 1):.1%} | |" if n else " 0 | | | |"
    print(line)
    for tool in tools:
        stops = [(c["fraction"], c["true_remaining"]) for r in runs for c in r.get(f"calibration_{tool}", [])
                 if c["p_missed_target"] is not None and c["p_missed_target"] < 0.05]
        print(f"\n{tool}: the 95%-recall stopping criterion (p < 0.05) was met at {len(stops)} "
              "checkpoints while relevant records remained", end="")
        if stops:
            runs_with = [r for r in runs if any(c["p_missed_target"] is not None and c["p_missed_target"] < 0.05
                                               for c in r.get(f"calibration_{tool}", []))]
            below = sum(1 for r in runs_with
                        for c in [next(c for c in r[f"calibration_{tool}"]
                                       if c["p_missed_target"] is not None and c["p_missed_target"] < 0.05)]
                        if c["found"] < 0.95 * r["relevant"])
            print(f"; recall was below 95% at the first of them in {below} of {len(runs_with)} runs", end="")
        print()


def add_asreview_only(runs: list[dict], cache: Path, seeds: list[int]) -> None:
    """Add ASReview's cached runs that ours has not matched yet (for its calibration)."""
    have = {(r["set"], r["seed"]) for r in runs}
    for name, column in SETS:
        for seed in seeds:
            path = cache / "asreview" / f"{name}-{column}-{seed}.json"
            data = None
            if (name, seed) in have or not path.exists():
                continue
            data = load(name, column, cache)
            order = json.loads(path.read_text(encoding="utf-8"))["order"]
            runs.append({"set": data.key, "seed": seed, "records": len(data.labels),
                         "relevant": int(data.labels.sum()), "labels": data.labels.astype(int).tolist(),
                         "order_asreview": order,
                         "asreview": {**metrics(order, data.labels), "seconds": float("nan")},
                         "calibration_asreview": calibration(order, data.labels)})


def add_cached_asreview(runs: list[dict], cache: Path) -> None:
    """Fill in ASReview's side of saved runs from the cache where it was missing."""
    for run in runs:
        if "asreview" in run:
            continue
        name, _, column = run["set"].partition(":")
        path = cache / "asreview" / f"{name}-{column or 'label_included'}-{run['seed']}.json"
        if path.exists():
            theirs = json.loads(path.read_text(encoding="utf-8"))
            labels = np.array(run["labels"])
            run["order_asreview"] = theirs["order"]
            run["asreview"] = {**metrics(theirs["order"], labels), "seconds": theirs["seconds"]}
            run["calibration_asreview"] = calibration(theirs["order"], labels)


def plot(runs: list[dict], path: Path) -> None:
    """Recall curves, one panel per set: ours and ASReview, every seed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    keys = list(dict.fromkeys(r["set"] for r in runs))
    cols = 5
    rows_n = (len(keys) + cols - 1) // cols
    fig = Figure(figsize=(3.2 * cols, 2.9 * rows_n))
    colours = {"ours": "#1f5fa8", "asreview": "#d9822b", "elas-u4": "#d9822b"}
    for k, key in enumerate(keys):
        ax = fig.add_subplot(rows_n, cols, k + 1)
        for r in (r for r in runs if r["set"] == key):
            for tool in ("asreview", "elas-u4", "ours"):  # ours drawn thin over ELAS u4's wide line
                if f"order_{tool}" not in r:
                    continue
                labels = np.array(r["labels"])
                found = np.cumsum(labels[r[f"order_{tool}"]])
                x = np.r_[0, np.arange(1, found.size + 1), r["records"]] / r["records"]
                y = np.r_[0, found, found[-1]] / r["relevant"]
                ax.plot(x, y, color=colours[tool], linewidth=0.9 if tool == "ours" else 2.6,
                        alpha=0.9 if tool == "ours" else 0.45,
                        label=tool if r["seed"] == min(rr["seed"] for rr in runs) else None)
        ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", linewidth=0.7)
        ax.axhline(0.95, color="#c0504d", linewidth=0.6, linestyle=":")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        rec = [r for r in runs if r["set"] == key][0]
        ax.set_title(f"{key} ({rec['records']}, {rec['relevant']} rel.)", fontsize=8)
        ax.tick_params(labelsize=7)
        if k % cols == 0:
            ax.set_ylabel("recall", fontsize=8)
        if k >= (rows_n - 1) * cols:
            ax.set_xlabel("share screened", fontsize=8)
        if k == 0:
            ax.legend(fontsize=7, loc="lower right")
        ax.grid(alpha=0.3)
    fig.suptitle("Recall against share of records screened: ours (thin blue) over ELAS u4 from the same "
                 "start (wide orange), every seed; where the orders agree the lines coincide", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def candidates(path: Path, cache: Path) -> None:
    """The leave-one-review-out table of every candidate (benchmarks/screening_model_search.py)."""
    import screening_model_search as search

    path = cache / "model_search-0.1.json" if str(path) == "-" else path
    results = json.loads(path.read_text(encoding="utf-8"))
    speed_path = cache / "ranking_speed.json"
    speed = json.loads(speed_path.read_text(encoding="utf-8")) if speed_path.exists() else {}
    keys = [name for name, _ in SETS]
    search.report(results, keys, [v for v in search.VARIANTS if v in results], speed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sets", nargs="+", default=None, help="set names (default: all ten)")
    parser.add_argument("--cache", default=None, help="cache directory (default /tmp/review-bench-cache)")
    parser.add_argument("--asreview", default=None, help="path to the asreview executable")
    parser.add_argument("--no-asreview", action="store_true", help="ours only (cached ASReview runs still shown)")
    parser.add_argument("--json", dest="json_out", type=Path, default=None, help="write every run here")
    parser.add_argument("--plot", type=Path, default=None, help="write the recall curves here (PNG)")
    parser.add_argument("--all-cached", action="store_true",
                        help="with --report: calibrate on every cached ASReview run, ours or not")
    parser.add_argument("--resume", action="store_true", help="keep the runs already in --json, do the rest")
    parser.add_argument("--model", default=Ranker.DEFAULT_MODEL, choices=Ranker.MODELS,
                        help="our model (default: the default of review screen)")
    parser.add_argument("--baseline", action="store_true",
                        help="also replay our ELAS u4 from the same starts (always, when --model is another)")
    parser.add_argument("--retrain-every", type=int, default=1, help="ours and our ELAS u4 (1: like ASReview)")
    parser.add_argument("--candidates", type=Path, nargs="?", const=Path("-"), default=None,
                        help="print the leave-one-review-out table of every candidate from the model "
                             "search's results (default CACHE/model_search-0.1.json), run nothing")
    parser.add_argument("--report", type=Path, nargs="+", default=None,
                        help="re-print saved --json files (runs of several are merged), run nothing")
    args = parser.parse_args()
    if args.candidates is not None:
        candidates(args.candidates, cache_dir(args.cache))
        return
    if args.report:
        merged = [run for path in args.report for run in json.loads(path.read_text(encoding="utf-8"))]
        runs = list({(r["set"], r["seed"]): r for r in reversed(merged)}.values())[::-1]  # first of each
        add_cached_asreview(runs, cache_dir(args.cache))
        if args.all_cached:
            add_asreview_only(runs, cache_dir(args.cache), args.seeds)
        report(runs)
        if args.plot:
            plot(runs, args.plot)
        return

    cache = cache_dir(args.cache)
    exe = None if args.no_asreview else find_asreview(args.asreview)
    model = Ranker(["a b"], model=args.model).description
    baseline = args.baseline or args.model != "elas-u4"
    print(f"ours: {model}; asreview: {'at ' + exe if exe else 'cached runs only'}"
          f"{'; our elas-u4 from the same starts' if baseline else ''}; retrain every {args.retrain_every}")
    runs: list[dict] = []
    if args.resume and args.json_out and args.json_out.exists():
        runs = json.loads(args.json_out.read_text(encoding="utf-8"))
    done = {(r["set"], r["seed"]) for r in runs}
    started = time.perf_counter()
    chosen = [(n, c) for n, c in SETS if not args.sets or n in args.sets]
    # seed by seed, so a run stopped early has every set at least once
    for seed, (name, column) in ((s, nc) for s in args.seeds for nc in chosen):
        data = load(name, column, cache)
        if (data.key, seed) in done:
            continue
        prior = draw_prior(data.labels, seed)
        t0 = time.perf_counter()
        ours = simulate(data.csv, seed=seed, prior=prior, model=args.model, retrain_every=args.retrain_every,
                        protocol=DESCRIPTIONS[name])
        run = {"set": data.key, "seed": seed, "prior": prior, "records": len(data.labels),
               "relevant": int(data.labels.sum()), "model": model,
               "labels": data.labels.astype(int).tolist(), "order_ours": ours.order,
               "ours": {**metrics(ours.order, data.labels), "seconds": time.perf_counter() - t0},
               "calibration_ours": calibration(ours.order, data.labels)}
        if baseline:
            t0 = time.perf_counter()
            base = simulate(data.csv, seed=seed, prior=prior, model="elas-u4", retrain_every=args.retrain_every)
            run["order_elas-u4"] = base.order
            run["elas-u4"] = {**metrics(base.order, data.labels), "seconds": time.perf_counter() - t0}
            run["calibration_elas-u4"] = calibration(base.order, data.labels)
        theirs = asreview_run(data, seed, cache, exe)
        if theirs is not None:
            run["order_asreview"] = theirs["order"]
            run["asreview"] = {**metrics(theirs["order"], data.labels), "seconds": theirs["seconds"]}
            run["calibration_asreview"] = calibration(theirs["order"], data.labels)
        runs.append(run)
        line = f"{data.key} seed {seed}: ours WSS@95 {run['ours']['wss_at_95']:.3f}"
        for other in ("elas-u4", "asreview"):
            if other in run:
                line += f", {other} {run[other]['wss_at_95']:.3f}"
        print(line, flush=True)
        if args.json_out:  # after every run: a long benchmark stopped early keeps what it did
            args.json_out.write_text(json.dumps(runs) + "\n", encoding="utf-8")
    print(f"\n{time.perf_counter() - started:.0f} s in all\n")
    report(runs)
    if args.plot:
        plot(runs, args.plot)
        print(f"\nwrote {args.plot}")


if __name__ == "__main__":
    main()
