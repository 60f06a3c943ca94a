"""The JSON API under ``/api/v1/``, which the pages use too (see docs/web.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from review.errors import ReviewError
from review.status import collect_status
from review.web.accounts import SESSION_HOURS, User, sign_in
from review.web.http import COOKIE, api, blocking, error_response, form_or_json, state_of


def set_session_cookie(response: Response, token: str, request: Request) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


async def login(request: Request) -> Response:
    """``POST /api/v1/login {name, password}``: sets the session cookie."""
    try:
        body = await form_or_json(request)
        user, token = await blocking(sign_in, state_of(request).store, str(body.get("name") or ""),
                                     str(body.get("password") or ""))
    except ReviewError as exc:
        return error_response(exc)
    response = JSONResponse({"name": user.name, "role": user.role})
    set_session_cookie(response, token, request)
    return response


@api
async def status(request: Request, user: User) -> Response:
    state = state_of(request)
    found = await blocking(collect_status, state.workspace)
    found["me"] = {"name": user.name, "role": user.role}
    return JSONResponse(found)


@api
async def next_work(request: Request, user: User) -> Response:
    work = await blocking(state_of(request).next_work, user, request.path_params["stage"])
    return JSONResponse({"work": work})


@api
async def progress(request: Request, user: User) -> Response:
    return JSONResponse(await blocking(state_of(request).progress, user, request.path_params["stage"]))


@api
async def decisions(request: Request, user: User) -> Response:
    body = await form_or_json(request)
    row = await blocking(state_of(request).decide, user, request.path_params["stage"], body)
    return JSONResponse({"id": row}, status_code=201)


@api
async def undo(request: Request, user: User) -> Response:
    undone = await blocking(state_of(request).undo, user, request.path_params["stage"])
    return JSONResponse({"undone": undone})


@api
async def work(request: Request, user: User) -> Response:
    try:
        work_id = int(request.path_params["id"])
    except ValueError:
        return JSONResponse({"error": "not a work id", "field": "id"}, status_code=404)
    return JSONResponse({"work": await blocking(state_of(request).work_payload, user, work_id)})


@api
async def conflicts(request: Request, user: User) -> Response:
    return JSONResponse({"conflicts": await blocking(state_of(request).conflicts, user)})


@api
async def resolutions(request: Request, user: User) -> Response:
    body = await form_or_json(request)
    row = await blocking(state_of(request).resolve, user, request.path_params["stage"], body)
    return JSONResponse({"id": row}, status_code=201)


ROUTES = [
    Route("/api/v1/login", login, methods=["POST"]),
    Route("/api/v1/status", status),
    Route("/api/v1/screen/{stage}/next", next_work),
    Route("/api/v1/screen/{stage}/progress", progress),
    Route("/api/v1/screen/{stage}/decisions", decisions, methods=["POST"]),
    Route("/api/v1/screen/{stage}/undo", undo, methods=["POST"]),
    Route("/api/v1/screen/{stage}/resolutions", resolutions, methods=["POST"]),
    Route("/api/v1/works/{id}", work),
    Route("/api/v1/conflicts", conflicts),
]
