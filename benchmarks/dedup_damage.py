"""Dedup under damaged fields, and on recurring items, side by side with bib-dedupe.

Each labelled set in ../shared/data/dedup (see benchmarks/dedup_accuracy.py) is imported
once through ``review.corpus.import_files``. Then, for every damage class, a fixed share of
the records (``--rate``, default 0.2; seed ``--seed``) is damaged the way real exports
damage fields; the damaged values go through the importer's own normalisation
(``normalise_fields``), and both tools deduplicate the result:

- ``journal``: the journal name abbreviated ISO 4 style ("Molecular BioSystems" ->
  "Mol. Biosyst.", "Proceedings of the National Academy of Sciences" -> "Proc Natl Acad
  Sci"), or volume and issue glued onto it ("Biological Psychiatry.68 (12)");
- ``pages``: a spreadsheet's date ("04-May" for 4-5), the year, "var.pagings", a prefix
  ("pp S205"), or only the first page;
- ``authors``: separators lost ("AbazyanB.NomuraJ.KannanG."), or no authors at all;
- ``identifiers``: DOI, volume or issue dropped;
- ``conference``: the record rewritten as its conference-supplement twin (journal with
  "Conference: ...", a supplement issue, "S" pages, typed as a meeting abstract);
- ``all``: every class above at half the rate, together.

``recurring`` is a synthetic stress set: series of editorials, "Editor's comments", "In
this issue", introductions to special issues, book reviews, letters, replies, corrigenda,
prefaces, obituaries and abstract lists in the labelled sets' journals (the same editor,
title, journal, year and volume in every issue, different issues, pages and DOIs), some of
them exported twice (the true duplicates; the copy drops the DOI or abbreviates the journal
but keeps issue or pages). Wrong merges there are the false merges of recurring items.

    .venv/bin/python benchmarks/dedup_damage.py                   # every set and class
    .venv/bin/python benchmarks/dedup_damage.py --no-bib-dedupe --classes clean pages

bib-dedupe's groups are cached by the content of the CSV it gets (``--cache``), so a rerun
after changing only our code costs seconds. Metrics: pairwise precision, recall and F1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_accuracy import (  # noqa: E402
    SETS,
    Score,
    bib_dedupe_python,
    import_set,
    record_keys,
    score,
    truth_groups,
)
from dedup_offered import Offered, offered, offered_table  # noqa: E402
from dedup_report import per_class, side_by_side, summary  # noqa: E402

from review.corpus.dedup.keys import build_keys  # noqa: E402
from review.corpus.dedup.pipeline import find_groups  # noqa: E402
from review.corpus.dedup.run import load_records  # noqa: E402
from review.corpus.dedup.settings import DedupSettings  # noqa: E402
from review.corpus.doi import doi_fragment  # noqa: E402
from review.corpus.normalise import format_authors, normalise_fields  # noqa: E402
from review.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: Merge thresholds tried by the leave-one-set-out cross-validation (--cv).
THRESHOLDS = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)
#: Synthetic stress sets built from the labelled sets' journals and authors.
STRESS = ["recurring", "numbered", "cochrane"]
CLASSES = ["clean", "journal", "pages", "authors", "identifiers", "conference", "all",
           "datepages", "doi", "notes", "titles"]
_RAW = ("title", "year", "journal", "journal_abbrev", "volume", "issue", "pages", "doi", "pmid", "abstract",
        "type", "language", "issn", "isbn", "url", "publisher")
_STOP = {"of", "the", "and", "in", "for", "on", "de", "la", "und", "&"}
# ISO 4 (LTWA) forms that are not plain truncations
_CONTRACTED = {"national": "Natl", "international": "Int", "research": "Res", "association": "Assoc",
               "department": "Dept", "government": "Govt", "american": "Am", "journal": "J",
               "proceedings": "Proc", "sciences": "Sci", "science": "Sci", "medicine": "Med",
               "medical": "Med", "academy": "Acad", "society": "Soc", "united": "U", "states": "S",
               "clinical": "Clin", "review": "Rev", "reviews": "Rev", "annals": "Ann", "european": "Eur",
               "british": "Br", "biology": "Biol", "biological": "Biol"}
_VOWELS = set("aeiouy")


# -- damage ----------------------------------------------------------------------------


def iso4(journal: str, rng: random.Random) -> str:
    """An ISO 4 style abbreviation: stopwords dropped, words cut before a vowel, maybe dotted."""
    words = []
    for word in journal.replace("-", " ").split():
        low = word.lower().strip(".,:;()")
        if not low or low in _STOP:
            continue
        if low in _CONTRACTED:
            words.append(_CONTRACTED[low])
        elif len(low) <= 5 or not low.isalpha():
            words.append(word.strip(".,:;()"))
        else:
            cut = min(len(low) - 1, rng.choice([3, 4, 5, 6]))
            while cut < len(low) - 1 and low[cut] not in _VOWELS:
                cut += 1  # "Molecular" -> "Mol", "Biosystems" -> "Biosyst"
            words.append(word[:cut])
    dotted = rng.random() < 0.5
    out = [w + "." if dotted and w.lower() not in {x.lower() for x in journal.split()} else w for w in words]
    return " ".join(out) or journal


def _journal(raw: dict[str, Any], rng: random.Random) -> None:
    journal = raw.get("journal")
    if not journal:
        return
    if rng.random() < 0.7:
        name, sep, meeting = journal.partition(". Conference:")
        raw["journal"] = iso4(name, rng) + sep + meeting
    elif raw.get("volume"):
        raw["journal"] = f"{journal}.{raw['volume']}" + (f" ({raw['issue']})" if raw.get("issue") else "")
        if rng.random() < 0.5:
            raw["volume"], raw["issue"] = None, None


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _pages(raw: dict[str, Any], rng: random.Random) -> None:
    pages = raw.get("pages") or ""
    first, _, last = pages.partition("-")
    kind = rng.choice(["date", "year", "varpagings", "prefix", "first"])
    if kind == "date" and first.isdigit() and last.isdigit():
        f, la = int(first), int(last)
        if 1 <= la <= 12 and f <= 31:
            raw["pages"] = f"{f:02d}-{_MONTHS[la - 1]}"
            return
        if 1 <= f <= 12 and la < 100:
            raw["pages"] = f"{_MONTHS[f - 1]}-{la:02d}"
            return
        kind = "first"
    if kind == "year" and raw.get("year"):
        raw["pages"] = str(raw["year"])
    elif kind == "varpagings":
        raw["pages"] = "var.pagings"
    elif kind == "prefix" and first:
        raw["pages"] = f"pp S{first}" if rng.random() < 0.5 and first.isdigit() else f"pp {pages}"
    elif first:
        raw["pages"] = first


def _authors(raw: dict[str, Any], rng: random.Random) -> None:
    names = raw.get("authors") or []
    if rng.random() < 0.4 or not names:
        raw["authors"] = []
        return
    glued = "".join(f"{a['family'].replace(' ', '')}{''.join(p[0] for p in a.get('given', '').split())}." for a in names)
    raw["authors"] = [glued]


def _identifiers(raw: dict[str, Any], rng: random.Random) -> None:
    field = rng.choice(["doi", "volume", "issue", "doi"])
    raw[field] = None


def _conference(raw: dict[str, Any], rng: random.Random) -> None:
    if not raw.get("journal"):
        return
    raw["journal"] = f"{raw['journal']}. Conference: {rng.choice(['Annual Meeting', 'International Congress', '12th European Conference'])}"
    raw["issue"] = rng.choice(["Suppl 1", "SUPPL. 1", "Supplement 2"])
    first = (raw.get("pages") or "").partition("-")[0]
    raw["pages"] = (f"S{first}" if first[:1].isdigit() else first) if first else None
    raw["type"] = "conference-abstract" if rng.random() < 0.5 else raw.get("type")


def _datepages(raw: dict[str, Any], rng: random.Random) -> None:
    """Embase: the day or date of publication where the pages should be; half the time the
    journal field carries the whole source citation with the real pages."""
    pages, year = raw.get("pages") or "", raw.get("year") or "2010"
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    raw["pages"] = rng.choice([str(day), f"{year}-{month}{_MONTHS[month - 1]}", f"{year}{month:02d}{day:02d}/0604",
                               str(day)])
    if pages and raw.get("journal") and rng.random() < 0.5:
        issue = f" ({raw['issue']})" if raw.get("issue") else ""
        raw["journal"] = (f"{raw['journal']}. {raw.get('volume') or ''}{issue} ()(pp {pages}), {year}. "
                          f"Date of Publication: {day} {_MONTHS[month - 1]} {year}.")


_OCR = {"0": "O", "1": "l", "O": "0", "l": "1"}


def _doi(raw: dict[str, Any], rng: random.Random) -> None:
    """The same DOI written differently: punctuation swapped or lost, an OCR'd letter."""
    doi = raw.get("doi")
    if not doi or "/" not in doi:
        return
    prefix, suffix = doi.split("/", 1)
    kind = rng.choice(["punct", "ocr", "dots", "prefix"])
    if kind == "prefix":  # "fnrv57i0.21083" for "10.3402/fnr.v57i0.21083": prefix and a dot lost
        raw["doi"] = suffix.replace(".", "", 1)
        return
    if kind == "punct" and any(c in suffix for c in "-_"):
        suffix = suffix.replace("-", "\x00").replace("_", "-").replace("\x00", "_")
    elif kind == "ocr" and any(c in _OCR for c in suffix):
        at = max(i for i, c in enumerate(suffix) if c in _OCR)
        suffix = suffix[:at] + _OCR[suffix[at]] + suffix[at + 1:]
    else:
        suffix = suffix.replace(".", "", 1) if suffix.count(".") > 1 else suffix + "."
    raw["doi"] = f"{prefix}/{suffix}"


def _notes(raw: dict[str, Any], rng: random.Random) -> None:
    """Scopus's "M3 - Note" (or a letter's type) on an ordinary article."""
    raw["type"] = rng.choice(["Note", "Note", "Letter"])


_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pe", "da", "gu"]


def _titles(raw: dict[str, Any], rng: random.Random) -> None:
    """A title cut short (at a hyphen, a colon or after a few words) or in another language
    (simulated: every word replaced by a pseudo-word of the same length)."""
    title = raw.get("title") or ""
    if not title:
        return
    kind = rng.choice(["cut", "cut", "language"])
    if kind == "cut":
        for mark in ("-", ":", " "):
            if mark in title[10:]:
                cut = title.index(mark, 10) if mark != " " else len(" ".join(title.split()[:4]))
                raw["title"] = title[:cut]
                return
    words = []
    for word in title.split():
        w = "".join(rng.choice(_SYLLABLES) for _ in range(max(1, len(word) // 2)))
        words.append(w.capitalize() if word[:1].isupper() else w)
    raw["title"] = " ".join(words)


DAMAGE: dict[str, Callable[[dict[str, Any], random.Random], None]] = {
    "journal": _journal, "pages": _pages, "authors": _authors, "identifiers": _identifiers, "conference": _conference,
    "datepages": _datepages, "doi": _doi, "notes": _notes, "titles": _titles,
}
#: The classes that ``all`` combines (the round-two classes are run on their own).
ALL = ("journal", "pages", "authors", "identifiers", "conference")


def damaged(rows: list[dict[str, Any]], kind: str, rate: float, seed: int) -> list[dict[str, Any]]:
    """The rows with ``kind`` damage applied to a share ``rate`` of them (through normalisation)."""
    if kind == "clean":
        return rows
    rng = random.Random(f"{seed}:{kind}")
    kinds = list(ALL) if kind == "all" else [kind]
    share = rate / 2 if kind == "all" else rate
    out = []
    for row in rows:
        chosen = [k for k in kinds if rng.random() < share]
        if not chosen:
            out.append(row)
            continue
        raw = {name: row.get(name) for name in _RAW}
        raw["year"] = str(row["year"]) if row.get("year") else None
        raw["authors"] = json.loads(row["authors"]) if row.get("authors") else []
        for k in chosen:
            DAMAGE[k](raw, rng)
        fields = normalise_fields(raw)
        # a DOI without its prefix is no DOI; dedup finds it in the original fields (RIS DO)
        fragment = doi_fragment(raw.get("doi")) if raw.get("doi") and not fields.get("doi") else None
        out.append({**row, **fields, "doi_fragment": fragment})
    return out


# -- the recurring-items stress set -----------------------------------------------------


RECURRING = ["Editorial", "Editor's comments", "Editorial introduction", "Remarks from the editor",
             "In this issue", "Introduction to the special issue", "Book reviews", "Letters to the editor",
             "Reply", "Corrigendum", "Preface", "Obituary", "Conference abstracts", "From the editor",
             "Editor's note", "Guest editorial: introduction to the special section", "Highlights of this issue",
             "President's message", "Acknowledgement of reviewers", "Erratum"]


def recurring_set(rows: list[dict[str, Any]], seed: int) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Synthetic recurring items in the labelled sets' journals, and their true groups."""
    rng = random.Random(f"{seed}:recurring")
    journals = sorted({r["journal"] for r in rows if r.get("journal") and len(r["journal"]) > 12
                       and not any(w in r["journal"].lower() for w in ("conference", "meeting", "congress"))})
    surnames = sorted({a["family"] for r in rows[:3000] if r.get("authors") for a in json.loads(r["authors"])[:1]
                       if a.get("family", "").isalpha()})
    out: list[dict[str, Any]] = []
    truth: list[list[str]] = []
    next_id = 1
    for journal in rng.sample(journals, min(60, len(journals))):
        editor = {"family": rng.choice(surnames), "given": rng.choice("ABCDEFGHJKLMNPRS")}
        volume, year = rng.randint(5, 80), rng.randint(1995, 2023)
        prefix = f"10.{rng.randint(1000, 9999)}/{journal[:4].lower().replace(' ', '')}"
        for title in rng.sample(RECURRING, 4):
            page = rng.randint(1, 300)
            for issue in range(1, rng.randint(3, 8)):
                page += rng.randint(80, 160)
                same_author = rng.random() < 0.8
                row = {"id": next_id, "title": title, "year": year, "journal": journal, "volume": str(volume),
                       "issue": str(issue), "pages": f"{page}-{page + rng.randint(0, 2)}",
                       "doi": f"{prefix}.{year}.{issue}.{page}" if rng.random() < 0.6 else None,
                       "authors": json.dumps([editor if same_author else {"family": rng.choice(surnames), "given": "A"}]),
                       "type": None}
                row.update({k: v for k, v in normalise_fields({**row, "authors": json.loads(row["authors"]),
                                                                "year": str(year)}).items() if k not in ("keywords",)})
                out.append(row)
                next_id += 1
                if rng.random() < 0.3:  # the same item from a second database
                    copy = dict(row, id=next_id)
                    what = rng.choice(["nodoi", "abbrev", "noissue", "firstpage"])
                    if what == "nodoi":
                        copy["doi"] = None
                    elif what == "abbrev":
                        copy["journal"] = iso4(journal, rng)
                    elif what == "noissue" and copy.get("doi"):
                        copy["issue"] = None
                    else:
                        copy["pages"] = str(page)
                    copy.update(normalise_fields({**copy, "authors": json.loads(copy["authors"]), "year": str(year)}))
                    out.append(copy)
                    truth.append([str(row["id"]), str(next_id)])
                    next_id += 1
    return out, truth


def _second_export(row: dict[str, Any], next_id: int, rng: random.Random) -> dict[str, Any]:
    """The same item from a second database: no DOI, an abbreviated journal, or no pages."""
    copy = dict(row, id=next_id)
    what = rng.choice(["nodoi", "abbrev", "nopages"])
    if what == "nodoi":
        copy["doi"] = None
    elif what == "abbrev":
        copy["journal"] = iso4(row["journal"], rng)
    else:
        copy["pages"] = None
    copy.update(normalise_fields({**copy, "authors": json.loads(copy["authors"]), "year": str(copy["year"])}))
    return copy


def _row(next_id: int, **values: Any) -> dict[str, Any]:
    row = {"id": next_id, "type": None, **values}
    row.update({k: v for k, v in normalise_fields({**row, "authors": json.loads(row["authors"]),
                                                    "year": str(row["year"])}).items() if k != "keywords"})
    return row


_TOPICS = ["a man with a cough", "a woman with fever and rash", "an infant with jaundice", "a man with chest pain",
           "a woman with a neck mass", "a child with a limp", "a man with weight loss", "a woman with headache"]


def numbered_set(rows: list[dict[str, Any]], seed: int) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Numbered series (case records, "Case 1", "Case 12"): DOIs that are prefixes of one
    another (10.5555/case.1, case.12), titles that differ by a number, years and authors
    apart; 30% exported a second time (the true duplicates)."""
    rng = random.Random(f"{seed}:numbered")
    surnames = sorted({a["family"] for r in rows[:3000] if r.get("authors") for a in json.loads(r["authors"])[:1]
                       if a.get("family", "").isalpha()})
    journals = sorted({r["journal"] for r in rows if r.get("journal") and len(r["journal"]) > 12})
    out: list[dict[str, Any]] = []
    truth: list[list[str]] = []
    next_id = 1
    for series, journal in enumerate(rng.sample(journals, 4)):
        for n in range(1, 31):
            year = 1990 + n // 2
            row = _row(next_id, title=f"Case {n}: {rng.choice(_TOPICS)}", year=year, journal=journal,
                       volume=str(year - 1980), issue=str(n % 12 + 1), pages=f"{100 + 7 * n}-{104 + 7 * n}",
                       doi=f"10.5555/case{series}.{n}",
                       authors=json.dumps([{"family": rng.choice(surnames), "given": "A"}]))
            out.append(row)
            next_id += 1
            if rng.random() < 0.3:
                out.append(_second_export(row, next_id, rng))
                truth.append([str(row["id"]), str(next_id)])
                next_id += 1
    return out, truth


def cochrane_set(rows: list[dict[str, Any]], seed: int) -> tuple[list[dict[str, Any]], list[list[str]], list[list[str]]]:
    """Successive versions of Cochrane reviews (.pub2, .pub3; the same title and CD number,
    years apart), 30% exported a second time. Returns the records, the true groups when
    each version is its own work, and when all versions are one work."""
    rng = random.Random(f"{seed}:cochrane")
    titles = [r["title"] for r in rows if r.get("title") and len(r["title"]) > 40][:400]
    surnames = sorted({a["family"] for r in rows[:3000] if r.get("authors") for a in json.loads(r["authors"])[:1]
                       if a.get("family", "").isalpha()})
    out: list[dict[str, Any]] = []
    versions: list[list[str]] = []
    reviews: list[list[str]] = []
    next_id = 1
    for _ in range(60):
        cd = f"CD{rng.randint(1000, 14000):06d}"
        title, author, year = rng.choice(titles), rng.choice(surnames), rng.randint(2000, 2012)
        members: list[str] = []
        for version in range(1, rng.randint(2, 5)):
            year += rng.randint(2, 4)
            row = _row(next_id, title=title, year=year, journal="Cochrane Database of Systematic Reviews",
                       issue=str(rng.randint(1, 12)), pages=cd,
                       doi=f"10.1002/14651858.{cd}" + (f".pub{version}" if version > 1 else ""),
                       authors=json.dumps([{"family": author, "given": "J"}, {"family": rng.choice(surnames), "given": "K"}]))
            out.append(row)
            group = [str(next_id)]
            next_id += 1
            if rng.random() < 0.3:
                out.append(_second_export(row, next_id, rng))
                group.append(str(next_id))
                next_id += 1
            versions.append(group)
            members.extend(group)
        reviews.append(members)
    return out, [g for g in versions if len(g) > 1], reviews


# -- running ---------------------------------------------------------------------------


def ours(rows: list[dict[str, Any]], key: dict[int, str], threshold: float | None = None,
         settings: DedupSettings | None = None, truth: list[list[str]] | None = None) -> list[list[str]]:
    """Our groups (as truth keys); with ``truth``, also what the queue offers (see
    :func:`ours_offered`)."""
    return ours_offered(rows, key, threshold, settings, truth)[0]


def ours_offered(rows: list[dict[str, Any]], key: dict[int, str], threshold: float | None = None,
                 settings: DedupSettings | None = None,
                 truth: list[list[str]] | None = None) -> tuple[list[list[str]], Offered | None]:
    keys = build_keys(rows)
    settings = settings or DedupSettings()
    found = find_groups(keys, settings if threshold is None else settings.with_threshold(threshold))
    ids = [key[int(i)] for i in keys.ids]
    groups = [[ids[i] for i in g] for g in found.clustering.groups if len(g) > 1]
    return groups, (offered(found, ids, truth) if truth is not None else None)


def bib_dedupe(python: Path | None, rows: list[dict[str, Any]], key: dict[int, str], cache: Path) -> list[list[str]] | None:
    if python is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages",
                             "doi", "abstract"])
            for row in rows:
                authors = json.loads(row["authors"]) if row.get("authors") else []
                writer.writerow([row["id"], "article", row.get("title") or "",
                                 format_authors(authors).replace("; ", " and "), row.get("year") or "",
                                 row.get("journal") or "", row.get("volume") or "", row.get("issue") or "",
                                 row.get("pages") or "", row.get("doi") or row.get("doi_fragment") or "",
                                 row.get("abstract") or ""])
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        cached = cache / f"{digest}.json"
        if not cached.exists():
            done = subprocess.run([str(python), str(ROOT / "benchmarks" / "bib_dedupe_driver.py"), str(path)],
                                  capture_output=True, text=True, check=True)
            cache.mkdir(parents=True, exist_ok=True)
            cached.write_text(done.stdout)
    result = json.loads(cached.read_text())
    return [[key[int(x)] for x in g] for g in result["groups"] if len(g) > 1]


def _line(name: str, kind: str, tool: str, s: Score) -> str:
    return (f"| {name} | {kind} | {tool} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | "
            f"{s.wrongly_merged} | {s.missed} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--classes", nargs="*", default=[*CLASSES, *STRESS], choices=[*CLASSES, *STRESS])
    parser.add_argument("--rate", type=float, default=0.2, help="Share of records damaged per class.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-bib-dedupe", action="store_true")
    parser.add_argument("--bib-dedupe-python")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "review-bib-dedupe-cache")
    parser.add_argument("--labels", choices=["original", "curated"], default="original",
                        help="hair2023 truth: the original DuplicateID groups or the curated merged_record_ids.csv.")
    parser.add_argument("--cv", action="store_true",
                        help="Also choose the merge threshold by leave-one-set-out cross-validation.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    cv: dict[tuple[str, float], list[Score]] = {}
    python = None if args.no_bib_dedupe else bib_dedupe_python(args.bib_dedupe_python)
    lines = ["| set | damage | tool | precision | recall | F1 | wrongly merged | missed |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    figures: list[dict[str, Any]] = []
    all_rows: list[dict[str, Any]] = []
    queue_rows: list[dict[str, Any]] = []

    def record(name: str, kind: str, tool: str, s: Score) -> None:
        lines.append(_line(name, kind, tool, s))
        figures.append({"set": name, "damage": kind, "tool": tool, **s.__dict__})
        print(lines[-1], file=sys.stderr)

    for name in args.sets:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(f"sqlite:///{Path(tmp) / 'review.db'}")
            import_set(name, store, Path(tmp))
            with store.read() as conn:
                rows = load_records(conn)
            key = record_keys(name, store)
            store.close()
        all_rows.extend(rows[:1500])
        truth = truth_groups(name, args.labels if SETS[name][0] == "hair" else "curated")
        for kind in (k for k in args.classes if k not in STRESS):
            data = damaged(rows, kind, args.rate, args.seed)
            groups, seen = ours_offered(data, key, truth=truth)
            record(name, kind, "review", score(groups, truth, 0.0))
            queue_rows.append({"set": name, "damage": kind, "offered": seen})
            for threshold in THRESHOLDS if args.cv else ():
                cv.setdefault((name, threshold), []).append(score(ours(data, key, threshold), truth, 0.0))
            theirs = bib_dedupe(python, data, key, args.cache)
            if theirs is not None:
                record(name, kind, "bib-dedupe", score(theirs, truth, 0.0))
    if "recurring" in args.classes and all_rows:
        data, truth = recurring_set(all_rows, args.seed)
        key = {int(r["id"]): str(r["id"]) for r in data}
        record("recurring items", f"{len(data)} records", "review", score(ours(data, key), truth, 0.0))
        theirs = bib_dedupe(python, data, key, args.cache)
        if theirs is not None:
            record("recurring items", f"{len(data)} records", "bib-dedupe", score(theirs, truth, 0.0))
    if "numbered" in args.classes and all_rows:
        data, truth = numbered_set(all_rows, args.seed)
        key = {int(r["id"]): str(r["id"]) for r in data}
        record("numbered series", f"{len(data)} records", "review", score(ours(data, key), truth, 0.0))
        theirs = bib_dedupe(python, data, key, args.cache)
        if theirs is not None:
            record("numbered series", f"{len(data)} records", "bib-dedupe", score(theirs, truth, 0.0))
    if "cochrane" in args.classes and all_rows:
        data, versions, reviews = cochrane_set(all_rows, args.seed)
        key = {int(r["id"]): str(r["id"]) for r in data}
        record("cochrane versions", "versions apart", "review", score(ours(data, key), versions, 0.0))
        one = DedupSettings(cochrane_versions="ignore")
        record("cochrane versions", "versions one work", "review", score(ours(data, key, settings=one), reviews, 0.0))
        theirs = bib_dedupe(python, data, key, args.cache)
        if theirs is not None:
            record("cochrane versions", "versions apart", "bib-dedupe", score(theirs, versions, 0.0))
            record("cochrane versions", "versions one work", "bib-dedupe", score(theirs, reviews, 0.0))
    print("\n".join(lines))
    print("\nSide by side (** where bib-dedupe's F1 is higher):\n")
    print(side_by_side(figures, list(SETS)))
    print("\n" + summary(figures, list(SETS)))
    classes = [k for k in args.classes if k not in STRESS]
    if classes:
        print("\nPer damage class over the sets: mean F1, worst F1 (set), worst precision.\n")
        print(per_class(figures, list(SETS), classes))
    if queue_rows:
        print("\nLabelled duplicate pairs a person is never offered (neither merged nor queued), and the queue:\n")
        print(offered_table(queue_rows))
    if cv:
        print("\nLeave-one-set-out: the threshold with the best mean F1 (clean and damaged) on the other sets,")
        print("and the held-out set's mean F1 at that threshold and at the default.\n")
        print("| held-out set | chosen threshold | F1 at chosen | F1 at default | worst precision at chosen |"
              " worst precision at default |\n| --- | ---: | ---: | ---: | ---: | ---: |")
        names = sorted({n for n, _ in cv})
        default = DedupSettings().threshold
        for held in names:
            others = [n for n in names if n != held]
            best = max(THRESHOLDS, key=lambda t: (statistics.mean(s.f1 for n in others for s in cv[(n, t)]), t == default))
            print(f"| {held} | {best} | {statistics.mean(s.f1 for s in cv[(held, best)]):.4f} | "
                  f"{statistics.mean(s.f1 for s in cv[(held, default)]):.4f} | "
                  f"{min(s.precision for s in cv[(held, best)]):.4f} | {min(s.precision for s in cv[(held, default)]):.4f} |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
