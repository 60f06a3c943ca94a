"""The screening pages ``/screen/title-abstract`` and ``/screen/full-text``, and full texts.

One work at a time, in the reviewer's queue order, with the protocol's keywords marked.
The page's buttons post a plain form (it works without JavaScript); screen.js adds the
keys (i, e, m, u) and sends the same decision to the JSON API instead.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from review.errors import InputError, ReviewError
from review.extraction.texts import load_text
from review.screening.decisions import check_stage, reason_ids
from review.screening.session import highlight
from review.web.accounts import User
from review.web.http import blocking, error_message, error_status, form_or_json, state_of
from review.web.pages import page, render
from review.web.worklist import labels_by_work

ACTIONS = ("include", "exclude", "maybe")


def marked(text: str | None, criteria: Any) -> Markup:
    """``text`` escaped, with the criteria's keywords wrapped in ``<mark>``."""
    safe = str(escape(text or ""))
    if criteria is None:
        return Markup(safe)
    return Markup(highlight(safe, criteria.keywords_include, criteria.keywords_exclude,
                            lambda kind, found: f'<mark class="kw-{kind}">{found}</mark>'))


def _reasons(criteria: Any) -> list[tuple[str, str]]:
    if criteria is None:
        return []
    texts = {c.id: c.text for c in criteria.reasons} if hasattr(criteria, "reasons") else {}
    return [(rid, texts.get(rid, rid)) for rid in reason_ids(criteria)]


def _screen_context(request: Request, user: User, stage: str) -> dict[str, Any]:
    state = state_of(request)
    criteria = state.settings().criteria
    work = state.next_work(user, stage)
    text = None
    if work is not None and stage == "full-text" and work.get("report_file"):
        path = state.fulltext_path(work["id"])
        if path.suffix.lower() != ".pdf":
            text = load_text(path, work["report_file"]).text
    return {
        "stage": stage, "work": work, "progress": state.progress(user, stage),
        "title_marked": marked(work["title"], criteria) if work else "",
        "abstract_marked": marked(work["abstract"], criteria) if work else "",
        "reasons": _reasons(criteria), "fulltext_text": text,
        "is_pdf": bool(work and (work.get("report_file") or "").lower().endswith(".pdf")),
        "labels": _labels(state, user, work["id"]) if work else [],
    }


def _labels(state: Any, user: User, work_id: int) -> list[str]:
    with state.store.read() as conn:
        return labels_by_work(conn, user.name).get(work_id, [])


@page
async def screen_page(request: Request, user: User) -> Response:
    stage = check_stage(request.path_params["stage"])
    state = state_of(request)
    note = ""
    message = None
    code = 200
    if request.method == "POST":
        body = await form_or_json(request)
        action = str(body.get("action") or "")
        try:
            if action == "undo":
                await blocking(state.undo, user, stage)
            elif action in ACTIONS:
                await blocking(state.decide, user, stage, {**body, "decision": action})
            else:
                raise InputError(f"unknown action {action!r}", field="action")
            return RedirectResponse(request.url.path, status_code=303)
        except ReviewError as exc:
            note, message, code = str(body.get("note") or ""), error_message(exc), error_status(exc)
    context = await blocking(_screen_context, request, user, stage)
    return render("screen.html", request, user, status_code=code, note=note, message=message, **context)


def _work_id(request: Request) -> int:
    try:
        return int(request.path_params["id"])
    except ValueError:
        raise InputError("not a work id", field="work") from None


@page
async def fulltext_file(request: Request, user: User) -> Response:
    """The registered full-text file of a work (PDFs open in the browser's viewer)."""
    path = await blocking(state_of(request).fulltext_path, _work_id(request))
    kind = "application/pdf" if path.suffix.lower() == ".pdf" else None
    if kind is None:
        return await fulltext_text(request)
    return FileResponse(path, media_type=kind, content_disposition_type="inline")


@page
async def fulltext_text(request: Request, user: User) -> Response:
    """A work's full text as the tool reads it (what quotes are verified against)."""
    work_id = _work_id(request)
    state = state_of(request)
    path = await blocking(state.fulltext_path, work_id)
    try:
        text = await blocking(load_text, path, str(path.relative_to(state.workspace.root.resolve())))
    except ReviewError as exc:
        return PlainTextResponse(error_message(exc), status_code=error_status(exc))
    return PlainTextResponse(text.text)


ROUTES = [
    Route("/screen/{stage}", screen_page, methods=["GET", "POST"]),
    Route("/fulltext/{id}", fulltext_file),
    Route("/fulltext/{id}/text", fulltext_text),
]
