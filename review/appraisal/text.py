"""Plain-text views of the appraisal table, conflicts and agreement (what the CLI prints)."""

from __future__ import annotations

import textwrap
from typing import Any

SYMBOLS = {"yes": "\u2713", "no": "\u2717", "cant-tell": "?", "conflict": "!", None: "\u00b7"}


def render_table(table: dict[str, Any], *, comments: bool = False) -> str:
    """Reports as rows, criteria as columns (✓ ✗ ? n/a; ! = reviewers disagree; · = not rated)."""
    lines = [f"{table['instrument']['name']}, version {table['instrument']['version']}"]
    if not table["reports"]:
        return "\n".join([*lines, "No included reports yet: appraisal starts with the reports included at full "
                           "text (review screen --stage full-text)."])
    screening = [s["id"] for s in table["screening"]]
    reports = table["reports"]
    width = max([len(r["citation"]) + len(str(r["report"])) + 3 for r in reports] + [20])
    for category in table["categories"]:
        rated = [r for r in reports if category["id"] in r["categories"]]
        if not rated:
            continue
        items = [*screening, *category["items"]]
        lines += ["", f"{category['id']}. {category['label']} ({len(rated)})",
                  f"{'report':<{width}}  " + "  ".join(f"{i:>3}" for i in items) + "  criteria met (count, not a score)"]
        for report in rated:
            cells = [SYMBOLS.get((report["answers"].get(i) or {}).get("answer"), "?") for i in items]
            mixed = " (MM)" if report["categories"][0] != category["id"] else ""
            flag = "  \u2691 screening" if report["screening_flag"] else ""
            lines.append(f"{report['report']:>4} {report['citation']:<{width - 5}}  "
                         + "  ".join(f"{c:>3}" for c in cells)
                         + f"  {report['criteria_met']} of {report['criteria_rated']} rated{mixed}{flag}"
                         + ("" if report["status"] == "appraised" else f"  [{report['status']}]"))
    na = [r for r in reports if r["status"] == "not-applicable"]
    if na:
        lines += ["", f"Not applicable ({len(na)})"]
        lines += [f"{r['report']:>4} {r['citation']:<{width - 5}}  n/a: {r['not_applicable_reason'] or ''}" for r in na]
    pending = [r for r in reports if not r["categories"]]
    if pending:
        lines += ["", f"No design category yet ({len(pending)})"]
        lines += [f"{r['report']:>4} {r['citation']:<{width - 5}}  [{r['status']}]" for r in pending]
    if comments:
        lines += ["", "Comments"]
        for report in reports:
            for item, entry in report["answers"].items():
                if entry.get("comment"):
                    text = f"{report['report']:>4} {report['citation']} {item}: {entry['comment']}"
                    lines += textwrap.wrap(text, 100, subsequent_indent="       ")
            if report["not_applicable_reason"]:
                lines.append(f"{report['report']:>4} {report['citation']} n/a: {report['not_applicable_reason']}")
    counts: dict[str, int] = {}
    for report in reports:
        counts[report["status"]] = counts.get(report["status"], 0) + 1
    lines += ["", f"{len(reports)} included reports: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
              "Legend: \u2713 yes  \u2717 no  ? can't tell  ! reviewers disagree  \u00b7 not rated  "
              "\u2691 no or can't tell to S1/S2: further appraisal may not be feasible"]
    return "\n".join(lines)


def render_conflicts(conflicts: list[dict[str, Any]]) -> str:
    if not conflicts:
        return "No disagreements."
    lines = []
    for c in conflicts:
        answers = ", ".join(f"{name}: {answer}" for name, answer in sorted(c["answers"].items()))
        lines.append(f"{c['report']:>4} {c['citation']}  {c['item']}  {answers}")
        lines.append(f"       {textwrap.shorten(c['question'], 90)}")
    lines.append(f"{len(conflicts)} disagreement(s); settle each with: review appraise resolve REPORT ITEM ANSWER "
                 "--reviewer NAME")
    return "\n".join(lines)


def render_agreement(result: dict[str, Any]) -> str:
    if not result["pairs"]:
        return "Agreement needs two reviewers who appraised the same reports."
    lines = []
    for pair in result["pairs"]:
        a, b = pair["reviewers"]
        kappa = "n/a" if pair["kappa"] is None else f"{pair['kappa']:.2f}"
        percent = "n/a" if pair["percent"] is None else f"{pair['percent']:.1f}%"
        cats = pair["categories"]
        design = "n/a" if cats["percent"] is None else f"{cats['agreed']}/{cats['reports']} ({cats['percent']:.1f}%)"
        lines.append(f"{a} vs {b}: {pair['items']} items on {pair['reports']} reports, agreed {pair['agreed']} "
                     f"({percent}), Cohen's kappa {kappa}; same design category {design}")
    return "\n".join(lines)
