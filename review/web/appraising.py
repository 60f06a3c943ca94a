"""``/appraise/ID``: one report's appraisal by the signed-in reviewer, and its API.

The same library as ``review appraise record`` (:func:`~review.appraisal.agreement.appraise_record`,
origin ``web``): the instrument's questions with their guidance, answered Yes / No / Can't
tell with a comment each, the design category (mixed methods with the categories it is also
rated on; not applicable with a reason). Blinded like the CLI: a reviewer sees only their
own answers. Resumable: what was saved is shown again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from review.appraisal.agreement import appraise_record
from review.appraisal.judgements import Appraisal, current
from review.appraisal.settings import AppraisalSettings
from review.appraisal.tables import CATEGORY_ITEM
from review.errors import InputError, NotFound, ReviewError
from review.included import reports_of, require_included
from review.screening.decisions import check_reviewer
from review.web.accounts import User
from review.web.coding import not_found
from review.web.coding_service import version
from review.web.http import api, blocking, error_message, error_status, form_or_json, state_of
from review.web.pages import page, render
from review.web.service import WebState


def _settings(state: WebState) -> AppraisalSettings:
    return AppraisalSettings.of(state.workspace)


def _reviewer(settings: AppraisalSettings, user: User) -> str:
    return check_reviewer(user.name, settings.reviewers or None)


def appraisal_view(state: WebState, user: User, work_id: int) -> dict[str, Any]:
    """The report, the instrument and the user's own current answers (nobody else's).

    Raises:
        NotFound: not an included report.
    """
    settings = _settings(state)
    tool = settings.instrument
    with state.store.read() as conn:
        require_included(conn, work_id)
        info = reports_of(conn, [work_id])[0]
        mine = current(conn, [work_id]).get(work_id)
        stamp = version(conn)
    own = mine.reviewers.get(user.name, Appraisal()) if mine else Appraisal()
    design = own.categories
    asked = set(tool.items_for(design)) if design and design[0] != tool.not_applicable else set()
    items = [i for i in tool.screening] + [i for c in tool.categories for i in c.items if i.id in asked]
    return {"report": info, "tool": tool, "design": design, "items": items,
            "answers": {k: {"answer": v.answer, "comment": v.comment or ""} for k, v in own.answers().items()},
            "category_comment": (own.category.comment or "") if own.category else "",
            "mixed": {c.id: c.also_rate for c in tool.categories if c.also_rate}, "version": stamp}


def save_appraisal(state: WebState, user: User, work_id: int, form: dict[str, list[str]]) -> int:
    """Record the page's answers (the design category first); returns how many changed.

    Raises:
        InputError: a bad answer or category, not-applicable without a reason; the answers
            before the bad one are kept (each is its own record, as at the command line).
    """
    settings = _settings(state)
    name = _reviewer(settings, user)
    tool = settings.instrument

    def one(key: str) -> str:
        return (form.get(key) or [""])[-1].strip()

    changed = 0
    category = one("category")
    if category:
        subs = ",".join(v for v in form.get("subcategories", []) if v.strip())
        changed += appraise_record(state.store, work_id, CATEGORY_ITEM, category, reviewer=name, actor=user.name,
                                   comment=one("category_comment") or None, subcategories=subs or None,
                                   instrument=tool, origin="web")
    for item in tool.all_items():
        answer = one(f"answer-{item.id}")
        if answer:
            changed += appraise_record(state.store, work_id, item.id, answer, reviewer=name, actor=user.name,
                                       comment=one(f"comment-{item.id}") or None, instrument=tool, origin="web")
    return changed


def _work(request: Request) -> int:
    try:
        return int(request.path_params["id"])
    except ValueError:
        raise NotFound("not a report id") from None


@page
async def appraise_page(request: Request, user: User) -> Response:
    state = state_of(request)
    work_id = _work(request)
    message, code, typed = None, 200, None
    if request.method == "POST":
        typed = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        try:
            await blocking(save_appraisal, state, user, work_id, typed)
            return RedirectResponse(f"/appraise/{work_id}?saved=1", status_code=303)
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
    try:
        view = await blocking(appraisal_view, state, user, work_id)
    except NotFound as exc:
        return render("message.html", request, user, status_code=404, title="Not found", message=error_message(exc))
    if typed is not None:  # keep what was typed
        for key, values in typed.items():
            if key.startswith("answer-"):
                view["answers"].setdefault(key[7:], {"answer": "", "comment": ""})["answer"] = values[-1]
            elif key.startswith("comment-"):
                view["answers"].setdefault(key[8:], {"answer": "", "comment": ""})["comment"] = values[-1]
        view["category_comment"] = (typed.get("category_comment") or [view["category_comment"]])[-1]
    saved = request.query_params.get("saved") == "1" and message is None
    return render("appraise.html", request, user, status_code=code, message=message, saved=saved, **view)


@api
async def record_api(request: Request, user: User) -> Response:
    """``POST /api/v1/appraisals {report, item, answer, comment?, subcategories?}`` → 201."""
    body = await form_or_json(request)
    state = state_of(request)

    def run() -> bool:
        settings = _settings(state)
        try:
            work_id = int(str(body.get("report") or "").strip())
        except ValueError:
            raise InputError("not a report id", field="report") from None
        return appraise_record(state.store, work_id, str(body.get("item") or ""), str(body.get("answer") or ""),
                               reviewer=_reviewer(settings, user), actor=user.name,
                               comment=str(body.get("comment") or "") or None,
                               subcategories=str(body.get("subcategories") or "") or None,
                               instrument=settings.instrument, origin="web")

    try:
        changed = await blocking(run)
    except NotFound as exc:
        if getattr(exc, "field", None) == "report":
            return not_found(exc)
        raise
    return JSONResponse({"recorded": changed}, status_code=201)


ROUTES = [
    Route("/appraise/{id}", appraise_page, methods=["GET", "POST"]),
    Route("/api/v1/appraisals", record_api, methods=["POST"]),
]
