"""``/conflicts`` (leads): both reviewers' decisions and reasons, resolved one by one or
several at once (``POST /api/v1/resolutions`` as JSON)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from review.errors import InputError, ReviewError
from review.web.accounts import User
from review.web.http import api, blocking, error_message, error_status, form_or_json, state_of
from review.web.pages import page, render
from review.web.screening import _reasons
from review.web.service import require_lead


def _selected(values: list[str]) -> list[tuple[str, str]]:
    """``STAGE:WORK`` checkbox values as (stage, work) pairs."""
    items = []
    for value in values:
        stage, _, work = value.partition(":")
        if not work:
            raise InputError(f"not a conflict: {value!r}", field="items")
        items.append((stage, work))
    return items


@page
async def conflicts_page(request: Request, user: User) -> Response:
    require_lead(user)
    state = state_of(request)
    message, code = None, 200
    if request.method == "POST":
        raw = await request.body()
        try:
            if "json" in request.headers.get("content-type", ""):
                body = await form_or_json(request)
                await blocking(state.resolve, user, str(body.get("stage") or ""), body)
            else:
                fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
                body = {key: values[-1] for key, values in fields.items()}
                if body.get("bulk"):
                    await blocking(state.resolve_all, user, _selected(fields.get("item", [])), body)
                else:
                    await blocking(state.resolve, user, str(body.get("stage") or ""), body)
            return RedirectResponse("/conflicts", status_code=303)
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
    found = await blocking(state.conflicts, user)
    return render("conflicts.html", request, user, status_code=code, message=message, conflicts=found,
                  reasons=_reasons(state.settings().criteria))


@api
async def resolutions_api(request: Request, user: User) -> Response:
    """``{items: [{work, stage}], decision, reason?, note?}`` -> 201 ``{"ids": [...]}``."""
    body = await form_or_json(request)
    raw: Any = body.get("items")
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise InputError("items must be a list of {work, stage}", field="items")
    items = [(str(i.get("stage") or ""), i.get("work")) for i in raw]
    ids = await blocking(state_of(request).resolve_all, user, items, body)
    return JSONResponse({"ids": ids}, status_code=201)


ROUTES = [Route("/conflicts", conflicts_page, methods=["GET", "POST"]),
          Route("/api/v1/resolutions", resolutions_api, methods=["POST"])]
