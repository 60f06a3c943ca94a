"""Dedup accuracy on the labelled sets in ../shared/data/dedup, side by side with bib-dedupe.

Each set is imported through our own importer (``review.corpus.import_files``) into a
fresh SQLite store, deduplicated with default settings and no human decisions, and scored
pairwise against its ground truth (see shared/data/MANIFEST.md):

- hair2023 diabetes and neuroimaging: the labelled CSV; truth = records sharing
  ``DuplicateID`` ("original" labels, Hair et al. 2023), and, in a second table, the rows of
  ``merged_record_ids.csv`` ("curated" labels, derived by bib-dedupe's authors);
- rathbone2015 cytology and haematology: the EndNote XML exports; truth = the rows of
  ``merged_record_ids.csv`` (ids of ``records_pre_merged.csv``, whose row i is XML record i).

bib-dedupe runs on the same records, exported from the same store, in its own virtual
environment (``--bib-dedupe-python``, default .venv-bench2/bin/python or .venv-bench) via
benchmarks/bib_dedupe_driver.py; its time covers prep, block, match and cluster.

    .venv/bin/python benchmarks/dedup_accuracy.py            # both tools, every set
    .venv/bin/python benchmarks/dedup_accuracy.py --no-bib-dedupe --sets haematology

Our time is the median of ``--repeat`` runs (default 3), each on a fresh copy of the
imported store: loading the records, deduplicating and writing the works.

Metrics: pairwise precision, recall and F1; "wrongly merged" = records in a pair merged
against the truth; "missed" = records in a true pair left apart.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from review.corpus import import_files
from review.corpus.dedup import dedup
from review.corpus.dedup import run as _loaded  # noqa: F401  (import time is not dedup time)
from review.corpus.normalise import format_authors
from review.errors import FormatError
from review.store import Store, schema

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "dedup"
SETS = {
    "diabetes": ("hair", DATA / "hair2023/diabetes/final_labelled_Diabetes_duplicates_calc_performance.csv"),
    "neuroimaging": ("hair", DATA / "hair2023/neuroimaging/final_labelled_Neuroimaging_duplicates_calc_performance.csv"),
    "cytology": ("rathbone", DATA / "rathbone2015/cytology_screening/Cytology screening.xml"),
    "haematology": ("rathbone", DATA / "rathbone2015/haematology/Haematology.xml"),
}


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    wrongly_merged: int
    missed: int
    seconds: float


def pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for group in groups:
        out.update(itertools.combinations(sorted(set(group)), 2))
    return out


def score(predicted: list[list[str]], truth: list[list[str]], seconds: float) -> Score:
    p, t = pairs(predicted), pairs(truth)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong = {r for pair in p - t for r in pair}
    missed = {r for pair in t - p for r in pair}
    return Score(precision, recall, f1, len(wrong), len(missed), seconds)


# -- loading ---------------------------------------------------------------------------


def _hair_as_ris(path: Path, out: Path) -> Path:
    """The labelled CSV as RIS (only used while no CSV importer is available)."""
    df = pd.read_csv(path, encoding="cp1252", encoding_errors="replace", dtype=str, keep_default_na=False)
    tags = (("TI", "Title"), ("AU", "Author"), ("PY", "Year"), ("JO", "Journal"), ("DO", "DOI"),
            ("SP", "Pages"), ("VL", "Volume"), ("IS", "Number"), ("AB", "Abstract"), ("SN", "ISBN"), ("UR", "Url"))
    lines = []
    for _, row in df.iterrows():
        lines.append("TY  - JOUR")
        for tag, column in tags:
            value = " ".join(str(row[column]).split())
            if value and value != "NA":
                lines.append(f"{tag}  - {value}")
        lines.append(f"ID  - {row['RecordID']}")
        lines.append("ER  - ")
        lines.append("")
    target = out / (path.stem + ".ris")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def import_set(name: str, store: Store, workdir: Path) -> tuple[str, float]:
    kind, path = SETS[name]
    start = time.perf_counter()
    how = "import_files"
    try:
        import_files(store, [path], actor="benchmark", source=name)
    except FormatError:
        if kind != "hair":
            raise
        ris = _hair_as_ris(path, workdir)
        import_files(store, [ris], actor="benchmark", source=name)
        how = "import_files (CSV rewritten as RIS: no CSV importer yet)"
    return how, time.perf_counter() - start


def truth_groups(name: str, labels: str) -> list[list[str]]:
    """Ground-truth groups as lists of source references (hair: RecordID; rathbone: position)."""
    kind, path = SETS[name]
    if kind == "hair" and labels == "original":
        df = pd.read_csv(path, encoding="cp1252", encoding_errors="replace", usecols=["RecordID", "DuplicateID"])
        return [[str(x) for x in g] for g in df.groupby("DuplicateID")["RecordID"].apply(list) if len(g) > 1]
    merged = pd.read_csv(path.parent / "merged_record_ids.csv")
    return [[str(int(x[3:])) for x in row.split(";")] for row in merged["merged_ids"]]


def record_keys(name: str, store: Store) -> dict[int, str]:
    """Record id -> the key the truth uses."""
    kind, _ = SETS[name]
    r = schema.records
    with store.read() as conn:
        rows = conn.execute(select(r.c.id, r.c.position, r.c.source_ref)).all()
    if kind == "hair":
        return {row.id: str(row.source_ref) for row in rows}
    return {row.id: str(row.position) for row in rows}


def our_groups(store: Store, key: dict[int, str]) -> list[list[str]]:
    r = schema.records
    with store.read() as conn:
        rows = conn.execute(select(r.c.id, r.c.work_id)).all()
    groups: dict[int, list[str]] = {}
    for row in rows:
        groups.setdefault(row.work_id, []).append(key[row.id])
    return [g for g in groups.values() if len(g) > 1]


# -- bib-dedupe ------------------------------------------------------------------------


def bib_dedupe_python(explicit: str | None) -> Path | None:
    for candidate in ([explicit] if explicit else []) + [".venv-bench2/bin/python", ".venv-bench/bin/python"]:
        path = Path(candidate) if Path(candidate).is_absolute() else ROOT / candidate
        if path.exists():
            check = subprocess.run([str(path), "-c", "import bib_dedupe"], capture_output=True)
            if check.returncode == 0:
                return path
    return None


def export_for_bib_dedupe(store: Store, out: Path) -> Path:
    """The store's records in bib-dedupe's columns (ID = our record id)."""
    r = schema.records
    with store.read() as conn:
        rows = conn.execute(select(r).order_by(r.c.id)).all()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages",
                         "doi", "abstract"])
        for row in rows:
            authors = json.loads(row.authors) if row.authors else []
            writer.writerow([row.id, "article", row.title or "", format_authors(authors).replace("; ", " and "),
                             row.year or "", row.journal or "", row.volume or "", row.issue or "",
                             row.pages or "", row.doi or "", row.abstract or ""])
    return out


def run_bib_dedupe(python: Path, store: Store, key: dict[int, str], workdir: Path) -> tuple[list[list[str]], float, float]:
    records = export_for_bib_dedupe(store, workdir / "bib_dedupe_records.csv")
    start = time.perf_counter()
    done = subprocess.run([str(python), str(ROOT / "benchmarks" / "bib_dedupe_driver.py"), str(records)],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    result = json.loads(done.stdout)
    groups = [[key[int(x)] for x in group] for group in result["groups"] if len(group) > 1]
    return groups, float(result["seconds"]), wall


# -- main ------------------------------------------------------------------------------


def table(rows: list[tuple[str, int, str, Score]]) -> str:
    head = ("| set | records | tool | precision | recall | F1 | wrongly merged | missed | seconds |\n"
            "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    lines = [head]
    for name, n, tool, s in rows:
        lines.append(f"| {name} | {n} | {tool} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | "
                     f"{s.wrongly_merged} | {s.missed} | {s.seconds:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--no-bib-dedupe", action="store_true", help="Only run our dedup.")
    parser.add_argument("--bib-dedupe-python", help="Python of a virtual environment with bib-dedupe.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of our dedup per set (the median counts).")
    args = parser.parse_args(argv)
    python = None if args.no_bib_dedupe else bib_dedupe_python(args.bib_dedupe_python)
    if not args.no_bib_dedupe and python is None:
        print("bib-dedupe not found: pip install bib-dedupe into .venv-bench2 (see docs/dedup.md)", file=sys.stderr)
    original: list[tuple[str, int, str, Score]] = []
    curated: list[tuple[str, int, str, Score]] = []
    figures: dict[str, dict[str, object]] = {}
    for name in args.sets:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            store = Store.open(f"sqlite:///{workdir / 'review.db'}")
            how, import_seconds = import_set(name, store, workdir)
            store.close()
            imported = workdir / "imported.db"
            shutil.copy(workdir / "review.db", imported)
            times = []
            for _ in range(args.repeat):  # each run on a fresh copy of the imported records
                shutil.copy(imported, workdir / "review.db")
                store = Store.open(f"sqlite:///{workdir / 'review.db'}")
                start = time.perf_counter()
                result = dedup(store, actor="benchmark")
                times.append(time.perf_counter() - start)
                store.close()
            store = Store.open(f"sqlite:///{workdir / 'review.db'}")
            ours_seconds = statistics.median(times)
            key = record_keys(name, store)
            ours = our_groups(store, key)
            theirs = None
            if python is not None:
                theirs, bd_seconds, bd_wall = run_bib_dedupe(python, store, key, workdir)
            primary = "original" if SETS[name][0] == "hair" else "curated"
            for labels, target in ((primary, original), ("curated", curated)):
                truth = truth_groups(name, labels)
                target.append((name, result.records, "review", score(ours, truth, ours_seconds)))
                if theirs is not None:
                    target.append((name, result.records, "bib-dedupe", score(theirs, truth, bd_seconds)))
            figures[name] = {"records": result.records, "import": how, "import_seconds": round(import_seconds, 2),
                             "dedup_seconds": round(ours_seconds, 3), "queue": result.queue_open,
                             "bib_dedupe_seconds": round(bd_seconds, 2) if theirs is not None else None,
                             "bib_dedupe_wall_seconds": round(bd_wall, 2) if theirs is not None else None}
            print(f"{name}: {result.records} records imported with {how} in {import_seconds:.1f} s; "
                  f"dedup {ours_seconds:.2f} s, {result.queue_open} pairs queued for a person", file=sys.stderr)
            store.close()
    print("Labels: hair2023 = original DuplicateID groups; rathbone2015 = merged_record_ids.csv\n")
    print(table(original))
    print("\nLabels: merged_record_ids.csv for every set (hair2023 curated by bib-dedupe's authors)\n")
    print(table(curated))
    ours_total = sum(s.seconds for _, _, tool, s in original if tool == "review")
    theirs_total = sum(s.seconds for _, _, tool, s in original if tool == "bib-dedupe")
    records_total = sum(n for _, n, tool, _ in original if tool == "review")
    print(f"\nTotal: {records_total} records; review {ours_total:.2f} s", end="")
    if theirs_total:
        print(f", bib-dedupe {theirs_total:.1f} s: {theirs_total / ours_total:.0f}x faster")
    else:
        print()
    if args.json:
        args.json.write_text(json.dumps({
            "sets": figures,
            "original": [{"set": n, "tool": t, **s.__dict__} for n, _, t, s in original],
            "curated": [{"set": n, "tool": t, **s.__dict__} for n, _, t, s in curated],
        }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
