"""Appraisal at the worked example's scale and plots at 60 reports: prints seconds per step.

    .venv/bin/python benchmarks/appraisal_speed.py

Copies the worked example into a temporary directory, runs `review run`, has two reviewers
answer every question of all 29 included reports through a sheet, then times import,
re-import (nothing changes), export (CSV, XLSX), the table, agreement, and both plots at 60
synthetic reports (PNG).
"""

from __future__ import annotations

import csv
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def review(*args: str) -> str:
    result = CliRunner().invoke(__import__("review.cli", fromlist=["main"]).main, list(args))
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return result.output


def timed(label: str, call) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    call()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")


def main() -> None:
    from test_appraisal_plots import synthetic

    from review.appraisal import plot_summary, plot_traffic_light

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        for name in ("corpus", "protocols", "extraction"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy(REPO / "review.toml", root / "review.toml")
        timed("review run (worked example)", lambda: review("-C", str(root), "run", "--actor", "bench"))
        template = Path(tmp) / "t.csv"
        review("-C", str(root), "appraise", "export", "--reviewer", "JM", "--output", str(template))
        rng = random.Random(1)
        with template.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        filled = []
        for name in ("JM", "SA"):
            for row in rows:
                answer = rng.choice(["yes", "yes", "yes", "no", "cant-tell"]) if row["item"] and row["category"] != "not-applicable" else ""
                filled.append({**row, "reviewer": name, "answer": answer})
        sheet = Path(tmp) / "both.csv"
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(filled)
        print(f"sheet: {len(filled)} rows, 29 reports, 2 reviewers")
        timed("appraise import (two reviewers)", lambda: review("-C", str(root), "appraise", "import", str(sheet)))
        timed("appraise import again (no change)", lambda: review("-C", str(root), "appraise", "import", str(sheet)))
        timed("appraise export CSV", lambda: review("-C", str(root), "appraise", "export", "--output", str(Path(tmp) / "o.csv")))
        timed("appraise export XLSX", lambda: review("-C", str(root), "appraise", "export", "--output", str(Path(tmp) / "o.xlsx")))
        timed("appraise table --json", lambda: review("-C", str(root), "appraise", "table", "--json"))
        print(review("-C", str(root), "appraise", "agreement").strip())
        table = synthetic(60)
        timed("traffic-light plot, 60 reports (PNG)", lambda: plot_traffic_light(table, Path(tmp) / "t.png"))
        timed("summary plot, 60 reports (PNG)", lambda: plot_summary(table, Path(tmp) / "s.png"))


if __name__ == "__main__":
    main()
