"""Manuscript outputs: the PRISMA 2020 flow diagram, tables and plots, from the database."""

from __future__ import annotations

from review.reports.render import render, report

__all__ = ["render", "report"]
