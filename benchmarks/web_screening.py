"""The web app's screening round trip at scale: next work + decision, beside `review screen decide`.

Builds a workspace whose database holds N works (default 100,000: titles and abstracts of
the real screening and deduplication sets beside the repository, topped up with mixed
sentences, as benchmarks/ranking_speed.py does), one account, and times in process:

- the first ``GET /api/v1/screen/title-abstract/next`` (the reviewer's queue is built: the
  model's features over every work);
- then, repeated, one round trip: ``GET .../next`` then ``POST .../decisions`` for that work
  (the queue applies the new row to the works it touches; the model is refitted every
  ``review.web.service.RETRAIN_EVERY`` decisions, which is the worst trip), median and worst;
- the screening page itself (``GET /screen/title-abstract``: the work, progress and the
  stopping estimate), median;
- ``review screen decide`` on other works through the CLI (in process, CliRunner), median.

Target (issue 17): median round trip under 50 ms at 100,000 works on SQLite.

    python benchmarks/web_screening.py [--works 100000] [--repeats 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from click.testing import CliRunner  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from review.cli import main as cli  # noqa: E402
from review.store import now, schema  # noqa: E402
from review.web import create_app  # noqa: E402
from review.web.accounts import add_user  # noqa: E402
from review.workspace import Workspace  # noqa: E402

TARGET_MS = 50.0
PASSWORD = "benchmark password"


def build(root: Path, works: int) -> Workspace:
    """A workspace with ``works`` works (no records: screening reads works only)."""
    from ranking_speed import corpus

    texts, _known, _fields = corpus(works)
    workspace = Workspace.create(root, title="web benchmark")
    store = workspace.store()
    stamp = now()
    rows = []
    for i, text in enumerate(texts, start=1):
        title, _, abstract = text.partition(". ")
        rows.append({"id": i, "title": title[:300], "abstract": abstract, "year": 2000 + i % 25,
                     "journal": "Journal of Benchmarks", "authors": json.dumps([{"family": "Doe", "given": "J."}]),
                     "created_at": stamp, "updated_at": stamp})
    with store.transaction() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(schema.works), rows[start:start + 5000])
    add_user(store, "alice", password=PASSWORD, role="lead", actor="benchmark")
    workspace.add_reviewers(["alice", "bob"])
    return workspace


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run(root: Path, works: int, repeats: int) -> dict[str, float]:
    workspace = build(root, works)
    web = TestClient(create_app(Workspace.find(root)), base_url="http://testserver")
    assert web.post("/api/v1/login", json={"name": "alice", "password": PASSWORD}).status_code == 200
    start = time.perf_counter()
    first = web.get("/api/v1/screen/title-abstract/next").json()["work"]
    queue_built = time.perf_counter() - start
    trips = []
    decision = "exclude"
    for k in range(repeats):
        start = time.perf_counter()
        work = web.get("/api/v1/screen/title-abstract/next").json()["work"] if k else first
        answer = web.post("/api/v1/screen/title-abstract/decisions",
                          json={"work": work["id"], "decision": "include" if k % 7 == 0 else decision})
        trips.append(time.perf_counter() - start)
        assert answer.status_code == 201, answer.text
    pages = []
    for _ in range(max(3, repeats // 3)):  # the HTML page (work, progress and stopping estimate)
        start = time.perf_counter()
        assert web.get("/screen/title-abstract").status_code == 200
        pages.append(time.perf_counter() - start)
        work = web.get("/api/v1/screen/title-abstract/next").json()["work"]
        web.post("/api/v1/screen/title-abstract/decisions", json={"work": work["id"], "decision": "exclude"})
    runner = CliRunner()
    decides = []
    for work in range(works - repeats, works):
        start = time.perf_counter()
        result = runner.invoke(cli, ["-C", str(root), "screen", "decide", str(work), "--stage", "title-abstract",
                                     "--reviewer", "bob", "--decision", "exclude"])
        decides.append(time.perf_counter() - start)
        assert result.exit_code == 0, result.output
    workspace.close()
    return {"works": works, "first_next_ms": ms(queue_built),
            "round_trip_median_ms": ms(statistics.median(trips)), "round_trip_worst_ms": ms(max(trips)),
            "screen_page_median_ms": ms(statistics.median(pages)),
            "cli_decide_median_ms": ms(statistics.median(decides))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="Build the workspace here (default: a temporary folder).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = args.keep or Path(temporary) / "ws"
        result = run(root, args.works, args.repeats)
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    verdict = "meets" if result["round_trip_median_ms"] < TARGET_MS else "misses"
    print(f"next + decision median {result['round_trip_median_ms']} ms {verdict} the {TARGET_MS:.0f} ms target; "
          f"`review screen decide` {result['cli_decide_median_ms']} ms")


if __name__ == "__main__":
    main()
