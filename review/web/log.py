"""``/log``: the audit trail in the browser (and ``GET /api/v1/log``), filterable.

Blinding: a lead sees every event; a reviewer only their own (another reviewer's decision
never reaches them through the trail either).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from review.audit import Event, actions, actors, audit_log
from review.web.accounts import User
from review.web.http import api, blocking, state_of
from review.web.pages import page, render

#: Events a page shows at most (the newest that match); the CLI has no such limit.
PAGE_LIMIT = 500

_FILTERS = ("actor", "action", "entity", "since")


def events_for(request: Request, user: User) -> tuple[dict[str, str], list[Event], list[str], list[str]]:
    """The filters from the query string, the events ``user`` may see, and the choices."""
    filters = {key: request.query_params.get(key, "").strip() for key in _FILTERS}
    if not user.is_lead:
        filters["actor"] = user.name
    visible = None if user.is_lead else user.name
    with state_of(request).store.read() as conn:
        found = audit_log(conn, actor=filters["actor"] or None, action=filters["action"] or None,
                          entity=filters["entity"] or None, since=filters["since"] or None,
                          visible_to=visible, limit=PAGE_LIMIT)
        action_choices = actions(conn, visible)
        actor_choices = actors(conn) if user.is_lead else [user.name]
    return filters, found, action_choices, actor_choices


@page
async def log_page(request: Request, user: User) -> Response:
    filters, found, action_choices, actor_choices = await blocking(events_for, request, user)
    return render("log.html", request, user, filters=filters, events=list(reversed(found)),
                  actions=action_choices, actors=actor_choices, limit=PAGE_LIMIT)


@api
async def log_api(request: Request, user: User) -> Response:
    _, found, _, _ = await blocking(events_for, request, user)
    body: dict[str, Any] = {"events": [event.as_json() for event in found]}
    return JSONResponse(body)


ROUTES = [Route("/log", log_page), Route("/api/v1/log", log_api)]
