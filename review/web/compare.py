"""The lead's comparison view: ``/reports/ID/compare`` and ``GET /api/v1/reports/ID/comparison``.

Both come from :func:`review.web.comparison.report_comparison` (the page shows what the
JSON says). Coders see only their own coding; a reviewer asking gets 403.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from review.errors import NotFound
from review.web.accounts import User
from review.web.coding import _id, not_found
from review.web.comparison import report_comparison
from review.web.http import api, blocking, error_message, state_of
from review.web.pages import page, render


def _number(value: object) -> str:
    """A figure as ``review extract agreement`` prints it (two decimals, or n/a)."""
    return "n/a" if value is None else f"{value:.2f}"


@page
async def compare_page(request: Request, user: User) -> Response:
    work_id = _id(request)
    try:
        found = await blocking(report_comparison, state_of(request), user, work_id,
                               request.query_params.get("coders") or None)
    except NotFound as exc:
        return render("message.html", request, user, status_code=404, title="Not found",
                      message=error_message(exc))
    return render("compare.html", request, user, number=_number, **found)


@api
async def comparison_api(request: Request, user: User) -> Response:
    try:
        work_id = _id(request)
        found = await blocking(report_comparison, state_of(request), user, work_id,
                               request.query_params.get("coders") or None)
    except NotFound as exc:
        return not_found(exc)
    return JSONResponse(found)


ROUTES = [
    Route("/reports/{id}/compare", compare_page),
    Route("/api/v1/reports/{id}/comparison", comparison_api),
]
