"""How fast theory testing and the studies sheet are at the size of a large realist review.

Builds a workspace in a temporary folder: N reports grouped into studies (three reports a
study), T theories in three topics, F fragments each linked to one or two theories; then
times `theories_report` (what `review theories --json` prints), the studies sheet export and
re-import (nothing to change), and the replay of a theory-changes log. Prints the figures.

    .venv/bin/python benchmarks/theories_scale.py [--reports 600] [--theories 150] [--fragments 20000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from review.extraction.tables import fragment_theories, fragments
from review.screening.decisions import record_decision
from review.screening.fulltext import mark_retrieved
from review.store import now, schema
from review.studies import export_studies, import_studies, workspace_protocol
from review.synthesis import export_theory_changes, load_model, refine_theory, theories_report
from review.synthesis.changes import replay_changes
from review.workspace import Workspace


def build(root: Path, reports: int, theories: int, count: int, seed: int) -> Workspace:
    rng = random.Random(seed)
    ws = Workspace.create(root, title="Benchmark")
    stamp = now()
    with ws.store().transaction() as conn:
        conn.execute(insert(schema.works), [{"title": f"Report {i}", "year": 2000 + i % 20, "rule": "single",
                                             "created_at": stamp, "updated_at": stamp} for i in range(reports)])
        for work_id in range(1, reports + 1):
            record_decision(conn, work_id=work_id, stage="title-abstract", reviewer="a", decision="include")
    text = ws.path("fulltexts", "report.txt")
    text.parent.mkdir(exist_ok=True)
    text.write_text("A full text.\n", encoding="utf-8")
    with ws.store().transaction() as conn:  # a full-text decision needs a retrieved report
        for work_id in range(1, reports + 1):
            mark_retrieved(conn, work_id, file=text, actor="bench", root=ws.root)
            record_decision(conn, work_id=work_id, stage="full-text", reviewer="a", decision="include")
    topics = ("take-up", "positive", "negative")
    lines = ["topics:"] + [f"  - {{id: {t}, label: {t}}}" for t in topics] + ["theories:"]
    lines += [f"  - {{id: T{i}, topic: {topics[i % 3]}, label: Theory {i}, context: C{i}, outcome: O{i}}}"
              for i in range(1, theories + 1)]
    ws.path("protocols", "theories.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_model(ws, actor="bench")
    sheet = ws.path("extraction", "studies.csv")
    sheet.write_text("study,label,report\n" + "".join(f"#{w // 3 + 1},,{w}\n" for w in range(1, reports + 1)),
                     encoding="utf-8")
    import_studies(ws.store(), sheet, protocol=workspace_protocol(ws), actor="bench")
    parts = ("context", "mechanism_resource", "mechanism_reasoning", "outcome")
    with ws.store().transaction() as conn:
        rows = [{"work_id": rng.randint(1, reports), "quote": f"q{i}", "verified": "no-text", "evidence": "primary",
                 **{p: (f"{p} {i}" if rng.random() < 0.6 else None) for p in parts},
                 "coder": "a", "actor": "a", "created_at": stamp, "updated_at": stamp} for i in range(count)]
        conn.execute(insert(fragments), rows)
        links = []
        for fragment_id in range(1, count + 1):
            for theory in rng.sample(range(1, theories + 1), rng.choice((1, 2))):
                links.append({"fragment_id": fragment_id, "theory_id": f"T{theory}",
                              "direction": rng.choices(("supports", "refutes", "refines"), (8, 1, 1))[0]})
        conn.execute(insert(fragment_theories), links)
    for i in range(1, theories + 1, 3):
        refine_theory(ws, f"T{i}", changes={}, additions={"context": f"More {i}"}, reason="bench", actor="bench")
    return ws


def timed(label: str, function, repeat: int = 3) -> object:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--theories", type=int, default=150)
    parser.add_argument("--fragments", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ws = build(Path(folder) / "ws", args.reports, args.theories, args.fragments, args.seed)
        print(f"{args.reports} reports in {args.reports // 3 + 1} studies, {args.theories} theories, "
              f"{args.fragments} fragments")
        with ws.store().read() as conn:
            report = timed("theories_report (review theories --json)", lambda: theories_report(conn))
        statuses = {s: n for s, n in report["counts"].items() if n}
        print(f"{'':<48} statuses: {statuses}")
        out = Path(folder) / "studies.csv"
        with ws.store().read() as conn:
            timed("studies export", lambda: export_studies(conn, out, protocol=workspace_protocol(ws)))
        timed("studies import (the same sheet: no change)",
              lambda: import_studies(ws.store(), out, protocol=workspace_protocol(ws), actor="bench"))
        path, rows = export_theory_changes(ws, Path(folder) / "changes.csv")

        def replay() -> object:
            with ws.store().transaction() as conn:
                return replay_changes(conn, path, actor="bench")
        timed(f"theory-changes replay ({rows} rows, all recorded)", replay)
        ws.close()


if __name__ == "__main__":
    main()
