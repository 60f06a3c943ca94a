"""Markdown (pipe tables, as GitHub and pandoc read them); text escaped by ``escaping.markdown``."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from review.reports.model import Cell, Table
from review.reports.writers.escaping import markdown as escape


def _cell(cell: Cell) -> str:
    if cell.style == "caps":
        return escape(cell.text.upper())
    text = escape(cell.text)
    if not text:
        return text
    if cell.style == "strike":
        return f"~~{text}~~"
    if cell.style == "bold":
        return f"**{text}**"
    return text


def render(table: Table) -> str:
    lines = [f"**{escape(table.title)}**", ""]
    if not table.rows:
        lines += [f"*{escape(table.empty)}*", ""]
    else:
        width = len(table.columns)
        lines.append("| " + " | ".join(escape(c) for c in table.columns) + " |")
        lines.append("|" + "|".join("---:" if i in table.numeric else "---" for i in range(width)) + "|")
        for group, rows in table.groups():
            if group is not None and table.group_label:
                lines.append("| **" + escape(group) + "** |" + " |" * (width - 1))
            for row in rows:
                lines.append("| " + " | ".join(_cell(c) for c in row.cells) + " |")
        lines.append("")
    lines += [escape(note, paragraph=True) for note in table.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def write(table: Table, path: Path, env: Environment | None = None) -> None:
    path.write_text(render(table), encoding="utf-8", newline="\n")
