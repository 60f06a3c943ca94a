"""``/conflicts`` (leads): both reviewers' decisions and reasons, resolved one by one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from review.errors import ReviewError
from review.web.accounts import User
from review.web.http import blocking, error_message, error_status, form_or_json, state_of
from review.web.pages import page, render
from review.web.screening import _reasons
from review.web.service import require_lead


@page
async def conflicts_page(request: Request, user: User) -> Response:
    require_lead(user)
    state = state_of(request)
    message, code = None, 200
    if request.method == "POST":
        body = await form_or_json(request)
        try:
            await blocking(state.resolve, user, str(body.get("stage") or ""), body)
            return RedirectResponse("/conflicts", status_code=303)
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
    found = await blocking(state.conflicts, user)
    return render("conflicts.html", request, user, status_code=code, message=message, conflicts=found,
                  reasons=_reasons(state.settings().criteria))


ROUTES = [Route("/conflicts", conflicts_page, methods=["GET", "POST"])]
