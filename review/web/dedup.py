"""``/dedup`` (leads): uncertain pairs side by side, settled "Same" or "Different".

The same :class:`~review.corpus.dedup.check.CheckSession` as ``review dedup check``: each
verdict is recorded at once (origin ``check``) and the works are updated to follow it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from review.errors import InputError, ReviewError
from review.web.accounts import User
from review.web.http import blocking, error_message, error_status, form_or_json, state_of
from review.web.pages import page, render
from review.web.service import WebState, require_lead


def _session(state: WebState, user: User) -> Any:
    from review.corpus.dedup.check import CheckSession
    from review.corpus.dedup.settings import DedupSettings

    return CheckSession(state.store, actor=user.name, settings=DedupSettings.from_workspace(state.workspace))


def next_pair(state: WebState, user: User) -> tuple[Any, int]:
    """The next open pair (or None) and how many are open."""
    session = _session(state, user)
    return session.next(), session.remaining


def settle(state: WebState, user: User, item_id: int, verdict: str) -> None:
    """Record a verdict on an open pair and update the works to follow it."""
    if verdict not in ("same", "different"):
        raise InputError(f"unknown verdict {verdict!r}; use same or different", field="verdict")
    session = _session(state, user)
    view = session.next()
    while view is not None and view.item.id != item_id:
        session._seen.add(view.item.id)  # look further down the open pairs
        view = session.next()
    if view is None:
        raise InputError(f"pair {item_id} is not open (settled meanwhile?)", field="pair")
    session.decide(view, verdict)
    session.finish()


def _fields() -> tuple[str, ...]:
    from review.corpus.dedup.check import SHOWN

    return SHOWN


@page
async def dedup_page(request: Request, user: User) -> Response:
    require_lead(user)
    state = state_of(request)
    message, code = None, 200
    if request.method == "POST":
        body = await form_or_json(request)
        try:
            item = int(str(body.get("pair") or "-1"))
            await blocking(settle, state, user, item, str(body.get("verdict") or ""))
            return RedirectResponse("/dedup", status_code=303)
        except ValueError:
            message, code = "not a pair id", 422
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
    view, remaining = await blocking(next_pair, state, user)
    return render("dedup.html", request, user, status_code=code, message=message, view=view,
                  remaining=remaining, fields=_fields())


ROUTES = [Route("/dedup", dedup_page, methods=["GET", "POST"])]
