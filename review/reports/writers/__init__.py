"""One writer per table format: Markdown, HTML, LaTeX, DOCX and tidy CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment

from review.reports.model import Table
from review.reports.writers import csv_writer, docx_writer, html_writer, latex, markdown

TABLE_FORMATS = ("md", "html", "tex", "docx", "csv")

WRITERS: dict[str, Callable[[Table, Path, Environment], None]] = {
    "md": markdown.write,
    "html": html_writer.write,
    "tex": latex.write,
    "docx": docx_writer.write,
    "csv": csv_writer.write,
}


def write_table(table: Table, fmt: str, folder: Path, env: Environment) -> Path:
    """Write ``table-<name>.<fmt>`` into ``folder`` and return its path."""
    path = folder / f"table-{table.name}.{fmt}"
    WRITERS[fmt](table, path, env)
    return path
