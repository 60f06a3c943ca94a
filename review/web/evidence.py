"""The realist stages in the browser: coding, appraisal, theories and outputs (their routes)."""

from __future__ import annotations

from review.web import appraising, coding

ROUTES = [*coding.ROUTES, *appraising.ROUTES]
