"""Plots: the MMAT traffic light and summary (drawn by the appraisal stage) and the
evidence matrix as a heat map. SVG and PNG, byte-stable (fixed SVG ids, no dates)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from review.reports.data import ReviewData
from review.reports.tables_theories import evidence_cell, evidence_counts

PLOT_FORMATS = ("svg", "png")
_RC = {"svg.hashsalt": "review", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8}


def _save(figure, path: Path) -> None:  # type: ignore[no-untyped-def]
    metadata = {"Date": None, "Creator": None} if path.suffix == ".svg" else {"Software": None}
    figure.savefig(path, format=path.suffix[1:], metadata=metadata, dpi=150, bbox_inches="tight")


def _placeholder(message: str, paths: list[Path]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(_RC):
        figure = plt.figure(figsize=(6, 1.2))
        figure.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=10, style="italic")
        for path in paths:
            _save(figure, path)
        plt.close(figure)


def _stable(path: Path) -> None:
    """Matplotlib writes the same SVG for the same figure once hashsalt is set; keep newlines."""
    if path.suffix == ".svg":
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\r\n", "\n"), encoding="utf-8", newline="\n")


def mmat_plot(data: ReviewData, kind: str, paths: list[Path]) -> str | None:
    """``plot-mmat-traffic-light`` or ``plot-mmat-summary``; returns a note when empty."""
    note = None
    if data.appraisal is None:
        note = f"no appraisal: {data.missing.get('appraisal')}"
    elif not [r for r in data.appraisal.get("reports", []) if r.get("status") in ("appraised", "partial", "conflict")]:
        note = "no appraisal recorded yet"
    if note:
        _placeholder(f"MMAT {kind.replace('-', ' ')}: {note}.", paths)
        return note
    import matplotlib

    matplotlib.use("Agg")
    from review.appraisal import plot_summary, plot_traffic_light  # type: ignore[attr-defined]

    draw: Callable[..., object] = plot_traffic_light if kind == "traffic-light" else plot_summary
    with matplotlib.rc_context({"svg.hashsalt": "review"}):
        draw(data.appraisal, paths)  # drawn once, saved in every format
    for path in paths:
        _stable(path)
    return None


def evidence_heatmap(data: ReviewData, paths: list[Path]) -> str | None:
    """Theories (rows) x documents (columns), shaded by the fragments for the theory
    (supporting or refining); a cell with refuting fragments is outlined in red, and each
    cell says its counts apart as the table does (``2/1R``). One drawing saved in each of
    ``paths``' formats."""
    theories, documents, counts = evidence_counts(data)
    if not theories or not documents or not data.fragments:
        note = ("no theories yet" if not theories else "no included documents yet" if not documents
                else "no fragments coded yet")
        _placeholder(f"Evidence matrix: {note}.", paths)
        return note
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    grid = np.array([[counts[(t["id"], w, "supports")] + counts[(t["id"], w, "refines")] for w in documents]
                     for t in theories], dtype=float)
    against = [(i, j) for i, t in enumerate(theories) for j, w in enumerate(documents)
               if counts[(t["id"], w, "refutes")]]
    with matplotlib.rc_context(_RC):
        width = min(2.5 + 0.28 * len(documents), 30)
        height = min(1.2 + 0.24 * len(theories), 40)
        small = {"fontsize": 8 if len(documents) <= 60 else 5}
        figure, axes = plt.subplots(figsize=(width, height))
        image = axes.imshow(grid, cmap="Blues", aspect="auto", vmin=0, vmax=max(1.0, float(grid.max())))
        axes.set_xticks(range(len(documents)), [data.citation(w) for w in documents], rotation=60, ha="right",
                        **small)
        axes.set_yticks(range(len(theories)), [str(t["id"]) for t in theories], **small)
        axes.set_xlabel("Document")
        axes.set_ylabel("Theory")
        from matplotlib.patches import Rectangle

        for i, j in against:
            axes.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#c0392b", linewidth=1.2))
        if grid.size <= 2500:
            top = grid.max() or 1
            for (i, j), value in np.ndenumerate(grid):
                text = evidence_cell(counts, theories[i]["id"], documents[j])
                if text != "0":
                    axes.text(j, i, text, ha="center", va="center", fontsize=6 if len(text) < 4 else 4.5,
                              color="#c0392b" if (i, j) in against and value <= top * 0.6
                              else "white" if value > top * 0.6 else "black")
        from matplotlib.ticker import MaxNLocator

        bar = figure.colorbar(image, ax=axes, label="Fragments for (supporting or refining)", shrink=0.6)
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title("Evidence matrix: fragments per theory and document"
                       + ("\n(red outline: refuting fragments, R; Rf: refining)" if against else ""))
        for path in paths:
            _save(figure, path)
            _stable(path)
        plt.close(figure)
    return None
