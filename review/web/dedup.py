"""``/dedup`` (leads): uncertain pairs side by side, settled "Same" or "Different"; works
merged or a record split off by hand (``review dedup merge`` / ``review dedup split``).

The same :class:`~review.corpus.dedup.check.CheckSession` as ``review dedup check``: each
verdict is recorded at once (origin ``check``) and the works are updated to follow it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

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


def _int(value: Any, field: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise InputError(f"not a number: {value!r}", field=field) from None


def by_hand(state: WebState, user: User, body: dict[str, Any]) -> str:
    """Merge two works or split a record off its work, as ``review dedup merge`` and
    ``review dedup split`` do (a person's verdicts every later run keeps); what changed."""
    from review.corpus.dedup import live_work_id
    from review.corpus.dedup.manual import merge_works, split_record
    from review.corpus.dedup.settings import DedupSettings

    settings = DedupSettings.from_workspace(state.workspace)
    if body.get("do") == "merge":
        a, b = _int(body.get("work"), "work"), _int(body.get("other"), "other")
        merge_works(state.store, a, b, actor=user.name, settings=settings)
        with state.store.read() as conn:
            one = live_work_id(conn, a) == live_work_id(conn, b)
        said = (f"Works {a} and {b} are one work now." if one else
                f"Saved your verdict, but works {a} and {b} stay apart: an earlier \"different\" verdict "
                "(a split, or Different on a pair) keeps their records apart; `review dedup explain` says which.")
    elif body.get("do") == "split":
        work, record = _int(body.get("work"), "work"), _int(body.get("record"), "record")
        split_record(state.store, work, record, actor=user.name, settings=settings)
        said = f"Record {record} is out of work {work}."
    else:
        raise InputError("merge or split?", field="do")
    return said


def work_records(state: WebState, work: int) -> tuple[int, list[dict[str, Any]]]:
    """A work (as it now is) and its records: id, source, position, title, year."""
    from sqlalchemy import select

    from review.corpus.dedup import live_work_id
    from review.store import schema

    r, src = schema.records, schema.sources
    with state.store.read() as conn:
        live = live_work_id(conn, work)
        rows = conn.execute(select(r.c.id, r.c.position, r.c.title, r.c.year, src.c.name)
                            .join(src, src.c.id == r.c.source_id).where(r.c.work_id == live).order_by(r.c.id)).all()
    found = [{"record": row.id, "source": row.name, "position": row.position, "title": row.title or "",
              "year": row.year} for row in rows]
    return live, found


def _fields() -> tuple[str, ...]:
    from review.corpus.dedup.check import SHOWN

    return SHOWN


@page
async def dedup_page(request: Request, user: User) -> Response:
    require_lead(user)
    state = state_of(request)
    message, code = None, 200
    shown = request.query_params.get("work", "").strip()
    if request.method == "POST":
        body = await form_or_json(request)
        try:
            if body.get("do"):
                said = await blocking(by_hand, state, user, body)
                target = f"/dedup?done={quote(said)}&work={quote(str(body.get('work') or ''))}"
                return RedirectResponse(target, status_code=303)
            await blocking(settle, state, user, _int(body.get("pair") or "-1", "pair"), str(body.get("verdict") or ""))
            return RedirectResponse("/dedup", status_code=303)
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
            shown = str(body.get("work") or "") if body.get("do") else shown
    view, remaining = await blocking(next_pair, state, user)
    live, records = None, []
    if shown:
        try:
            live, records = await blocking(work_records, state, _int(shown, "work"))
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
    return render("dedup.html", request, user, status_code=code, message=message, view=view,
                  remaining=remaining, fields=_fields(), done=request.query_params.get("done"),
                  shown=shown, live=live, records=records)


ROUTES = [Route("/dedup", dedup_page, methods=["GET", "POST"])]
