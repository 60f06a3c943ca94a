"""Standalone HTML through the ``table.html.j2`` template (autoescaped, print CSS)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from review.reports.model import Table
from review.reports.templating import render_template


def write(table: Table, path: Path, env: Environment) -> None:
    text = render_template(env, "table.html.j2", table=table, groups=table.groups(),
                           orientation="landscape" if table.wide else "portrait")
    path.write_text(text, encoding="utf-8", newline="\n")
