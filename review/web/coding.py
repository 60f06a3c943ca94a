"""Coding C-M-O evidence on the full text: ``/reports``, ``/reports/ID``, ``/fragments`` and
the fragments API (``/api/v1/fragments``), plus ``/api/v1/version`` that open pages poll.

The coding view shows the report's text as the tool reads it, cut into spans that carry
their offsets (``data-o``), so that coding.js turns a selection into the character offsets
quotes are verified against. See :mod:`review.web.coding_service` for the rules.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from review.errors import InputError, NotFound
from review.extraction.sheet import EXPORT_COLUMNS
from review.extraction.sheetio import write_sheet
from review.included import included_reports
from review.web import coding_service as coding
from review.web.accounts import User
from review.web.comparison import double_coded
from review.web.http import api, blocking, error_message, form_or_json, state_of
from review.web.pages import page, render

FILTERS = ("report", "theory", "coder", "verified", "q")


def _id(request: Request, name: str = "id") -> int:
    try:
        return int(request.path_params[name])
    except ValueError:
        raise NotFound(f"not a {name}", field=None) from None


def not_found(exc: NotFound) -> JSONResponse:
    """A lookup that found nothing: 404, whatever field the library named."""
    return JSONResponse({"error": error_message(exc), "field": getattr(exc, "field", None)}, status_code=404)


# -- pages ------------------------------------------------------------------------------------


def _report_list(request: Request) -> list[dict]:
    state = state_of(request)
    with state.store.read() as conn:
        reports = included_reports(conn, reviewers_per_work=state.settings().reviewers_per_work)
    return [{"id": r.work_id, "citation": r.citation, "title": r.title, "fulltext": r.fulltext} for r in reports]


@page
async def reports_page(request: Request, user: User) -> Response:
    found = await blocking(_report_list, request)
    return render("reports.html", request, user, reports=found)


@page
async def report_page(request: Request, user: User) -> Response:
    work_id = _id(request)
    try:
        view = await blocking(coding.report_view, state_of(request), user, work_id,
                              request.query_params.get("text") or None)
    except NotFound as exc:
        return render("message.html", request, user, status_code=404, title="Not found",
                      message=error_message(exc))
    return render("coding.html", request, user, form_key=secrets.token_urlsafe(16), **view)


@page
async def fragments_page(request: Request, user: User) -> Response:
    filters = {k: request.query_params.get(k, "") for k in FILTERS}
    state = state_of(request)
    items = await blocking(coding.list_fragments, state, user, filters)
    stamp = await blocking(coding.current_version, state)
    double = await blocking(double_coded, state) if user.is_lead else set()
    return render("fragments.html", request, user, fragments=items, filters=filters,
                  query=request.url.query, version=stamp, double_coded=double)


@page
async def fragments_export(request: Request, user: User) -> Response:
    """The filtered fragments as ``review extract export``'s CSV sheet."""
    filters = {k: request.query_params.get(k, "") for k in FILTERS}
    state = state_of(request)
    items = await blocking(coding.list_fragments, state, user, filters)
    rows = await blocking(coding.sheet_rows, state, items)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fragments.csv"
        write_sheet(path, EXPORT_COLUMNS, rows)
        data = path.read_bytes()
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="fragments.csv"'})


# -- the API ------------------------------------------------------------------------------------


@api
async def create(request: Request, user: User) -> Response:
    body = await form_or_json(request)
    try:
        fragment = await blocking(coding.create_fragment, state_of(request), user, body)
    except NotFound as exc:
        raise InputError(str(exc), field=getattr(exc, "field", None)) from None
    return JSONResponse({"id": fragment["id"], "fragment": fragment}, status_code=201)


@api
async def listing(request: Request, user: User) -> Response:
    filters = {k: request.query_params.get(k, "") for k in FILTERS}
    items = await blocking(coding.list_fragments, state_of(request), user, filters)
    return JSONResponse({"fragments": [coding.fragment_dict(f) for f in items]})


@api
async def one(request: Request, user: User) -> Response:
    state = state_of(request)
    try:
        fragment_id = _id(request)
        if request.method == "GET":
            return JSONResponse({"fragment": await blocking(coding.get_own, state, user, fragment_id)})
        body = await form_or_json(request) if request.method != "DELETE" or await request.body() else {}
        if request.method == "DELETE":
            done = await blocking(coding.remove_fragment, state, user, fragment_id,
                                  str(body.get("reason") or "") or None)
            return JSONResponse({"deleted": done})
        fragment = await blocking(coding.update_fragment, state, user, fragment_id, body)
        return JSONResponse({"id": fragment_id, "fragment": fragment})
    except NotFound as exc:
        return not_found(exc)


@api
async def version(request: Request, user: User) -> Response:
    """``{"version": N}``: changes whenever anyone records anything (pages poll it)."""
    stamp = await blocking(coding.current_version, state_of(request))
    return JSONResponse({"version": stamp}, headers={"etag": f'"{stamp}"', "cache-control": "no-store"})


ROUTES = [
    Route("/reports", reports_page),
    Route("/reports/{id}", report_page),
    Route("/fragments", fragments_page),
    Route("/fragments/export.csv", fragments_export),
    Route("/api/v1/fragments", create, methods=["POST"]),
    Route("/api/v1/fragments", listing, methods=["GET"]),
    Route("/api/v1/fragments/{id}", one, methods=["GET", "PUT", "PATCH", "DELETE"]),
    Route("/api/v1/version", version),
]
