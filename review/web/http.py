"""Request helpers shared by the pages and the API: who is signed in, bodies, errors.

Errors are one JSON shape, ``{"error": "...", "field": "..."}``: 401 not signed in, 403
not allowed, 404 unknown, 409 already decided, 422 bad input.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from review.errors import InputError, NotFound, ReviewError
from review.web.accounts import SignInRefused, User, user_for_token
from review.web.service import AlreadyDecided, Forbidden, WebState

COOKIE = "review_session"

#: The library's field names (CLI options and arguments) as the API's body keys.
_FIELDS = {"--decision": "decision", "--reason": "reason", "--note": "note", "WORK": "work",
           "--stage": "stage", "--reviewer": "reviewer", "NAME": "name", "--role": "role"}


class NotSignedIn(ReviewError):
    """No valid session cookie or API token (HTTP 401)."""


def state_of(request: Request) -> WebState:
    return request.app.state.web


def token_of(request: Request) -> str | None:
    """The request's API token (``Authorization: Bearer``) or session cookie."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.cookies.get(COOKIE)


def _user(request: Request) -> User | None:
    with state_of(request).store.read() as conn:
        return user_for_token(conn, token_of(request))


async def signed_in(request: Request) -> User | None:
    """The signed-in user, or None."""
    return await run_in_threadpool(_user, request)


async def form_or_json(request: Request) -> dict[str, Any]:
    """A request body as a dict: JSON, or an HTML form (urlencoded)."""
    raw = await request.body()
    kind = request.headers.get("content-type", "")
    if "json" in kind:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise InputError("the body is not valid JSON", field="body") from None
        if not isinstance(data, dict):
            raise InputError("the body must be a JSON object", field="body")
        return data
    fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[-1] for key, values in fields.items()}


def error_status(exc: Exception) -> int:
    if isinstance(exc, NotSignedIn):
        return 401
    if isinstance(exc, SignInRefused):
        return 429 if exc.wait and "too many" in str(exc) else 401
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, AlreadyDecided):
        return 409
    if isinstance(exc, NotFound):
        return 404 if error_field(exc) in ("work", "name", None) else 422
    if isinstance(exc, InputError):
        return 422
    return 500


def error_field(exc: Exception) -> str | None:
    field = getattr(exc, "field", None)
    return _FIELDS.get(field, field.lstrip("-") if isinstance(field, str) else None)


def error_message(exc: Exception) -> str:
    return exc.message if isinstance(exc, InputError) else str(exc)


def error_response(exc: Exception) -> JSONResponse:
    return JSONResponse({"error": error_message(exc), "field": error_field(exc)}, status_code=error_status(exc))


Handler = Callable[[Request, User], Awaitable[Response]]


def api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An API endpoint: needs a signed-in user; library errors become JSON errors."""

    async def endpoint(request: Request) -> Response:
        try:
            user = await signed_in(request)
            if user is None:
                raise NotSignedIn("not signed in: POST /api/v1/login or send Authorization: Bearer TOKEN")
            return await handler(request, user)
        except ReviewError as exc:
            return error_response(exc)

    return endpoint


async def blocking(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a database call off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)
