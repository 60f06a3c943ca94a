"""How long `review report` takes on a large review: 100,000 records, 200 included
documents (150 studies), 60 theories, 2,000 fragments, MMAT appraisals of every document.

    .venv/bin/python benchmarks/report_speed.py [--records 100000] [--keep DIR]

Builds the review in a temporary workspace (records, works and screening written straight
into the database; studies, theories, appraisals and fragments loaded from sheets through
the stages' own `review run` steps), then prints the seconds each output takes and the
total for `review report` (target: all reports in under 10 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from review.screening.tables import screening_decisions
from review.store import schema
from review.workspace import Workspace

NOW = "2026-01-01T00:00:00+00:00"
DATABASES = ("MEDLINE", "Embase", "PsycInfo", "CINAHL")
REASONS = ("E-TYPE-1", "E-POP-1", "E-INT-1")
WORDS = ("peer", "support", "perinatal", "mental", "health", "mothers", "depression", "anxiety", "group",
         "volunteer", "telephone", "community", "trial", "qualitative", "evaluation", "postnatal")


def _title(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {n}"


def build(root: Path, records: int, included: int, fragments: int, seed: int = 7) -> Workspace:
    rng = random.Random(seed)
    ws = Workspace.create(root, title="Report speed benchmark")
    store = ws.store()
    works = int(records * 0.8)
    candidates = included * 2  # passed title-abstract; half are included at full text
    with store.transaction() as conn:
        conn.execute(insert(schema.sources), [
            {"id": i + 1, "name": name, "kind": "database", "format": "ris", "file_name": f"{name}.ris",
             "path": f"corpus/{name}.ris", "sha256": f"{i:064d}", "encoding": "utf-8", "records_read": 0,
             "imported_at": NOW, "actor": "bench"} for i, name in enumerate(DATABASES)])
        conn.execute(insert(schema.works), [
            {"id": w, "title": _title(rng, w), "authors": json.dumps([{"family": f"Author{w % 997}", "given": "A"}]),
             "year": 1990 + w % 35, "type": rng.choice(("journal-article", "thesis", "report")), "rule": "single",
             "created_at": NOW, "updated_at": NOW} for w in range(1, works + 1)])
        rows, per_source = [], [0] * len(DATABASES)
        for r in range(1, records + 1):
            work = r if r <= works else rng.randint(1, works)
            source = r % len(DATABASES)
            per_source[source] += 1
            rows.append({"id": r, "source_id": source + 1, "position": per_source[source], "original": "{}",
                         "work_id": work, "title": f"record {r}"})
        conn.execute(insert(schema.records), rows)
        for i, n in enumerate(per_source):
            conn.execute(schema.sources.update().where(schema.sources.c.id == i + 1).values(records_read=n))
        decisions = [{"work_id": w, "stage": "title-abstract", "reviewer": "JM",
                      "decision": "include" if w <= candidates else "exclude",
                      "reason": None if w <= candidates else REASONS[w % 2], "kind": "decision",
                      "origin": "bench", "reviewers_per_work": 1, "created_at": NOW} for w in range(1, works + 1)]
        decisions += [{"work_id": w, "stage": "full-text", "reviewer": "JM",
                       "decision": "include" if w <= included else "exclude",
                       "reason": None if w <= included else REASONS[w % 3], "kind": "decision",
                       "origin": "bench", "reviewers_per_work": 1, "created_at": NOW}
                      for w in range(1, candidates + 1) if w % 50]
        conn.execute(insert(screening_decisions), decisions)
        from review.screening.fulltext import fulltext_reports

        conn.execute(insert(fulltext_reports), [
            {"work_id": w, "status": "retrieved" if w % 50 else "not-retrieved", "file": f"pdf/{w}.pdf" if w % 50 else None,
             "reason": None if w % 50 else "not available", "origin": "bench", "actor": "bench", "created_at": NOW}
            for w in range(1, candidates + 1)])
    ids = [w for w in range(1, included + 1) if w % 50]
    _sheets(ws.root, ids, fragments, rng)
    from review.pipeline import PIPELINE_STEPS

    for label, step in PIPELINE_STEPS:
        if label.startswith(("Dedup", "Loading screening", "Rendering")):
            continue
        result = step(ws, actor="bench")
        print(f"  {result.name}: {result.summary}", file=sys.stderr)
    return ws


def _sheets(root: Path, ids: list[int], fragments: int, rng: random.Random) -> None:
    topics = ("take-up", "positive", "negative")
    lines = ["topics:"] + [f"  - id: {t}\n    label: {t.capitalize()} theories" for t in topics] + ["theories:"]
    theory_ids = []
    for n in range(1, 61):
        topic = topics[n % 3]
        theory_ids.append(f"T{n}")
        lines.append(f"  - id: T{n}\n    topic: {topic}\n    label: Theory {n} about {rng.choice(WORDS)}\n"
                     f"    context: Context {n}\n    mechanism_resource: Resource {n}\n"
                     f"    mechanism_reasoning: Reasoning {n}\n    outcome: Outcome {n}")
    (root / "protocols" / "theories.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "protocols" / "studies.yaml").write_text(
        "unit: study\nunit_plural: studies\nfields:\n  - id: country\n    label: Country\n"
        "  - id: design\n    label: Design\n", encoding="utf-8")
    extraction = root / "extraction"
    (extraction / "texts").mkdir(parents=True, exist_ok=True)
    with (extraction / "studies.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["study", "label", "report", "country", "design"])
        for i, work in enumerate(ids):
            study = i * 3 // 4 + 1
            writer.writerow([f"#{study}", "", work, ("UK", "USA", "Canada")[study % 3], "qualitative"])
    with (extraction / "appraisals.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["report", "study", "instrument", "category", "item", "answer", "comment", "reviewer"])
        for i, work in enumerate(ids):
            study = f"#{i * 3 // 4 + 1}"
            writer.writerow([work, study, "mmat-2018", "1", "", "", "", "JM"])
            for item in ("S1", "S2", "1.1", "1.2", "1.3", "1.4", "1.5"):
                writer.writerow([work, study, "mmat-2018", "1", item, rng.choice(("yes", "no", "cant-tell")), "", "JM"])
    quotes = [f"Quote number {n}: mothers said peer support helped them ({rng.choice(WORDS)})." for n in range(fragments)]
    (extraction / "texts" / "source.md").write_text("\n\n".join(quotes) + "\n", encoding="utf-8")
    with (extraction / "fragments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["fragment_id", "report", "quote", "location", "context", "mechanism_resource",
                         "mechanism_reasoning", "outcome", "theories", "relevance", "rigour", "coder", "verified",
                         "evidence", "text"])
        for n, quote in enumerate(quotes):
            links = ";".join(rng.sample(theory_ids, 2))
            writer.writerow(["", ids[n % len(ids)], quote, f"p. {n % 30 + 1}", "C", "M", "R", "O", links,
                             rng.choice(("high", "moderate", "low")), rng.choice(("high", "moderate", "low")),
                             "JM", "", "secondary", "extraction/texts/source.md"])


def measure(ws: Workspace, out: Path) -> list[tuple[str, float, float]]:
    """(output, wall seconds, CPU seconds of this process) per output, then for all."""
    from review.reports import report

    timings = []
    for what, formats in (("prisma", ("svg", "html", "csv", "png", "pdf")),
                          ("tables", ("md", "html", "tex", "docx", "csv")), ("plots", ("svg", "png"))):
        for fmt in formats:
            start, cpu = time.perf_counter(), time.process_time()
            report(ws, what=[what], formats=[fmt], out=out)
            timings.append((f"{what} {fmt}", time.perf_counter() - start, time.process_time() - cpu))
    start, cpu = time.perf_counter(), time.process_time()
    files = report(ws, out=out).files
    timings.append((f"all reports ({len(files)} files)", time.perf_counter() - start, time.process_time() - cpu))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--included", type=int, default=204)  # 200 after the not-retrieved ones
    parser.add_argument("--fragments", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="build the review here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="report-speed-")) / "ws"
    start = time.perf_counter()
    ws = build(root, args.records, args.included, args.fragments)
    print(f"built in {time.perf_counter() - start:.1f} s: {args.records:,} records, "
          f"{args.fragments:,} fragments", file=sys.stderr)
    timings = measure(ws, root / "reports")
    width = max(len(name) for name, _s, _c in timings)
    print(f"{'output':<{width}}  wall s   CPU s")
    for name, seconds, cpu in timings:
        print(f"{name:<{width}}  {seconds:6.2f}  {cpu:6.2f}")
    total = timings[-1][1]
    print(f"target: all reports < 10 s: {'met' if total < 10 else 'NOT met'} ({total:.1f} s wall, "
          f"{timings[-1][2]:.1f} s CPU; the machine's load average was {os.getloadavg()[0]:.1f})")
    ws.close()
    if args.keep is None:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
