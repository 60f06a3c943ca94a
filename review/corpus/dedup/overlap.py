"""``review dedup overlap``: how much the sources overlap, after deduplication.

Per source (records are grouped by source name, so two files imported as "PubMed" count
as one source): its records, its works, the records and works found by no other source,
and for every other source the number of works both found. Written as a tidy CSV (a
header row, one row per source, every cell filled) and a heat map (PNG).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from review.corpus.dedup.tables import works_x
from review.errors import ReviewError
from review.store import Store, schema

CSV_NAME = "dedup-overlap.csv"
PNG_NAME = "dedup-overlap.png"


@dataclass
class Overlap:
    """Counts per source and per pair of sources."""

    sources: list[str]
    records: dict[str, int]
    works: dict[str, int]
    unique_records: dict[str, int]
    unique_works: dict[str, int]
    shared: dict[tuple[str, str], int]  # works found by both (diagonal: the source's works)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": [
                {"source": s, "records": self.records[s], "works": self.works[s],
                 "unique_records": self.unique_records[s], "unique_works": self.unique_works[s],
                 "shared_works": {t: self.shared[(s, t)] for t in self.sources if t != s}}
                for s in self.sources
            ]
        }


def overlap(store: Store) -> Overlap:
    """The overlap between sources.

    Raises:
        ReviewError: no records, or records not yet deduplicated.
    """
    r, s = schema.records, schema.sources
    with store.read() as conn:
        total = conn.execute(select(func.count()).select_from(r)).scalar_one()
        if not total:
            raise ReviewError("there are no records yet: run `review import` first")
        if conn.execute(select(func.count()).select_from(r).where(r.c.work_id.is_(None))).scalar_one():
            raise ReviewError("some records are not deduplicated yet: run `review dedup` first")
        parent = dict(conn.execute(select(works_x.c.id, works_x.c.merged_into)).all())
        rows = conn.execute(select(s.c.name, r.c.work_id).join(s, s.c.id == r.c.source_id)).all()
        order = [name for (name,) in conn.execute(select(s.c.name).order_by(s.c.id))]
    sources = list(dict.fromkeys(order))

    def live(work: int) -> int:
        seen = {work}
        while parent.get(work) is not None and parent[work] not in seen:
            work = parent[work]
            seen.add(work)
        return work

    works_of: dict[str, set[int]] = defaultdict(set)
    sources_of: dict[int, set[str]] = defaultdict(set)
    records: dict[str, int] = defaultdict(int)
    record_works: list[tuple[str, int]] = []
    for name, work in rows:
        w = live(work)
        works_of[name].add(w)
        sources_of[w].add(name)
        records[name] += 1
        record_works.append((name, w))
    unique_records: dict[str, int] = defaultdict(int)
    for name, w in record_works:
        if sources_of[w] == {name}:
            unique_records[name] += 1
    return Overlap(
        sources=sources,
        records={n: records[n] for n in sources},
        works={n: len(works_of[n]) for n in sources},
        unique_records={n: unique_records[n] for n in sources},
        unique_works={n: sum(1 for w in works_of[n] if sources_of[w] == {n}) for n in sources},
        shared={(a, b): len(works_of[a] & works_of[b]) for a in sources for b in sources},
    )


def write_overlap(result: Overlap, out_dir: Path) -> list[Path]:
    """Write the CSV and the heat map into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / CSV_NAME
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "records", "works", "unique_records", "unique_works", *result.sources])
        for a in result.sources:
            writer.writerow([a, result.records[a], result.works[a], result.unique_records[a],
                             result.unique_works[a], *[result.shared[(a, b)] for b in result.sources]])
    png_path = out_dir / PNG_NAME
    _heat_map(result, png_path)
    return [csv_path, png_path]


def _heat_map(result: Overlap, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = result.sources
    matrix = np.array([[result.shared[(a, b)] for b in names] for a in names], dtype=float)
    size = max(4.0, 0.9 * len(names) + 2.5)
    fig, ax = plt.subplots(figsize=(size, size * 0.85))
    try:
        image = ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(names)), labels=names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), labels=names)
        top = matrix.max() if matrix.size else 0
        for i in range(len(names)):
            for j in range(len(names)):
                value = int(matrix[i, j])
                ax.text(j, i, str(value), ha="center", va="center",
                        color="white" if top and value > top / 2 else "black", fontsize=9)
        ax.set_title("Works found by both sources (diagonal: all works of the source)")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        fig.tight_layout()
        fig.savefig(path, dpi=120, bbox_inches="tight")  # titles and tick labels never cut
    finally:
        plt.close(fig)


def format_overlap(result: Overlap) -> str:
    """The overlap as a text table."""
    names = result.sources
    width = max([len(n) for n in names] + [6])
    head = f"{'source':<{width}}  {'records':>7}  {'works':>6}  {'unique':>6}"
    lines = ["Per source (unique = records no other source found):", head]
    for n in names:
        lines.append(f"{n:<{width}}  {result.records[n]:>7}  {result.works[n]:>6}  {result.unique_records[n]:>6}")
    lines += ["", "Works found by both (row source x column source):"]
    cols = [n[:10] for n in names]
    lines.append(" " * width + "  " + "  ".join(f"{c:>10}" for c in cols))
    for a in names:
        lines.append(f"{a:<{width}}  " + "  ".join(f"{result.shared[(a, b)]:>10}" for b in names))
    return "\n".join(lines)
