"""Import and dedup of 100,000 records on PostgreSQL against SQLite: the same file, the same run.

The records are dedup_scale.py's generated noisy duplicates (every work in one to four
"databases", each copy written as real exports differ), written once as one RIS file. Each
backend then runs in its own process, as `review import` and `review dedup` would:

- ``import``: ``review.corpus.import_files`` of the file into an empty review;
- ``dedup``: ``review.corpus.dedup.dedup`` (load, keys, blocking, scoring, clustering,
  writing the works).

SQLite is a file in a temporary folder; PostgreSQL a new database on the server of
``--postgres-url`` (default ``$REVIEW_TEST_POSTGRES_URL``; a role that may create databases),
dropped after. The target (issue 18): PostgreSQL's import + dedup within 3x of SQLite's.

    .venv/bin/python benchmarks/pg_scale.py                    # 100,000 records
    .venv/bin/python benchmarks/pg_scale.py --records 10000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: Where the server is when --postgres-url is not given.
SERVER_ENV = "REVIEW_TEST_POSTGRES_URL"
TARGET_RATIO = 3.0


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def create_database(server: str, name: str) -> str:
    """A new, empty database ``name`` on ``server`` (a SQLAlchemy URL): its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(url: str, path: Path) -> dict[str, float | int]:
    """Import ``path`` into the empty review at ``url``, then dedup it: seconds of each."""
    from review.corpus import import_files
    from review.corpus.dedup import dedup
    from review.corpus.dedup import run as _loaded  # noqa: F401  (import time is not dedup time)
    from review.store import Store

    store = Store.open(url)
    t0 = time.perf_counter()
    import_files(store, [path], actor="benchmark", source="generated")
    imported = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = dedup(store, actor="benchmark")
    deduplicated = time.perf_counter() - t0
    store.close()
    return {"import": round(imported, 2), "dedup": round(deduplicated, 2),
            "total": round(imported + deduplicated, 2), "works": result.works}


def _child(backend: str, url: str, path: Path) -> dict[str, float | int]:
    done = subprocess.run([sys.executable, __file__, "--measure", url, str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{backend} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres-url", default=os.environ.get(SERVER_ENV),
                        help=f"A PostgreSQL server (default ${SERVER_ENV}).")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return 0
    if not args.postgres_url:
        parser.error(f"give --postgres-url or set {SERVER_ENV}")
    from dedup_scale import generate, write_ris

    name = f"review_pg_scale_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.ris"
        write_ris(generate(args.records)[0], path)
        results = {"SQLite": _child("SQLite", f"sqlite:///{Path(tmp) / 'review.db'}", path)}
        try:
            results["PostgreSQL"] = _child("PostgreSQL", create_database(args.postgres_url, name), path)
        finally:
            drop_database(args.postgres_url, name)
    print(f"Import + dedup of {args.records:,} records (one RIS file)")
    print("| backend | import s | dedup s | total s | works |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for backend, r in results.items():
        print(f"| {backend} | {r['import']:.1f} | {r['dedup']:.1f} | {r['total']:.1f} | {r['works']:,} |")
    ratio = results["PostgreSQL"]["total"] / results["SQLite"]["total"]
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"PostgreSQL / SQLite: {ratio:.2f}x ({verdict} the {TARGET_RATIO:g}x target)")
    return 0 if ratio <= TARGET_RATIO and results["PostgreSQL"]["works"] == results["SQLite"]["works"] else 1


if __name__ == "__main__":
    sys.exit(main())
