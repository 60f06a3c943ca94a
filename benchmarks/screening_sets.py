"""The labelled screening sets and ASReview's results on them, cached on disk.

Shared by benchmarks/screening_simulation.py (ours against ASReview) and
benchmarks/screening_model_search.py (the leave-one-review-out model choice).

The sets live beside the repository in ../shared/data/screening (see its MANIFEST): two
reviews from the social and software sciences (Nagtegaal 2019, Kitchenham 2010) and eight
drug-class reviews of Cohen et al. (2006). Their licences allow benchmarks; the Cohen sets
must never be copied into the repository, so every derived file goes to the cache
directory (default ``$REVIEW_BENCH_CACHE``, else ``/tmp/review-bench-cache``), never here.

ASReview (3.0.8, default model ELAS u4) runs from a separate venv: ``--asreview``,
``$ASREVIEW_BIN``, ``.venv-bench/bin/asreview`` (make it with ``python3 -m venv .venv-bench
&& .venv-bench/bin/pip install asreview==3.0.8``), else PATH. Its labelling order for one
set, label column and seed is kept in ``CACHE/asreview/SET-COLUMN-SEED.json``, so a rerun
of our side costs nothing on ASReview's.

    python benchmarks/screening_sets.py [--seeds 0 1 2] [--cache DIR]   # fill the cache
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.screening.simulate import draw_prior  # noqa: E402

SCREENING = ROOT.parent / "shared" / "data" / "screening"
#: (file stem, label column): every labelled review, final inclusion labels.
SETS: tuple[tuple[str, str], ...] = (
    ("Nagtegaal_2019", "label_included"),
    ("Kitchenham_2010", "label_included"),
    ("ACEInhibitors", "label_included"),
    ("ADHD", "label_included"),
    ("AtypicalAntipsychotics", "label_included"),
    ("CalciumChannelBlockers", "label_included"),
    ("Estrogens", "label_included"),
    ("OralHypoglycemics", "label_included"),
    ("SkeletalMuscleRelaxants", "label_included"),
    ("UrinaryIncontinence", "label_included"),
)


def cache_dir(given: str | Path | None = None) -> Path:
    """Where derived CSVs and ASReview's results go (never inside the repository)."""
    path = Path(given or os.environ.get("REVIEW_BENCH_CACHE") or "/tmp/review-bench-cache")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Dataset:
    """One labelled set, written as a plain CSV (title, abstract, label_included)."""

    name: str
    column: str
    csv: Path
    titles: list[str]
    texts: list[str]
    labels: np.ndarray
    #: keywords / authors / journal per record where the set has them (``;`` between terms).
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.name if self.column == "label_included" else f"{self.name}:{self.column}"


def load(name: str, column: str, cache: Path) -> Dataset:
    """Read a set and write its plain CSV into the cache (same rows, same order)."""
    frame = pd.read_csv(SCREENING / f"{name}.csv", dtype=str, keep_default_na=False)
    data = pd.DataFrame({"title": frame["title"], "abstract": frame["abstract"],
                         "label_included": frame[column].astype(int)})
    csv_path = cache / "csv" / f"{name}-{column}.csv"
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    if not csv_path.exists():
        data.to_csv(csv_path, index=False)
    titles = data["title"].tolist()
    texts = [f"{t} {a}".strip() for t, a in zip(titles, data["abstract"], strict=True)]
    fields = {f: frame[f].tolist() for f in ("keywords", "authors", "journal") if f in frame.columns}
    return Dataset(name, column, csv_path, titles, texts, data["label_included"].to_numpy(), fields)


def find_asreview(given: str | None = None) -> str | None:
    """The asreview executable: ``given``, $ASREVIEW_BIN, .venv-bench, PATH."""
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


def _project_order(project: Path) -> list[int]:
    """Record indices (0-based rows) in the order ASReview labelled them."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(project) as zf:
        zf.extract("results.db", tmp)
        con = sqlite3.connect(Path(tmp) / "results.db")
        try:
            return [int(r[0]) for r in con.execute("SELECT record_id FROM results ORDER BY rowid")]
        finally:
            con.close()


def asreview_run(data: Dataset, seed: int, cache: Path, exe: str | None) -> dict | None:
    """ASReview's labelling order for ``data`` from the seed's starting pair (cached).

    Returns ``{"order": [...], "seconds": s, "prior": [i, j]}``, or None when it is not
    cached and no executable is given.
    """
    path = cache / "asreview" / f"{data.name}-{data.column}-{seed}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    if exe is None:
        return None
    prior = draw_prior(data.labels, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "sim.asreview"
        cmd = [exe, "simulate", str(data.csv), "-o", str(project), "--seed", str(seed),
               "--prior-idx", *map(str, prior)]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"asreview failed on {data.csv.name} seed {seed}:\n{proc.stderr[-2000:]}")
        order = _project_order(project)
    if sorted(order[:2]) != sorted(prior):
        raise SystemExit(f"asreview started from {order[:2]}, not {prior}")
    result = {"order": order, "seconds": seconds, "prior": prior,
              "asreview": asreview_version(exe), "model": "elas_u4"}
    path.write_text(json.dumps(result) + "\n", encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Fill the cache of ASReview's runs.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cache", default=None)
    parser.add_argument("--asreview", default=None)
    args = parser.parse_args()
    cache = cache_dir(args.cache)
    exe = find_asreview(args.asreview)
    if exe is None:
        raise SystemExit("asreview not found")
    for name, column in SETS:
        data = load(name, column, cache)
        for seed in args.seeds:
            t0 = time.perf_counter()
            run = asreview_run(data, seed, cache, exe)
            assert run is not None
            print(f"{name} {column} seed {seed}: {len(run['order'])} screened, "
                  f"{run['seconds']:.1f} s ({time.perf_counter() - t0:.1f} s now)", flush=True)


if __name__ == "__main__":
    main()
