"""Our prioritisation against ASReview's default model, on the same data from the same start.

For each labelled set beside the repository (../shared/data/screening: Nagtegaal 2019 with
its final labels and with its title-abstract labels; Kitchenham 2010) and each seed, the
script writes one CSV (title, abstract, label_included), runs our simulation on it
(:func:`review.screening.simulate.simulate`, retraining after every decision) and
``asreview simulate`` with its default model on it, both starting from the same two records
(one relevant, one irrelevant, drawn with the seed; ASReview gets them via ``--prior-idx``),
and scores both labelling orders with the same metric code. ASReview runs in a subprocess
while ours runs here, so the two share the machine's two cores.

ASReview is found at ``--asreview``, else ``$ASREVIEW_BIN``, else ``.venv-bench/bin/asreview``
(make it with ``python3 -m venv .venv-bench && .venv-bench/bin/pip install asreview``), else
on PATH; without it, the script reports ours only and says so.

    python benchmarks/screening_simulation.py [--seeds 0 1 2 3 4] [--asreview PATH] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.screening.prioritise import Ranker  # noqa: E402
from review.screening.simulate import (  # noqa: E402
    draw_prior,
    recall_at,
    screened_to_recall,
    simulate,
    wss,
)

SCREENING = ROOT.parent / "shared" / "data" / "screening"
SETS = (
    ("Nagtegaal_2019", "label_included"),
    ("Nagtegaal_2019", "label_abstract_screening"),
    ("Kitchenham_2010", "label_included"),
)


def find_asreview(given: str | None) -> str | None:
    """The asreview executable: --asreview, $ASREVIEW_BIN, .venv-bench, PATH."""
    for candidate in (given, os.environ.get("ASREVIEW_BIN"), str(ROOT / ".venv-bench" / "bin" / "asreview")):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("asreview")


def asreview_version(exe: str) -> str:
    python = Path(exe).with_name("python")
    try:
        out = subprocess.run([str(python), "-c", "import asreview; print(asreview.__version__)"],
                             capture_output=True, text=True, timeout=120, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def asreview_order(project: Path) -> list[int]:
    """Record indices (0-based rows) in the order ASReview labelled them."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(project) as zf:
        zf.extract("results.db", tmp)
        con = sqlite3.connect(Path(tmp) / "results.db")
        try:
            return [int(r[0]) for r in con.execute("SELECT record_id FROM results ORDER BY rowid")]
        finally:
            con.close()


def metrics(order: list[int], labels: list[int]) -> dict[str, float | int | None]:
    seq = [labels[i] for i in order]
    n, r = len(labels), sum(labels)
    return {"wss_at_95": wss(seq, n, r, 0.95), "recall_at_10pct": recall_at(seq, n, r, 0.10),
            "screened_to_find_all": screened_to_recall(seq, r, 1.0)}


def summary(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--asreview", default=None, help="path to the asreview executable")
    parser.add_argument("--json", dest="json_out", type=Path, default=None, help="write every run here")
    parser.add_argument("--no-asreview", action="store_true", help="run ours only")
    parser.add_argument("--svm-c", type=float, default=None,
                        help=f"try another SVM C (default {Ranker.SVM_C}; elas_u4 has 0.11)")
    parser.add_argument("--svm-ratio", type=float, default=None,
                        help=f"try another balance ratio (default {Ranker.SVM_RATIO}; elas_u4 has 9.8)")
    args = parser.parse_args()
    if args.svm_c is not None:
        Ranker.SVM_C = args.svm_c
    if args.svm_ratio is not None:
        Ranker.SVM_RATIO = args.svm_ratio
    print(f"ours: {Ranker(['a b']).description}")

    exe = None if args.no_asreview else find_asreview(args.asreview)
    if args.no_asreview:
        print("ours only (--no-asreview)")
    elif exe is None:
        print("asreview not found (--asreview, $ASREVIEW_BIN, .venv-bench or PATH): ours only")
    else:
        print(f"asreview {asreview_version(exe)} at {exe}, default model (elas_u4)")
    runs: list[dict] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, column in SETS:
            frame = pd.read_csv(SCREENING / f"{name}.csv", dtype=str, keep_default_na=False)
            data = pd.DataFrame({"title": frame["title"], "abstract": frame["abstract"],
                                 "label_included": frame[column].astype(int)})
            csv_path = Path(tmp) / f"{name}-{column}.csv"
            data.to_csv(csv_path, index=False)
            labels = data["label_included"].tolist()
            for seed in args.seeds:
                prior = draw_prior(data["label_included"].to_numpy(), seed)
                proc = None
                project = Path(tmp) / f"{name}-{column}-{seed}.asreview"
                if exe is not None:
                    cmd = [exe, "simulate", str(csv_path), "-o", str(project), "--seed", str(seed),
                           "--prior-idx", *map(str, prior)]
                    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                t0 = time.perf_counter()
                ours = simulate(csv_path, seed=seed)
                run = {"set": name, "label": column, "seed": seed, "prior": prior,
                       "ours": {**metrics(ours.order, labels), "seconds": time.perf_counter() - t0},
                       "estimates": [vars(c) for c in ours.checkpoints]}
                assert ours.prior == prior
                if proc is not None:
                    _, err = proc.communicate()
                    if proc.returncode != 0:
                        sys.exit(f"asreview failed on {csv_path.name} seed {seed}:\n{err[-2000:]}")
                    order = asreview_order(project)
                    assert sorted(order[:2]) == sorted(prior), (order[:2], prior)
                    run["asreview"] = {**metrics(order, labels), "seconds": time.perf_counter() - t0}
                runs.append(run)
                line = f"{name} {column} seed {seed}: ours WSS@95 {run['ours']['wss_at_95']:.3f}"
                if "asreview" in run:
                    line += f", asreview {run['asreview']['wss_at_95']:.3f}"
                print(line, flush=True)

    print(f"\nseeds {' '.join(map(str, args.seeds))}; {time.perf_counter() - started:.0f} s in all; "
          "mean [min-max] over seeds\n")
    tools = ["ours"] + (["asreview"] if exe is not None else [])
    head = "| set | labels | records | relevant |"
    rule = "| --- | --- | ---: | ---: |"
    for tool in tools:
        head += f" WSS@95 {tool} | recall@10% {tool} | screened to find all {tool} |"
        rule += " --- | --- | ---: |"
    print(head)
    print(rule)
    for name, column in SETS:
        rows = [r for r in runs if r["set"] == name and r["label"] == column]
        frame = pd.read_csv(SCREENING / f"{name}.csv", dtype=str, keep_default_na=False)
        line = f"| {name} | {column} | {len(frame)} | {(frame[column] == '1').sum()} |"
        for tool in tools:
            line += (f" {summary([r[tool]['wss_at_95'] for r in rows])} |"
                     f" {summary([r[tool]['recall_at_10pct'] for r in rows])} |"
                     f" {statistics.mean([r[tool]['screened_to_find_all'] for r in rows]):.0f} |")
        print(line)
    print("\nOur estimate of relevant records remaining against the truth, mean over seeds:\n")
    print("| set | labels | screened | found | estimated remaining [95% interval] | truly remaining |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, column in SETS:
        rows = [r for r in runs if r["set"] == name and r["label"] == column]
        by_point: dict[int, list[dict]] = {}
        for r in rows:
            for c in r["estimates"]:
                by_point.setdefault(c["screened"], []).append(c)
        for screened, cs in sorted(by_point.items()):
            def avg(key: str, cs: list[dict] = cs) -> float:
                return statistics.mean(c[key] for c in cs)
            print(f"| {name} | {column} | {screened} | {avg('found'):.1f} | {avg('estimated_remaining'):.1f} "
                  f"[{avg('low'):.1f}-{avg('high'):.1f}] | {avg('true_remaining'):.1f} |")
    if args.json_out:
        args.json_out.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
