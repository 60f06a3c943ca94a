"""Coding agreement between coders who coded the same reports.

For each pair of coders and each report both coded:

1. **Segments.** Each coder's fragments are aligned one-to-one with the other's by
   character overlap in the same text (largest overlap first); fragments without offsets
   (unverified) align when their quotes are the same after :func:`canonical`. A fragment
   that overlaps nothing of the other coder's is a segment the other did not code.
2. **Characters.** The characters each coder coded (the union of their fragments' spans),
   those both coded, and the overlap (both / either: Jaccard).
3. **Theory links.** On every segment, for every theory either coder linked there, each
   coder's value is the link's direction (``supports``, ``refutes``, ``refines``) or
   ``none``. These items are pooled over the pair's reports, and agreement on them is given
   as percent agreement, Cohen's kappa (scikit-learn) and Krippendorff's alpha, nominal
   (the ``krippendorff`` package). Kappa and alpha are null when undefined (one value only).
4. **C/M/O components.** On every segment, for each of context, mechanism resource,
   mechanism reasoning and outcome: did each coder code it (``coded`` / ``none``); the same
   statistics over these items say whether coders agree on what a passage is evidence of.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from typing import Any

from sqlalchemy.engine import Connection

from review.extraction.fragments import current_fragments
from review.extraction.model import CMO_FIELDS, Fragment
from review.extraction.quotes import canonical

NONE = "none"


def _overlap(a: Fragment, b: Fragment) -> int:
    if a.char_start is not None and b.char_start is not None and a.text_path == b.text_path:
        return max(0, min(a.char_end, b.char_end) - max(a.char_start, b.char_start))
    if (a.char_start is None or b.char_start is None) and canonical(a.quote) == canonical(b.quote):
        return len(canonical(a.quote))
    return 0


def align(first: list[Fragment], second: list[Fragment]) -> list[tuple[Fragment | None, Fragment | None, int]]:
    """One-to-one segments: (first's fragment, second's fragment, characters in common)."""
    candidates = sorted(((_overlap(a, b), a.id, b.id, a, b) for a in first for b in second),
                        key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    segments: list[tuple[Fragment | None, Fragment | None, int]] = []
    for chars, _, _, a, b in candidates:
        if chars <= 0 or a.id in used_a or b.id in used_b:
            continue
        used_a.add(a.id)
        used_b.add(b.id)
        segments.append((a, b, chars))
    segments += [(a, None, 0) for a in first if a.id not in used_a]
    segments += [(None, b, 0) for b in second if b.id not in used_b]
    return sorted(segments, key=lambda s: min(f.char_start if f.char_start is not None else math.inf
                                              for f in s[:2] if f is not None))


def _spans(fragments: list[Fragment]) -> set[tuple[str, int]]:
    return {(f.text_path, i) for f in fragments if f.char_start is not None
            for i in range(f.char_start, f.char_end)}


def _items(segments: list[tuple[Fragment | None, Fragment | None, int]]) -> list[tuple[str, str]]:
    items = []
    for a, b, _ in segments:
        links_a = dict(a.links) if a else {}
        links_b = dict(b.links) if b else {}
        for theory in sorted(set(links_a) | set(links_b)):
            items.append((links_a.get(theory, NONE), links_b.get(theory, NONE)))
    return items


def _cmo_items(segments: list[tuple[Fragment | None, Fragment | None, int]]) -> list[tuple[str, str]]:
    """Per segment and C/M/O component: was it coded (``coded`` / ``none``) by each coder."""
    def coded(fragment: Fragment | None, name: str) -> str:
        return "coded" if fragment is not None and (getattr(fragment, name) or "").strip() else NONE

    return [(coded(a, name), coded(b, name)) for a, b, _ in segments for name in CMO_FIELDS]


def link_statistics(items: list[tuple[str, str]]) -> dict[str, Any]:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha over (coder 1, coder 2) values."""
    agreed = sum(1 for x, y in items if x == y)
    stats: dict[str, Any] = {"items": len(items), "agreed": agreed,
                             "percent_agreement": round(agreed / len(items), 4) if items else None,
                             "cohen_kappa": None, "krippendorff_alpha": None}
    values = sorted({v for pair in items for v in pair})
    if len(values) < 2:
        return stats
    import krippendorff
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    first = [x for x, _ in items]
    second = [y for _, y in items]
    expected = sum((first.count(v) / len(items)) * (second.count(v) / len(items)) for v in values)
    if expected < 1:
        stats["cohen_kappa"] = round(float(cohen_kappa_score(first, second, labels=values)), 4)
    code = {v: i for i, v in enumerate(values)}
    data = np.array([[code[x] for x in first], [code[y] for y in second]], dtype=float)
    try:
        alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                   value_domain=list(range(len(values))))
        stats["krippendorff_alpha"] = None if math.isnan(alpha) else round(float(alpha), 4)
    except (ValueError, ZeroDivisionError):
        pass
    return stats


def _pair(coder_a: str, coder_b: str, by_report: dict[int, dict[str, list[Fragment]]]) -> dict[str, Any] | None:
    reports = sorted(w for w, coders in by_report.items() if coder_a in coders and coder_b in coders)
    if not reports:
        return None
    all_items: list[tuple[str, str]] = []
    all_cmo: list[tuple[str, str]] = []
    rows = []
    totals = {"a": 0, "b": 0, "both": 0, "segments": 0, "overlapping": 0}
    for work_id in reports:
        first, second = by_report[work_id][coder_a], by_report[work_id][coder_b]
        segments = align(first, second)
        items = _items(segments)
        all_items += items
        cmo = _cmo_items(segments)
        all_cmo += cmo
        chars_a, chars_b = _spans(first), _spans(second)
        both = len(chars_a & chars_b)
        either = len(chars_a | chars_b)
        overlapping = sum(1 for a, b, _ in segments if a and b)
        totals["a"] += len(chars_a)
        totals["b"] += len(chars_b)
        totals["both"] += both
        totals["segments"] += len(segments)
        totals["overlapping"] += overlapping
        rows.append({
            "report": work_id,
            "fragments": {coder_a: len(first), coder_b: len(second)},
            "segments": len(segments), "overlapping": overlapping,
            "characters": {coder_a: len(chars_a), coder_b: len(chars_b), "both": both,
                           "overlap": round(both / either, 4) if either else None},
            "theory_links": link_statistics(items),
            "cmo_components": link_statistics(cmo),
            "aligned": [{"fragments": {coder_a: a.id if a else None, coder_b: b.id if b else None},
                         "overlap": chars,
                         "theories": {t: {coder_a: (dict(a.links) if a else {}).get(t, NONE),
                                          coder_b: (dict(b.links) if b else {}).get(t, NONE)}
                                      for t in sorted({x for f in (a, b) if f for x, _ in f.links})}}
                        for a, b, chars in segments],
        })
    either = totals["a"] + totals["b"] - totals["both"]
    return {
        "coders": [coder_a, coder_b], "reports": reports,
        "fragments": {coder_a: sum(r["fragments"][coder_a] for r in rows),
                      coder_b: sum(r["fragments"][coder_b] for r in rows)},
        "segments": totals["segments"], "overlapping": totals["overlapping"],
        "characters": {coder_a: totals["a"], coder_b: totals["b"], "both": totals["both"],
                       "overlap": round(totals["both"] / either, 4) if either else None},
        "theory_links": link_statistics(all_items),
        "cmo_components": link_statistics(all_cmo),
        "by_report": rows,
    }


def coding_agreement(conn: Connection) -> dict[str, Any]:
    """What ``review extract agreement --json`` prints: one entry per pair of coders."""
    by_report: dict[int, dict[str, list[Fragment]]] = defaultdict(lambda: defaultdict(list))
    for item in current_fragments(conn):
        by_report[item.work_id][item.coder].append(item)
    coders = sorted({c for per in by_report.values() for c in per})
    double = sorted(w for w, per in by_report.items() if len(per) >= 2)
    pairs = [p for p in (_pair(a, b, by_report) for a, b in itertools.combinations(coders, 2)) if p]
    return {"coders": coders, "reports_coded": len(by_report), "reports_double_coded": double,
            "pairs": pairs}


def _num(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def format_agreement(result: dict[str, Any]) -> str:
    """The agreement as text, one block per pair of coders."""
    if not result["pairs"]:
        return (f"No report was coded by two coders ({len(result['coders'])} coder(s): "
                f"{', '.join(result['coders']) or 'none'}); nothing to compare")
    lines = []
    for pair in result["pairs"]:
        a, b = pair["coders"]
        links, chars = pair["theory_links"], pair["characters"]
        lines += [f"{a} and {b}: {len(pair['reports'])} report(s) both coded",
                  f"  fragments: {a} {pair['fragments'][a]}, {b} {pair['fragments'][b]}; "
                  f"{pair['overlapping']} of {pair['segments']} segment(s) coded by both",
                  f"  characters coded: {a} {chars[a]}, {b} {chars[b]}, both {chars['both']} "
                  f"(overlap {_num(chars['overlap'])})",
                  f"  theory links: {links['agreed']}/{links['items']} agree "
                  f"({_num(links['percent_agreement'])}); Cohen's kappa {_num(links['cohen_kappa'])}; "
                  f"Krippendorff's alpha {_num(links['krippendorff_alpha'])}",
                  f"  C/M/O components coded: {pair['cmo_components']['agreed']}/{pair['cmo_components']['items']} "
                  f"agree; Cohen's kappa {_num(pair['cmo_components']['cohen_kappa'])}"]
    return "\n".join(lines)
