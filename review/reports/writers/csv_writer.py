"""Tidy CSV: a header row, one row per item, every cell filled (the group repeats)."""

from __future__ import annotations

import csv
from pathlib import Path

from jinja2 import Environment

from review.reports.model import Table


def rows(table: Table) -> list[list[str]]:
    """The header and rows as they are written (group first, when the table has one)."""
    table = table.tidy or table
    header = ([table.group_label] if table.group_label else []) + list(table.columns)
    body = [([row.group or ""] if table.group_label else []) + [c.text for c in row.cells]
            for row in table.rows]
    return [header, *body]


def write(table: Table, path: Path, env: Environment | None = None) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows(table))
