"""The realist stages in the browser: coding, appraisal, theories and outputs (their routes)."""

from __future__ import annotations

from review.web import appraising, coding, compare, outputs, theories_pages

ROUTES = [*compare.ROUTES, *coding.ROUTES, *appraising.ROUTES, *theories_pages.ROUTES, *outputs.ROUTES]
