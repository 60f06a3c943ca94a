"""Import speed: bare parser libraries vs our full `review import` into SQLite.

Generates N realistic records (5 authors, ~1,200-character abstract, keywords) as RIS and as
BibTeX, then measures, each in its own process so peak memory is its own:

  (a) the bare parser: rispy.load / bibtexparser.parse_string
  (b) our import: review.corpus.import_files into a new SQLite database

Big imports parse in worker processes: "peak MB" is the measured process's own peak,
"workers MB" the largest worker's (the file's text is shared with it, not copied), and
the CPU columns show the seconds spent by the process and by its workers.

Usage:
    python benchmarks/import_speed.py [--records 100000] [--keep DIR]

Targets (issue 2): our import >= half the bare parser's speed, >= 20,000 RIS records/s,
peak memory < 1 GB at 100k.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["peer", "support", "perinatal", "mental", "health", "mothers", "depression", "anxiety", "postnatal", "antenatal", "community", "volunteer", "intervention", "qualitative", "randomised", "trial", "outcomes", "wellbeing", "women", "pregnancy", "infant", "parenting", "loneliness", "stigma", "services", "midwife", "health", "visitor", "group", "telephone", "evaluation", "feasibility", "acceptability", "realist", "review", "mechanism", "context"]
SURNAMES = ["Smith", "Jones", "McLeish", "Ayers", "McCourt", "Redshaw", "Dennis", "Leger", "Letourneau", "Shorey", "Chan", "Kumar", "Nguyen", "Müller", "García", "Østergaard"]
GIVEN = ["Anna", "Ben", "Carla", "David", "Eve", "Fatima", "George", "Hana", "Ivan", "Julia", "Kofi", "Lena"]
JOURNALS = [("BMC Pregnancy and Childbirth", "BMC Pregnancy Childbirth"),
            ("Journal of Reproductive and Infant Psychology", "J Reprod Infant Psychol"),
            ("Midwifery", "Midwifery"), ("Archives of Women's Mental Health", "Arch Womens Ment Health")]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _record(rng: random.Random, i: int) -> dict:
    abstract = ""
    while len(abstract) < 1200:
        abstract += _sentence(rng, 14).capitalize() + ". "
    journal, abbrev = rng.choice(JOURNALS)
    first = rng.randint(1, 2000)
    return {
        "title": _sentence(rng, 12).capitalize(),
        "authors": [(rng.choice(SURNAMES), f"{rng.choice(GIVEN)} {rng.choice('ABCDEFGH')}.") for _ in range(5)],
        "year": rng.randint(1990, 2025), "journal": journal, "abbrev": abbrev,
        "volume": rng.randint(1, 60), "issue": rng.randint(1, 12), "first": first, "last": first + rng.randint(3, 15),
        "doi": f"10.{rng.randint(1000, 9999)}/bench.{i}", "abstract": abstract.strip(),
        "keywords": [_sentence(rng, 2) for _ in range(5)], "id": f"B{i:07d}",
    }


def write_ris(records: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for r in records:
            out.write("TY  - JOUR\n")
            out.write(f"ID  - {r['id']}\n")
            out.write(f"TI  - {r['title']}\n")
            for family, given in r["authors"]:
                out.write(f"AU  - {family}, {given}\n")
            out.write(f"PY  - {r['year']}\nT2  - {r['journal']}\nJ2  - {r['abbrev']}\n")
            out.write(f"VL  - {r['volume']}\nIS  - {r['issue']}\nSP  - {r['first']}\nEP  - {r['last']}\n")
            out.write(f"DO  - {r['doi']}\nAB  - {r['abstract']}\n")
            for kw in r["keywords"]:
                out.write(f"KW  - {kw}\n")
            out.write("ER  - \n\n")


def write_bibtex(records: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for r in records:
            authors = " and ".join(f"{f}, {g}" for f, g in r["authors"])
            out.write(
                f"@article{{{r['id']},\n  title = {{{r['title']}}},\n  author = {{{authors}}},\n"
                f"  year = {{{r['year']}}},\n  journal = {{{r['journal']}}},\n  volume = {{{r['volume']}}},\n"
                f"  number = {{{r['issue']}}},\n  pages = {{{r['first']}--{r['last']}}},\n  doi = {{{r['doi']}}},\n"
                f"  abstract = {{{r['abstract']}}},\n  keywords = {{{'; '.join(r['keywords'])}}}\n}}\n\n"
            )


def _phase(kind: str, path: Path, workdir: Path, breakdown: bool = False) -> dict:
    start = time.perf_counter()
    if kind == "rispy":
        import rispy

        with path.open(encoding="utf-8") as handle:
            count = len(rispy.load(handle))
    elif kind == "bibtexparser":
        import bibtexparser

        count = len(bibtexparser.parse_string(path.read_text(encoding="utf-8")).entries)
    else:
        from review.corpus import import_files
        from review.store import Store

        db = workdir / f"{kind}-{path.suffix[1:]}.db"
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)  # a kept directory's database from a run before
        store = Store.open(f"sqlite:///{db}")
        timer = _Breakdown() if breakdown else None
        count = import_files(store, [path], actor="bench")[0].records
        store.close()
        if timer:
            breakdown_s = timer.done(time.perf_counter() - start)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Worker processes (big imports): the largest one's peak, shared pages of the file's
    # text included, and the CPU seconds of all of them beside this process's own.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"records": count, "seconds": seconds, "peak_mb": peak_mb,
            "workers_mb": children.ru_maxrss / 1024, "cpu": own.ru_utime + own.ru_stime,
            "workers_cpu": children.ru_utime + children.ru_stime,
            **({"breakdown": breakdown_s} if kind == "review" and breakdown else {})}


class _Breakdown:
    """Where the importing process's time goes: reading and decoding the file, waiting
    for rows (parsing and normalising, in workers for big files), inserting them, and the
    rest (mostly the commit)."""

    def __init__(self) -> None:
        from review.corpus import importer, streaming

        self.seconds = {"read": 0.0, "rows": 0.0, "insert": 0.0}
        for module, name, key in ((importer, "_read", "read"), (importer, "_insert_records", "insert")):
            setattr(module, name, self._timed(getattr(module, name), key))
        batches = streaming.row_batches

        def timed_batches(*args, **kwargs):
            iterator = batches(*args, **kwargs)
            while True:
                start = time.perf_counter()
                batch = next(iterator, None)
                self.seconds["rows"] += time.perf_counter() - start
                if batch is None:
                    return
                yield batch

        streaming.row_batches = timed_batches

    def _timed(self, function, key):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - start
        return timed

    def done(self, total: float) -> dict:
        return {**self.seconds, "rest": total - sum(self.seconds.values())}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Write the generated files here and keep them.")
    parser.add_argument("--breakdown", action="store_true",
                        help="Also print where our import's time goes (read, rows, insert, rest).")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, args.file, args.workdir, args.breakdown)))
        return

    tmp = tempfile.TemporaryDirectory()
    workdir = args.keep or Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    ris, bib, made = workdir / "bench.ris", workdir / "bench.bib", workdir / "bench.records"
    if not (args.keep and made.exists() and made.read_text() == str(args.records) and ris.exists() and bib.exists()):
        rng = random.Random(2026)
        records = [_record(rng, i) for i in range(args.records)]
        write_ris(records, ris)
        write_bibtex(records, bib)
        del records
        made.write_text(str(args.records))
    print(f"Generated {args.records:,} records: RIS {ris.stat().st_size / 1e6:.0f} MB, "
          f"BibTeX {bib.stat().st_size / 1e6:.0f} MB (python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {_load()})\n")
    rows = []
    for label, phase, path in (
        ("RIS     bare rispy.load", "rispy", ris),
        ("RIS     review import", "review", ris),
        ("BibTeX  bare bibtexparser", "bibtexparser", bib),
        ("BibTeX  review import", "review", bib),
    ):
        proc = subprocess.run(
            [sys.executable, __file__, "--phase", phase, "--file", str(path), "--workdir", str(workdir),
             *(["--breakdown"] if args.breakdown else [])],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            print(f"{label}: failed: {proc.stderr.strip().splitlines()[-1]}")
            rows.append((label, {"records": 0, "seconds": float("nan"), "peak_mb": float("nan")}))
            continue
        rows.append((label, json.loads(proc.stdout.strip().splitlines()[-1])))
    print(f"{'what':<28}{'records':>10}{'seconds':>10}{'records/s':>12}{'peak MB':>10}"
          f"{'CPU s':>8}{'workers MB':>12}{'workers CPU s':>15}")
    for label, r in rows:
        print(f"{label:<28}{r['records']:>10,}{r['seconds']:>10.1f}{r['records'] / r['seconds']:>12,.0f}{r['peak_mb']:>10,.0f}"
              f"{r.get('cpu', float('nan')):>8.1f}{r.get('workers_mb', 0):>12,.0f}{r.get('workers_cpu', 0):>15.1f}")
    for fmt, bare, ours in (("RIS", rows[0][1], rows[1][1]), ("BibTeX", rows[2][1], rows[3][1])):
        ratio = (ours["records"] / ours["seconds"]) / (bare["records"] / bare["seconds"])
        print(f"{fmt}: our import runs at {ratio:.2f}x the bare parser's speed")
    for label, r in rows:
        if "breakdown" in r:
            parts = ", ".join(f"{key} {value:.1f} s" for key, value in r["breakdown"].items())
            print(f"{label.split()[0]} import, importing process: {parts}")
    print(f"load average after: {_load()}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
