"""``/screen/STAGE/works``: search and filter the works of a stage (by decision, reviewer
for leads, label, words), labels on works, and (for leads) each reviewer's progress.

The same as JSON: ``GET /api/v1/screen/STAGE/works`` and ``POST /api/v1/works/ID/labels``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from review.errors import InputError
from review.screening.decisions import STATUSES, check_stage
from review.web.accounts import User
from review.web.http import api, blocking, form_or_json, state_of
from review.web.pages import _safe_next, page, render
from review.web.worklist import (
    OWN_DECISIONS,
    SHOWN,
    Found,
    find_works,
    labels_by_work,
    set_label,
    team_progress,
)

_FILTERS = ("decision", "reviewer", "label", "words")


def _filters(request: Request, user: User) -> dict[str, str]:
    found = {key: request.query_params.get(key, "").strip() for key in _FILTERS}
    if not user.is_lead:
        found["reviewer"] = ""
    return found


def _find(request: Request, user: User, stage: str) -> tuple[dict[str, str], Found]:
    state = state_of(request)
    filters = _filters(request, user)
    with state.store.read() as conn:
        return filters, find_works(conn, stage=stage, user=user.name, lead=user.is_lead,
                                   reviewers_per_work=state.settings().reviewers_per_work, **filters)


def _progress(request: Request, stage: str) -> list[dict[str, Any]]:
    state = state_of(request)
    settings = state.settings()
    with state.store.read() as conn:
        return team_progress(conn, stage, settings.reviewers, settings.reviewers_per_work)


@page
async def works_page(request: Request, user: User) -> Response:
    stage = check_stage(request.path_params["stage"])
    filters, found = await blocking(_find, request, user, stage)
    team = await blocking(_progress, request, stage) if user.is_lead else None
    mine = await blocking(state_of(request).progress, user, stage)
    choices = STATUSES if user.is_lead and not filters["reviewer"] else OWN_DECISIONS
    return render("works.html", request, user, stage=stage, filters=filters, found=found, shown=SHOWN,
                  choices=choices, reviewers=state_of(request).settings().reviewers, team=team, mine=mine,
                  back=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))


@api
async def works_api(request: Request, user: User) -> Response:
    stage = check_stage(request.path_params["stage"])
    _, found = await blocking(_find, request, user, stage)
    return JSONResponse({"total": found.total, "works": found.works})


def _label_change(request: Request, user: User, body: dict[str, Any]) -> list[str]:
    try:
        work = int(request.path_params["id"])
    except ValueError:
        raise InputError("not a work id", field="work") from None
    state = state_of(request)
    remove = str(body.get("action") or "") == "remove" or body.get("remove") is True
    set_label(state.store, work, body.get("label"), user=user.name, remove=remove)
    with state.store.read() as conn:
        return labels_by_work(conn, user.name).get(work, [])


@api
async def labels_api(request: Request, user: User) -> Response:
    body = await form_or_json(request)
    labels = await blocking(_label_change, request, user, body)
    return JSONResponse({"labels": labels})


@page
async def labels_form(request: Request, user: User) -> Response:
    body = await form_or_json(request)
    await blocking(_label_change, request, user, body)
    return RedirectResponse(_safe_next(body.get("next")), status_code=303)


ROUTES = [
    Route("/screen/{stage}/works", works_page),
    Route("/api/v1/screen/{stage}/works", works_api),
    Route("/works/{id}/labels", labels_form, methods=["POST"]),
    Route("/api/v1/works/{id}/labels", labels_api, methods=["POST"]),
]
