"""MMAT plots: a traffic-light plot (reports x criteria, grouped by category) and a summary
bar plot (share of yes / no / can't tell per criterion), as SVG or PNG by the path's suffix.

Both take :func:`review.appraisal.appraisal_table`'s dict. Labels stay horizontal and at a
fixed size: the figure grows with the number of reports instead of shrinking its text
(robvis's traffic light becomes unreadable past a few dozen studies).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review.errors import InputError

COLOURS = {"yes": "#1b9e4b", "no": "#d7301f", "cant-tell": "#f2b701", "conflict": "#7b3294", None: "#ffffff"}
MARKS = {"yes": "+", "no": "\u2212", "cant-tell": "?", "conflict": "!", None: ""}
NAMES = {"yes": "Yes", "no": "No", "cant-tell": "Can't tell", "conflict": "Reviewers disagree",
         None: "Not rated"}
UNIT = 0.42  # inches per row (and per criterion column): the figure grows with the reports
LABELS = 8.5  # width of the report labels, in columns


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str | Path | Sequence[str | Path]) -> Path:
    """Save ``fig`` to one path, or to several (one drawing, several formats); the first is returned."""
    targets = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    for target in targets:
        if target.suffix.lower() not in (".svg", ".png"):
            raise InputError("plots are written as .svg or .png", path=target)
    import matplotlib

    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        metadata = {"Date": None} if target.suffix.lower() == ".svg" else {}
        with matplotlib.rc_context({"svg.hashsalt": "review", "svg.fonttype": "none"}):
            fig.savefig(target, dpi=150, bbox_inches="tight", metadata=metadata)
    _pyplot().close(fig)
    return targets[0]


def _sections(table: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(category, reports rated on it) in the instrument's order; mixed methods in each."""
    out = []
    for category in table["categories"]:
        rated = [r for r in table["reports"] if category["id"] in r["categories"]]
        if rated:
            out.append((category, rated))
    return out


def _label(report: dict[str, Any], category: dict[str, Any]) -> str:
    text = report["citation"]
    if report.get("study"):
        text += f"  [{report['study']}]"
    if len(report["categories"]) > 1 and report["categories"][0] != category["id"]:
        text += "  (mixed methods)"
    if report.get("screening_flag"):
        text += "  \u2691"
    return text


def plot_traffic_light(table: dict[str, Any], path: str | Path | Sequence[str | Path]) -> Path:
    """Reports x criteria (screening questions, then the category's five), by category."""
    plt = _pyplot()
    from matplotlib.lines import Line2D

    sections = _sections(table)
    cells: dict[str | None, list[tuple[float, float]]] = {}  # answer -> circle centres (drawn at once)
    screening = [s["id"] for s in table["screening"]]
    na = [r for r in table["reports"] if r["status"] == "not-applicable"]
    columns = len(screening) + max((len(c["items"]) for c in table["categories"]), default=5)
    fig = plt.figure()
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(-LABELS, columns + 0.2)
    y = 0.0
    ax.text(-LABELS + 0.1, y, f"{table['instrument']['name']} ({table['instrument']['version']})",
            fontsize=12, weight="bold", va="center")
    y += 0.9
    for category, rated in sections:
        ax.text(-LABELS + 0.1, y, f"{category['id']}. {category['label']}", fontsize=10.5, weight="bold", va="center")
        y += 0.9
        for x, item in enumerate([*screening, *category["items"]]):
            ax.text(x + 0.5, y, item, fontsize=9, ha="center", va="center")
        y += 0.9
        for report in rated:
            ax.text(-LABELS + 0.1, y, _label(report, category), fontsize=9, va="center")
            for x, item in enumerate([*screening, *category["items"]]):
                answer = (report["answers"].get(item) or {}).get("answer")
                cells.setdefault(answer if answer in COLOURS else None, []).append((x + 0.5, y))
            y += 1.0
        y += 0.35
    if na:
        ax.text(-LABELS + 0.1, y + 0.15, "Not appraisable with this instrument", fontsize=10.5, weight="bold", va="center")
        y += 1.5
        for report in na:
            ax.text(-LABELS + 0.1, y, report["citation"], fontsize=9, va="center")
            reason = report.get("not_applicable_reason") or ""
            ax.text(0.1, y, textwrap.shorten(reason, 80, placeholder="\u2026"), fontsize=8.5,
                    va="center", color="#555555", style="italic")
            y += 1.0
    if not sections and not na:
        ax.text(0.1, y, "No report has been appraised yet.", fontsize=10, va="center")
        y += 1.0
    dot = (0.72 * UNIT * 72) ** 2  # a circle 0.72 rows wide, in points squared
    for answer, points in cells.items():
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        ax.scatter(xs, ys, s=dot, c=COLOURS[answer], edgecolors="#555555", linewidths=0.7, zorder=2)
        if answer in ("yes", "no"):
            ax.scatter(xs, ys, s=dot * 0.28, marker="+" if answer == "yes" else "_", c="white", linewidths=2.2,
                       zorder=3)
        elif answer in ("cant-tell", "conflict"):
            for x, y_ in points:
                ax.text(x, y_, MARKS[answer], fontsize=10, ha="center", va="center", weight="bold", zorder=3,
                        color="white" if answer == "conflict" else "black")
    handles = [Line2D([], [], marker="o", linestyle="", markersize=10, markerfacecolor=COLOURS[k],
                      markeredgecolor="#555555", label=NAMES[k]) for k in ("yes", "no", "cant-tell", "conflict", None)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncol=5, frameon=False, fontsize=9)
    if any(r.get("screening_flag") for r in table["reports"]):
        ax.text(-LABELS + 0.1, y + 0.6, "\u2691 No or can't tell to a screening question: further appraisal may not be feasible.",
                fontsize=8.5, va="center")
        y += 0.8
    ax.set_ylim(y + 0.2, -0.6)
    ax.axis("off")
    fig.set_size_inches((columns + 0.2 + LABELS) * UNIT, (y + 0.8) * UNIT)
    return _save(fig, path)


def plot_summary(table: dict[str, Any], path: str | Path | Sequence[str | Path]) -> Path:
    """Share of yes / no / can't tell per criterion, over the reports rated on it."""
    plt = _pyplot()
    texts = {s["id"]: s["text"] for s in table["screening"]} | {i["id"]: i["text"] for i in table["items"]}
    order = [s["id"] for s in table["screening"]] + [i["id"] for i in table["items"]]
    counts: dict[str, dict[str, int]] = {}
    for report in table["reports"]:
        for item, entry in report["answers"].items():
            if item in texts and entry.get("answer") in ("yes", "no", "cant-tell"):
                counts.setdefault(item, {"yes": 0, "no": 0, "cant-tell": 0})[entry["answer"]] += 1
    items = [i for i in order if i in counts]
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.36 * max(len(items), 1)))
    if not items:
        ax.text(0.5, 0.5, "No report has been appraised yet.", ha="center", va="center")
        ax.axis("off")
        return _save(fig, path)
    labels = []
    for number, item in enumerate(items):
        total = sum(counts[item].values())
        left = 0.0
        for answer in ("yes", "no", "cant-tell"):
            share = 100 * counts[item][answer] / total
            ax.barh(number, share, left=left, color=COLOURS[answer], edgecolor="white",
                    label=NAMES[answer] if number == 0 else None)
            if share >= 8:
                ax.text(left + share / 2, number, f"{counts[item][answer]}", ha="center", va="center",
                        fontsize=8, color="white" if answer != "cant-tell" else "black")
            left += share
        labels.append(f"{item}  {textwrap.shorten(texts[item], 62, placeholder=chr(0x2026))}  (n={total})")
    ax.set_yticks(range(len(items)), labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Reports rated on the criterion (%)")
    ax.set_title(f"{table['instrument']['name']} ({table['instrument']['version']}): answers per criterion",
                 fontsize=11, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.6 / max(len(items), 1) - 0.04), ncol=3,
              frameon=False, fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _save(fig, path)
