"""Dedup speed and memory at 10k, 100k and 1M records, on generated noisy duplicates.

The generator writes what a multi-database search returns: every work appears in one to
four "databases", each copy written the way real exports differ (see ``NOISE``: author
formats, abbreviated journals, missing DOIs, HTML and entities in titles, case and
punctuation, abbreviated page ranges, typos, online-first years, bracketed translated
titles), plus hard negatives: errata next to their article, and generic titles
("Editorial") shared by different works.

Each size runs in its own process so that its peak memory (ru_maxrss) is its own:

- ``core``: normalise (as the importer does) is not timed; keys, blocking, scoring and
  clustering on in-memory arrays are (``review.corpus.dedup.pipeline.find_groups``);
- ``sqlite`` (sizes up to ``--sqlite-max``): the records written as a RIS file and imported
  with ``review.corpus.import_files`` in a child process (as ``review import`` would be),
  then deduplicated with ``review.corpus.dedup.dedup`` (load, core, writing the works) in
  the measured process, as ``review dedup`` would be.

    .venv/bin/python benchmarks/dedup_scale.py                     # 10k, 100k, 1M
    .venv/bin/python benchmarks/dedup_scale.py --sizes 10000 --sqlite-max 100000

It also scores the result against the generator's truth (pairwise precision / recall).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: Rates of each kind of variation, per duplicate copy (roughly as seen in the benchmark sets).
NOISE = {
    "author_style": 1.0,  # every copy picks a database's author style
    "journal_abbrev": 0.45,
    "drop_doi": 0.30,
    "drop_pages": 0.10,
    "drop_volume": 0.06,
    "drop_abstract": 0.20,
    "html_title": 0.05,
    "upper_title": 0.05,
    "sentence_case": 0.30,
    "trailing_period": 0.35,
    "punctuation": 0.10,
    "title_typo": 0.03,
    "author_typo": 0.02,
    "short_pages": 0.40,
    "year_plus_one": 0.03,
    "translated_brackets": 0.01,
    "truncated_authors": 0.05,
}
COPIES = [(1, 0.60), (2, 0.25), (3, 0.10), (4, 0.05)]
JOURNALS = [
    ("Journal of the American Medical Association", "JAMA"),
    ("New England Journal of Medicine", "N Engl J Med"),
    ("Current Opinion in Lipidology", "Curr Opin Lipidol"),
    ("Journal of Clinical Epidemiology", "J Clin Epidemiol"),
    ("BMC Pregnancy and Childbirth", "BMC Pregnancy Childbirth"),
    ("Archives of Disease in Childhood", "Arch Dis Child"),
    ("Journal of Advanced Nursing", "J Adv Nurs"),
    ("Social Science and Medicine", "Soc Sci Med"),
    ("British Journal of Psychiatry", "Br J Psychiatry"),
    ("Journal of Affective Disorders", "J Affect Disord"),
    ("American Journal of Obstetrics and Gynecology", "Am J Obstet Gynecol"),
    ("Pediatric Nephrology", "Pediatr Nephrol"),
    ("European Heart Journal", "Eur Heart J"),
    ("Diabetes Care", "Diabetes Care"),
    ("PLoS ONE", "PLoS One"),
    ("Midwifery", "Midwifery"),
]
COMMON = ["effect", "of", "on", "in", "the", "and", "for", "with", "among", "a", "randomised", "controlled", "trial", "study", "patients", "women", "children", "outcomes", "risk", "care", "treatment", "analysis", "cohort", "review", "systematic", "evidence", "health", "mental", "support", "intervention", "community", "primary", "after", "during", "versus", "association", "between"]
GENERIC = ["Editorial", "Introduction", "Reply", "Letter to the editor", "In this issue", "Commentary"]


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ra", "to", "vi", "su", "pe", "do", "an", "el", "or", "is",
                 "um", "qua", "tri", "neo", "gen", "cyt", "ox", "pro", "lyt", "mor", "phi", "ster"]
    out = set()
    while len(out) < count:
        out.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(out)


def _surnames(rng: random.Random, count: int) -> list[str]:
    out = set()
    while len(out) < count:
        out.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))).capitalize())
    return sorted(out)


def make_works(n_works: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    vocab = _words(rng, 30000)
    surnames = _surnames(rng, 20000)
    given = ["Anna", "John", "Maria", "Wei", "Sara", "Ahmed", "Laura", "Peter", "Yuki", "Olga", "Carlos", "Ines"]
    pool = vocab + list(COMMON)
    for w in range(n_works):
        if rng.random() < 0.003:
            title = rng.choice(GENERIC)
        else:
            length = rng.randint(6, 16)
            title = " ".join(rng.choice(vocab) if rng.random() < 0.55 else rng.choice(COMMON) for _ in range(length))
            title = title[0].upper() + title[1:]
            if rng.random() < 0.3:
                title += ": " + " ".join(rng.choice(vocab) for _ in range(rng.randint(2, 5)))
        authors = [(rng.choice(surnames), rng.choice(given), rng.choice(string.ascii_uppercase) if rng.random() < 0.4 else "")
                   for _ in range(rng.randint(1, 9))]
        journal = rng.choice(JOURNALS)
        start = rng.randint(1, 3000)
        work = {
            "title": title, "authors": authors, "journal": journal, "year": rng.randint(1985, 2024),
            "volume": str(rng.randint(1, 400)), "issue": str(rng.randint(1, 12)),
            "pages": (start, start + rng.randint(3, 25)),
            "doi": f"10.{rng.randint(1000, 9999)}/{rng.choice(vocab)}.{w}" if rng.random() < 0.75 else None,
            "pmid": str(10_000_000 + w) if rng.random() < 0.5 else None,
            "abstract": " ".join(rng.choices(pool, k=rng.randint(40, 120))),
        }
        yield work
        if rng.random() < 0.005:  # an erratum about this work
            yield {**work, "title": "Erratum: " + title, "pages": (start + 400, start + 400),
                   "doi": None, "pmid": None, "abstract": ""}


def _author(rng: random.Random, family: str, given: str, middle: str, style: int) -> str:
    initials = given[0] + middle
    if style == 0:
        return f"{family}, {given}" + (f" {middle}." if middle else "")
    if style == 1:
        return f"{family} {initials}"
    if style == 2:
        return f"{family}, {'.'.join(initials)}."
    return f"{given} {middle + '. ' if middle else ''}{family}"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    k = rng.randrange(1, len(text) - 1)
    return text[:k] + rng.choice(string.ascii_lowercase) + text[k + 1:]


def _short_end(start: int, end: int) -> str:
    """MEDLINE's abbreviated last page: 1012-1024 -> "24"."""
    s, e = str(start), str(end)
    if len(s) != len(e):
        return e
    i = 0
    while i < len(s) - 1 and s[i] == e[i]:
        i += 1
    return e[i:]


def copy_of(work: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One database's record of a work."""
    noise = NOISE
    title = work["title"]
    if rng.random() < noise["punctuation"]:
        title = title.replace(": ", " - ").replace("-", " ")
    if rng.random() < noise["sentence_case"]:
        title = title[0] + title[1:].lower()
    if rng.random() < noise["upper_title"]:
        title = title.upper()
    if rng.random() < noise["title_typo"]:
        title = _typo(rng, title)
    if rng.random() < noise["html_title"]:
        words = title.split(" ")
        k = rng.randrange(len(words))
        words[k] = f"<i>{words[k]}</i>"
        title = " &amp; ".join([" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2:])])
    if rng.random() < noise["translated_brackets"]:
        title = f"[{title}]"
    if rng.random() < noise["trailing_period"]:
        title += "."
    style = rng.randrange(4)
    authors = list(work["authors"])
    if rng.random() < noise["truncated_authors"] and len(authors) > 3:
        authors = authors[:3]
    names = [_author(rng, f, g, m, style) for f, g, m in authors]
    if names and rng.random() < noise["author_typo"]:
        names[0] = _typo(rng, names[0])
    full, abbrev = work["journal"]
    start, end = work["pages"]
    pages = f"{start}-{_short_end(start, end) if rng.random() < noise['short_pages'] else end}"
    return {
        "title": title,
        "authors": names,
        "year": str(work["year"] + (1 if rng.random() < noise["year_plus_one"] else 0)),
        "journal": abbrev if rng.random() < noise["journal_abbrev"] else full,
        "volume": None if rng.random() < noise["drop_volume"] else work["volume"],
        "issue": work["issue"],
        "pages": None if rng.random() < noise["drop_pages"] else pages,
        "doi": None if (work["doi"] is None or rng.random() < noise["drop_doi"]) else
               (f"https://doi.org/{work['doi']}" if rng.random() < 0.3 else work["doi"].upper() if rng.random() < 0.2 else work["doi"]),
        "pmid": work["pmid"] if rng.random() < 0.7 else None,
        "abstract": None if rng.random() < noise["drop_abstract"] else work["abstract"],
    }


def generate_iter(n: int, seed: int = 7) -> Iterator[tuple[dict[str, Any], int]]:
    """``n`` raw records (importer fields), one at a time, each with its work's index."""
    rng = random.Random(seed)
    mean = sum(c * p for c, p in COPIES)
    works = make_works(int(n / mean) + 10, seed)
    counts, weights = zip(*COPIES, strict=True)
    made = 0
    for w, work in enumerate(works):
        for _ in range(rng.choices(counts, weights)[0]):
            yield copy_of(work, rng), w
            made += 1
            if made == n:
                return


def generate(n: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[int]]:
    """``n`` raw records (importer fields) and the work index of each."""
    records: list[dict[str, Any]] = []
    truth: list[int] = []
    for record, work in generate_iter(n, seed):
        records.append(record)
        truth.append(work)
    return records, truth


def write_ris(records: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i, rec in enumerate(records, start=1):
            handle.write("TY  - JOUR\n")
            handle.write(f"TI  - {rec['title']}\n")
            for name in rec["authors"]:
                handle.write(f"AU  - {name}\n")
            for tag, key in (("PY", "year"), ("JO", "journal"), ("VL", "volume"), ("IS", "issue"),
                             ("SP", "pages"), ("DO", "doi"), ("AB", "abstract")):
                if rec.get(key):
                    handle.write(f"{tag}  - {rec[key]}\n")
            handle.write(f"ID  - {i}\n")
            handle.write("ER  - \n\n")


def quality(labels: list[int], truth: list[int], sample_limit: int = 3_000_000) -> dict[str, float]:
    """Pairwise precision and recall against the generator's truth."""
    def pair_set(assign: list[int]) -> set[tuple[int, int]]:
        groups: dict[int, list[int]] = {}
        for i, g in enumerate(assign):
            groups.setdefault(g, []).append(i)
        out: set[tuple[int, int]] = set()
        for members in groups.values():
            if 1 < len(members) <= 50:
                out.update(itertools.combinations(members, 2))
            if len(out) > sample_limit:
                break
        return out

    p, t = pair_set(labels), pair_set(truth)
    tp = len(p & t)
    return {"precision": round(tp / len(p), 5) if p else 1.0, "recall": round(tp / len(t), 5) if t else 1.0}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_core(n: int) -> dict[str, Any]:
    from review.corpus.dedup.keys import build_keys
    from review.corpus.dedup.pipeline import find_groups
    from review.corpus.dedup.settings import DedupSettings
    from review.corpus.normalise import normalise_fields

    truth: list[int] = []
    untimed = 0.0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal untimed
        records = generate_iter(n)
        i = 0
        while True:
            t = time.perf_counter()
            try:
                record, work = next(records)
            except StopIteration:
                untimed += time.perf_counter() - t
                return
            i += 1
            truth.append(work)
            row = normalise_fields(record)
            row["id"] = i
            untimed += time.perf_counter() - t
            yield row

    t0 = time.perf_counter()
    keys = build_keys(rows())
    elapsed = time.perf_counter() - t0
    # generating and normalising (the importer's work) are not dedup time
    t_keys = elapsed - untimed
    t0 = time.perf_counter()
    rare = {"short": None, "off": False, "all": True}[os.environ.get("DEDUP_RARE_WORDS", "short")]
    found = find_groups(keys, DedupSettings(), rare_words=rare)
    total = t_keys + time.perf_counter() - t0
    labels = found.clustering.labels(len(keys)).tolist()
    return {"mode": "core", "records": n, "works": len(found.clustering.groups), "seconds": round(total, 2),
            "steps": {"keys": round(t_keys, 2), **{k: round(v, 2) for k, v in found.timings.items()}},
            "candidates": found.candidates, "passes": found.passes, "queued": len(found.queue),
            "untimed": {"generate_and_normalise": round(elapsed - t_keys, 1)},
            "peak_mb": round(peak_mb()), **quality(labels, truth)}


def import_generated(n: int, workdir: Path) -> dict[str, Any]:
    """Generate, write as RIS and import ``n`` records into workdir/review.db; truth to truth.json."""
    from review.corpus import import_files
    from review.store import Store

    raw, truth = generate(n)
    path = workdir / f"generated-{n}.ris"
    write_ris(raw, path)
    del raw
    (workdir / "truth.json").write_text(json.dumps(truth))
    store = Store.open(f"sqlite:///{workdir / 'review.db'}")
    t0 = time.perf_counter()
    import_files(store, [path], actor="benchmark", source="generated")
    seconds = time.perf_counter() - t0
    store.close()
    path.unlink()
    return {"import_seconds": round(seconds, 1), "import_peak_mb": round(peak_mb())}


def run_sqlite(n: int) -> dict[str, Any]:
    """Import in a child process (as `review import` would), then `review dedup` in this one."""
    from sqlalchemy import select

    from review.corpus.dedup import dedup
    from review.corpus.dedup import run as _loaded  # noqa: F401  (import time is not dedup time)
    from review.store import Store, schema

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        done = subprocess.run([sys.executable, __file__, "--import", str(n), str(workdir)],
                              capture_output=True, text=True, check=True)
        imported = json.loads(done.stdout.strip().splitlines()[-1])
        truth = json.loads((workdir / "truth.json").read_text())
        store = Store.open(f"sqlite:///{workdir / 'review.db'}")
        t0 = time.perf_counter()
        result = dedup(store, actor="benchmark")
        seconds = time.perf_counter() - t0
        with store.read() as conn:
            rows = conn.execute(select(schema.records.c.source_ref, schema.records.c.work_id)).all()
        labels = [0] * n
        for ref, work in rows:
            labels[int(ref) - 1] = work
        store.close()
    return {"mode": "sqlite", "records": n, "works": result.works, "seconds": round(seconds, 2),
            **imported, "steps": {k: round(v, 2) for k, v in result.timings.items()},
            "queued": result.queue_open, "peak_mb": round(peak_mb()), **quality(labels, truth)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--sqlite-max", type=int, default=100_000,
                        help="Also run the SQLite path (import + dedup) up to this size.")
    parser.add_argument("--one", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="import_", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    parser.add_argument("--rare-words", choices=["short", "off", "all"],
                        help="The rare-words blocking pass: for short titles (the default), off, or for every title.")
    args = parser.parse_args(argv)
    if args.rare_words:  # read by run_core in the process of each size
        os.environ["DEDUP_RARE_WORDS"] = args.rare_words
    if args.import_:
        print(json.dumps(import_generated(int(args.import_[0]), Path(args.import_[1]))))
        return 0
    if args.one:
        mode, n = args.one[0], int(args.one[1])
        print(json.dumps(run_core(n) if mode == "core" else run_sqlite(n)))
        return 0
    results = []
    for n in args.sizes:
        for mode in ("core", "sqlite"):
            if mode == "sqlite" and n > args.sqlite_max:
                continue
            done = subprocess.run([sys.executable, __file__, "--one", mode, str(n)], capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            print(f"{mode:>6} {n:>9,} records: {result['seconds']:8.2f} s, peak {result['peak_mb']:6,} MB, "
                  f"precision {result['precision']:.4f}, recall {result['recall']:.4f}  {result['steps']}, "
                  f"{result.get('candidates', 0):,} candidate pairs {result.get('passes', '')}",
                  file=sys.stderr)
    print("| records | path | dedup seconds | peak memory (MB) | import seconds | precision | recall |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        path = "core (in memory)" if r["mode"] == "core" else "SQLite (import_files + dedup)"
        imp = f"{r['import_seconds']:.1f}" if "import_seconds" in r else "-"
        print(f"| {r['records']:,} | {path} | {r['seconds']:.2f} | {r['peak_mb']:,} | {imp} | "
              f"{r['precision']:.4f} | {r['recall']:.4f} |")
    core = [r for r in results if r["mode"] == "core"]
    for a, b in itertools.pairwise(core):
        ratio = b["seconds"] / a["seconds"]
        nlogn = (b["records"] * __import__("math").log(b["records"])) / (a["records"] * __import__("math").log(a["records"]))
        print(f"\n{a['records']:,} -> {b['records']:,}: time x{ratio:.1f} (n log n would be x{nlogn:.1f})", end="")
    print()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
