"""Reference parsing against a hand check: recall and precision per field, on the seeds' lists.

    .venv/bin/python benchmarks/citations_parse.py [--seeds DIR] [--json]

Reads the reference lists of the seed documents (``../shared/seeds``: Vancouver in 001, APA
with Markdown in 000 and 004), parses every reference, and compares 26 of them with the
fields written by hand in ``citations_parse_expected.json`` (beside this file). A field is
*correct* when it equals the hand-checked value (text compared without case, extra spaces or
a final full stop; authors as the list of family names, in order). Precision = correct /
fields the parser filled; recall = correct / fields the hand check has. Also prints, per
seed, how many references were found, parsed and left unparsed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from review.citations.parse import FIELDS, parse_reference  # noqa: E402
from review.citations.sections import split_references  # noqa: E402

EXPECTED = Path(__file__).resolve().parent / "citations_parse_expected.json"
SEEDS = REPO.parent / "shared" / "seeds"


def _norm(field: str, value: object) -> object:
    if field == "authors":
        return [str(a["family"] if isinstance(a, dict) else a).casefold() for a in value]  # type: ignore[union-attr]
    return " ".join(str(value).split()).rstrip(".").casefold()


def measure(seeds: Path) -> dict[str, object]:
    """Counts per field (expected, filled, correct) and per seed (found, parsed, unparsed)."""
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["references"]
    by_seed: dict[str, dict[int, object]] = {}
    lists: dict[str, dict[str, int]] = {}
    for name in sorted({e["seed"] for e in expected}):
        split = split_references((seeds / name).read_text(encoding="utf-8"))
        refs = split[1] if split else []
        parsed = {r.line: parse_reference(r.text, r.line) for r in refs}
        by_seed[name] = parsed
        ok = sum(1 for p in parsed.values() if p.parsed)  # type: ignore[attr-defined]
        lists[name] = {"found": len(refs), "parsed": ok, "unparsed": len(refs) - ok}
    tally: dict[str, Counter] = {f: Counter() for f in FIELDS}
    misses = []
    for item in expected:
        got = by_seed[item["seed"]].get(item["line"])
        fields = got.fields if got is not None else {}  # type: ignore[attr-defined]
        for field in FIELDS:
            want = item.get(field)
            have = fields.get(field)
            if want is not None:
                tally[field]["expected"] += 1
            if have not in (None, "", []):
                tally[field]["filled"] += 1
            if want is not None and have not in (None, "", []) and _norm(field, want) == _norm(field, have):
                tally[field]["correct"] += 1
            elif want is not None or have not in (None, "", []):
                misses.append({"seed": item["seed"], "line": item["line"], "field": field,
                               "expected": want, "parsed": have})
    per_field = {}
    for field, c in tally.items():
        per_field[field] = {"expected": c["expected"], "filled": c["filled"], "correct": c["correct"],
                            "precision": round(c["correct"] / c["filled"], 3) if c["filled"] else None,
                            "recall": round(c["correct"] / c["expected"], 3) if c["expected"] else None}
    total = Counter()
    for c in tally.values():
        total.update(c)
    return {"references": len(expected), "fields": per_field,
            "precision": round(total["correct"] / total["filled"], 3),
            "recall": round(total["correct"] / total["expected"], 3),
            "lists": lists, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.seeds)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['references']} hand-checked references")
    print(f"{'field':<9} {'expected':>8} {'filled':>7} {'correct':>8} {'precision':>10} {'recall':>7}")
    for field, row in result["fields"].items():  # type: ignore[union-attr]
        print(f"{field:<9} {row['expected']:>8} {row['filled']:>7} {row['correct']:>8} "
              f"{row['precision'] if row['precision'] is not None else '-':>10} "
              f"{row['recall'] if row['recall'] is not None else '-':>7}")
    print(f"all fields: precision {result['precision']}, recall {result['recall']}")
    for name, row in result["lists"].items():  # type: ignore[union-attr]
        print(f"{name}: {row['found']} references found, {row['parsed']} parsed, {row['unparsed']} unparsed")
    for miss in result["misses"]:  # type: ignore[union-attr]
        print(f"  miss {miss['seed']}:{miss['line']} {miss['field']}: expected {miss['expected']!r}, "
              f"parsed {miss['parsed']!r}")


if __name__ == "__main__":
    main()
