"""20 reviewers screening at once through `review serve` (real server processes), on both backends.

One workspace of ``--works`` works (default 3,000: titles and abstracts of the real
screening sets beside the repository, as benchmarks/web_screening.py builds it), two
reviewers per work, 20 accounts. For SQLite and then PostgreSQL (the same works, moved with
``review migrate --to``), ``review serve --workers W`` runs in a subprocess and 20 threads,
one per reviewer, each with its own kept-alive connection as a browser has, do:

- sign in, then the first ``GET /api/v1/screen/title-abstract/next`` (the reviewer's queue
  is built in the worker that answers: timed apart, as "first next"; the round trips start
  when every reviewer has it);
- then ``--decisions`` times: think (``--think`` seconds, uniform 0.5x-1.5x), then one round
  trip: ``GET .../next`` + ``POST .../decisions`` for that work, timed.

Printed per backend: median and 95th percentile of the round trip, the first next, and
errors (anything but 201 on a decision, or a failed request; a 409 is counted apart).
Target (issue 18), on PostgreSQL: median under 150 ms, p95 under 600 ms, no error.

    .venv/bin/python benchmarks/web_load.py [--works 3000] [--decisions 15] [--think 1.0] [--workers 2]

PostgreSQL: the server of ``--postgres-url`` (default ``$REVIEW_TEST_POSTGRES_URL``); a new
database is made and dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pg_scale import SERVER_ENV, create_database, drop_database  # noqa: E402
from web_screening import build  # noqa: E402

from tests.serve_support import Browser, serving  # noqa: E402

REVIEWERS = [f"R{i:02d}" for i in range(1, 21)]
PASSWORD = "benchmark password"
TARGET_MEDIAN_MS, TARGET_P95_MS = 150.0, 600.0
STAGE = "title-abstract"


def prepare(root: Path, works: int) -> None:
    """The workspace: ``works`` works, 20 accounts, two reviewers per work."""
    from review.web.accounts import add_user

    workspace = build(root, works)
    workspace.add_reviewers(REVIEWERS)
    store = workspace.store()
    for name in REVIEWERS:
        add_user(store, name, password=PASSWORD, role="reviewer", actor="benchmark")
    workspace.close()
    config = root / "review.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("reviewers_per_work = 1", "reviewers_per_work = 2"), encoding="utf-8")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.trips: list[float] = []
        self.first: list[float] = []
        self.errors: list[str] = []
        self.conflicts = 0


def reviewer(url: str, name: str, decisions: int, think: float, start: threading.Barrier, tally: Tally) -> None:
    rng = random.Random(name)
    me = Browser(url, name, keep=True)
    try:
        me.sign_in(PASSWORD)
        start.wait(timeout=600)
        t0 = time.perf_counter()
        status, body, _ = me.call("GET", f"/api/v1/screen/{STAGE}/next")
        with tally.lock:
            tally.first.append(time.perf_counter() - t0)
        start.wait(timeout=600)  # every queue built: then the screening itself
        for _ in range(decisions):
            time.sleep(think * rng.uniform(0.5, 1.5))
            t0 = time.perf_counter()
            status, body, _ = me.call("GET", f"/api/v1/screen/{STAGE}/next")
            if status != 200 or body["work"] is None:
                raise RuntimeError(f"next: {status} {body}")
            status, answer, _ = me.call("POST", f"/api/v1/screen/{STAGE}/decisions",
                                        {"work": body["work"]["id"], "decision": rng.choice(["include", "exclude"])})
            elapsed = time.perf_counter() - t0
            with tally.lock:
                if status == 201:
                    tally.trips.append(elapsed)
                elif status == 409:
                    tally.conflicts += 1
                else:
                    tally.errors.append(f"{name}: {status} {answer}")
    except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
        start.abort()  # nobody waits for this reviewer
        with tally.lock:
            tally.errors.append(f"{name}: {exc!r}")
    finally:
        me.close()


def run(root: Path, workers: int, decisions: int, think: float) -> Tally:
    tally = Tally()
    with serving(root, workers=workers, timeout=120) as server:
        start = threading.Barrier(len(REVIEWERS))
        threads = [threading.Thread(target=reviewer, args=(server.url, name, decisions, think, start, tally))
                   for name in REVIEWERS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return tally


def ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if q != 0.5 else 1000 * statistics.median(ordered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=3000)
    parser.add_argument("--decisions", type=int, default=15, help="Round trips per reviewer.")
    parser.add_argument("--think", type=float, default=1.0, help="Seconds a reviewer reads between decisions.")
    parser.add_argument("--workers", type=int, default=2, help="review serve --workers (2 cores here).")
    parser.add_argument("--postgres-url", default=os.environ.get(SERVER_ENV))
    args = parser.parse_args(argv)
    if not args.postgres_url:
        parser.error(f"give --postgres-url or set {SERVER_ENV}")
    from click.testing import CliRunner

    from review.cli import main as cli

    results: dict[str, Tally] = {}
    name = f"review_web_load_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        prepare(base, args.works)
        for backend in ("SQLite", "PostgreSQL"):
            root = Path(tmp) / backend
            shutil.copytree(base, root)
            if backend == "PostgreSQL":
                url = create_database(args.postgres_url, name)
                moved = CliRunner().invoke(cli, ["-C", str(root), "migrate", "--to", url])
                if moved.exit_code != 0:
                    raise SystemExit(moved.output)
            try:
                results[backend] = run(root, args.workers, args.decisions, args.think)
            finally:
                if backend == "PostgreSQL":
                    drop_database(args.postgres_url, name)
    print(f"{len(REVIEWERS)} reviewers at once, {args.works:,} works, review serve --workers {args.workers}, "
          f"{args.decisions} decisions each, think {args.think:g} s")
    print("| backend | round trips | median ms | p95 ms | max ms | first next median ms | 409 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend, t in results.items():
        print(f"| {backend} | {len(t.trips)} | {ms(t.trips, 0.5):.0f} | {ms(t.trips, 0.95):.0f} | "
              f"{1000 * max(t.trips, default=float('nan')):.0f} | {ms(t.first, 0.5):.0f} | {t.conflicts} | {len(t.errors)} |")
    for backend, t in results.items():
        for error in t.errors[:5]:
            print(f"{backend} error: {error}")
    pg = results["PostgreSQL"]
    met = ms(pg.trips, 0.5) < TARGET_MEDIAN_MS and ms(pg.trips, 0.95) < TARGET_P95_MS and not pg.errors
    print(f"PostgreSQL target (median < {TARGET_MEDIAN_MS:g} ms, p95 < {TARGET_P95_MS:g} ms, no error): "
          f"{'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
