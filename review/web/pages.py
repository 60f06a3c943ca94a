"""Page helpers (templates, sign-in redirects) and the pages ``/login``, ``/logout`` and ``/``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from review.errors import ReviewError
from review.screening.decisions import STAGES
from review.status import collect_status
from review.web.accounts import User, sign_in, sign_out
from review.web.api import set_session_cookie
from review.web.http import (
    COOKIE,
    blocking,
    error_message,
    error_status,
    form_or_json,
    signed_in,
    state_of,
    token_of,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"

environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

STAGE_NAMES = {"title-abstract": "Title and abstract", "full-text": "Full text"}


def render(template: str, request: Request, user: User | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered with what every page needs (the user, the page's path)."""
    html = environment.get_template(template).render(user=user, path=request.url.path, stages=STAGE_NAMES,
                                                 message=context.pop("message", None), **context)
    return HTMLResponse(html, status_code=status_code)


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


Page = Callable[[Request, User], Awaitable[Response]]


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """A page for signed-in users (others go to /login); library errors shown as a message."""

    async def endpoint(request: Request) -> Response:
        user = await signed_in(request)
        if user is None:
            return to_login(request)
        try:
            return await handler(request, user)
        except ReviewError as exc:
            return render("message.html", request, user, status_code=error_status(exc),
                          title="Not possible", message=error_message(exc))

    return endpoint


def _safe_next(value: Any) -> str:
    text = str(value or "/")
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else "/"


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        return render("login.html", request, None, next=_safe_next(request.query_params.get("next")), name="")
    body = await form_or_json(request)
    target = _safe_next(body.get("next"))
    try:
        _, token = await blocking(sign_in, state_of(request).store, str(body.get("name") or ""),
                                  str(body.get("password") or ""))
    except ReviewError as exc:
        return render("login.html", request, None, status_code=error_status(exc), next=target,
                      name=str(body.get("name") or ""), message=error_message(exc))
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token, request)
    return response


async def logout(request: Request) -> Response:
    await blocking(sign_out, state_of(request).store, token_of(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


@page
async def home(request: Request, user: User) -> Response:
    state = state_of(request)
    status = await blocking(collect_status, state.workspace)
    tasks = []
    for stage in STAGES:
        try:
            tasks.append(await blocking(state.progress, user, stage))
        except ReviewError as exc:
            tasks.append({"stage": stage, "problem": error_message(exc)})
    conflicts = len(await blocking(state.conflicts, user)) if user.is_lead else None
    return render("home.html", request, user, status=status, tasks=tasks, conflicts=conflicts)


ROUTES = [
    Route("/login", login_page, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/", home),
]
