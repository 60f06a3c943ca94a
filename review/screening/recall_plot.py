"""The recall curve of a simulation, beside ELAS u4's from the same starting records.

``review screen simulate --plot`` draws, against the share of records screened: the
recall of the chosen model, the recall of ELAS u4 (ASReview's default) from the same two
starting records when the chosen model is another one, random order, and the stopping
bound: the recall the 95% bound on relevant records remaining guarantees at that point
(``found / (found + bound)``, :func:`review.screening.stopping.estimate_remaining`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from review.screening.stopping import estimate_remaining


class SimulationResult(Protocol):
    """What the plot reads of a simulation (``review.screening.simulate.SimulationResult``)."""

    path: str
    model: str
    records: int
    labels_in_order: list[int]
    recall: dict[float, float]
    screened_to_95: int | None
    wss_at_95: float

    def curve(self) -> Sequence[Mapping[str, Any]]: ...

#: Points along the replay at which the stopping bound is drawn.
BOUND_POINTS = 60


def _xy(result: SimulationResult) -> tuple[list[float], list[float]]:
    rows = result.curve()
    x = [0.0] + [float(r["fraction_screened"]) for r in rows]
    y = [0.0] + [float(r["recall"]) for r in rows]
    if x[-1] < 1.0:  # every relevant record found: recall stays 1 to the end
        x.append(1.0)
        y.append(y[-1])
    return x, y


def bound_curve(result: SimulationResult, points: int = BOUND_POINTS) -> tuple[list[float], list[float]]:
    """The recall guaranteed by the 95% stopping bound, at up to ``points`` places.

    Returns:
        (share of records screened, recall at least) where the bound has a figure.
    """
    seq = result.labels_in_order
    xs: list[float] = []
    ys: list[float] = []
    step = max(1, len(seq) // points)
    for k in range(step, len(seq) + 1, step):
        est = estimate_remaining(seq[:k], result.records)
        if est.high is None:
            continue
        found = sum(seq[:k])
        xs.append(k / result.records)
        ys.append(found / (found + est.high) if found + est.high > 0 else 1.0)
    return xs, ys


def plot_curve(result: SimulationResult, path: str | Path, baseline: SimulationResult | None = None) -> Path:
    """Plot recall against share of records screened (PNG, SVG or PDF by suffix).

    Args:
        result: the simulation.
        path: where to write the plot.
        baseline: ELAS u4's simulation from the same starting records, drawn beside it
            (None when ``result`` is ELAS u4's, or not wanted).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.add_subplot()
    name = result.model.rsplit("[", 1)[-1].rstrip("]") if "[" in result.model else result.model
    if baseline is not None:
        bx, by = _xy(baseline)
        ax.plot(bx, by, color="#d9822b", linewidth=2.4, alpha=0.6,
                label=f"elas-u4, same start (WSS@95 {baseline.wss_at_95:.3f})")
    x, y = _xy(result)
    ax.plot(x, y, label=f"{name} (WSS@95 {result.wss_at_95:.3f})", color="#1f5fa8")
    lx, ly = bound_curve(result)
    if lx:
        ax.plot(lx, ly, color="#1f5fa8", linewidth=0.9, linestyle="--",
                label="recall at least (95% stopping bound)")
    ax.plot([0, 1], [0, 1], linestyle="--", color="#888888", label="random order")
    ax.axhline(0.95, color="#c0504d", linewidth=0.8, linestyle=":", label="95% recall")
    if result.screened_to_95 is not None:
        ax.axvline(result.screened_to_95 / result.records, color="#c0504d", linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("share of records screened")
    ax.set_ylabel("recall (relevant records found)")
    ax.set_title(f"{Path(result.path).name}: WSS@95 = {result.wss_at_95:.3f}, "
                 f"recall@10% = {result.recall[0.10]:.3f}", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")  # a long file name in the title is never cut
    return path
