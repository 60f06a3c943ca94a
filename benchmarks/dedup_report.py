"""Tables printed by ``benchmarks/dedup_damage.py``: ours and bib-dedupe side by side per set
and damage class, the mean and worst of each tool, and the figures per damage class."""

from __future__ import annotations

import statistics
from typing import Any

TOOLS = ("review", "bib-dedupe")


def _cell(f: dict[str, Any] | None) -> str:
    return f"{f['precision']:.4f} | {f['recall']:.4f} | {f['f1']:.4f}" if f else "- | - | -"


def side_by_side(figures: list[dict[str, Any]], sets: list[str]) -> str:
    """Per set and damage class: precision, recall and F1 of both tools; ``**`` where
    bib-dedupe's F1 is higher; then the cells where it is, and our lowest precision."""
    by = {(f["set"], f["damage"], f["tool"]): f for f in figures}
    cells = sorted({(f["set"], f["damage"]) for f in figures if f["set"] in sets},
                   key=lambda c: (sets.index(c[0]), [f["damage"] for f in figures].index(c[1])))
    lines = ["| set | damage | review P | review R | review F1 | bib-dedupe P | bib-dedupe R | bib-dedupe F1 | |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    trailing = []
    for name, kind in cells:
        ours, theirs = by.get((name, kind, "review")), by.get((name, kind, "bib-dedupe"))
        behind = bool(ours and theirs and theirs["f1"] > ours["f1"] + 1e-12)
        if behind:
            trailing.append(f"{name} {kind} ({ours['f1']:.4f} vs {theirs['f1']:.4f})")
        lines.append(f"| {name} | {kind} | {_cell(ours)} | {_cell(theirs)} | {'**' if behind else ''} |")
    mine = [f for f in figures if f["tool"] == "review" and f["set"] in sets]
    if mine:
        low = min(mine, key=lambda f: f["precision"])
        lines.append(f"\ncells where bib-dedupe's F1 is higher: {', '.join(trailing) if trailing else 'none'}; "
                     f"our lowest precision {low['precision']:.4f} ({low['set']}, {low['damage']})")
    return "\n".join(lines)


def summary(figures: list[dict[str, Any]], sets: list[str]) -> str:
    """Each tool's mean precision, recall and F1 over the labelled sets, and its worst cells."""
    out = []
    for tool in TOOLS:
        mine = [f for f in figures if f["tool"] == tool and f["set"] in sets]
        if mine:
            worst = min(mine, key=lambda f: f["f1"])
            worst_p = min(mine, key=lambda f: f["precision"])
            out.append(f"{tool}: mean precision {statistics.mean(f['precision'] for f in mine):.4f}, "
                       f"mean recall {statistics.mean(f['recall'] for f in mine):.4f}, "
                       f"mean F1 {statistics.mean(f['f1'] for f in mine):.4f}; "
                       f"worst F1 {worst['f1']:.4f} ({worst['set']}, {worst['damage']}); "
                       f"worst precision {worst_p['precision']:.4f} ({worst_p['set']}, {worst_p['damage']})")
    return "\n\n".join(out)


def per_class(figures: list[dict[str, Any]], sets: list[str], classes: list[str]) -> str:
    """Per damage class over the sets: mean F1, worst F1 (set) and worst precision of each tool."""
    lines = ["| damage | review mean F1 | review worst F1 | review worst P | bib-dedupe mean F1 |"
             " bib-dedupe worst F1 | bib-dedupe worst P |", "| --- | ---: | --- | ---: | ---: | --- | ---: |"]
    for kind in classes:
        cells = []
        for tool in TOOLS:
            mine = [f for f in figures if f["tool"] == tool and f["damage"] == kind and f["set"] in sets]
            if not mine:
                cells.append("- | - | -")
                continue
            worst = min(mine, key=lambda f: f["f1"])
            cells.append(f"{statistics.mean(f['f1'] for f in mine):.4f} | {worst['f1']:.4f} ({worst['set']}) | "
                         f"{min(f['precision'] for f in mine):.4f}")
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    return "\n".join(lines)
