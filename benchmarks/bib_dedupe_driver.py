"""Run bib-dedupe on one CSV and print its duplicate groups as JSON (for dedup_accuracy.py).

Runs inside a separate virtual environment that has bib-dedupe installed (it is not a
dependency of `review`):

    .venv-bench2/bin/python benchmarks/bib_dedupe_driver.py records.csv > groups.json

The CSV has bib-dedupe's columns (ID, ENTRYTYPE, title, author, year, journal, volume,
number, pages, doi, abstract). Output: {"groups": [[id, ...], ...], "seconds": float}, where
seconds covers prep, block, match and cluster (not reading the CSV or starting Python).
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd


def main(path: str) -> None:
    import bib_dedupe.bib_dedupe as bd

    records = pd.read_csv(path, dtype=str, keep_default_na=False)
    start = time.perf_counter()
    prepared = bd.prep(records, verbosity_level=0)
    pairs = bd.block(prepared, verbosity_level=0)
    matched = bd.match(pairs, verbosity_level=0)
    groups = bd.cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - start
    json.dump({"groups": [sorted(map(str, g)) for g in groups], "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
