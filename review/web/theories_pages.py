"""``/theories``: every theory by topic with its derived status, evidence and history; add
an inductive theory or refine one (a reason required), linking the fragments behind it.

Statuses come from :func:`~review.synthesis.testing.theories_report`, never typed in; they
are shown as the tables show them: not supported struck through, new in capitals,
contested flagged. Adding and refining go through ``review theories add`` / ``refine``'s
library (:func:`~review.synthesis.commands.add_theory`, :func:`refine_theory`), so the
change is appended to extraction/theory-changes.csv as at the command line.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from review.errors import InputError, ReviewError
from review.extraction.fragments import current_fragments
from review.synthesis.changes import parse_fragments
from review.synthesis.commands import add_theory, refine_theory
from review.synthesis.current import theories_current
from review.synthesis.protocol import CMO
from review.synthesis.testing import theories_report
from review.synthesis.versions import all_versions
from review.web.accounts import User
from review.web.coding_service import version
from review.web.http import blocking, error_message, error_status, form_or_json, state_of
from review.web.pages import page, render
from review.web.service import WebState

GROUPS = ("supporting", "refuting", "refining")
#: The forms' fields (what was typed is shown again after a refusal).
FIELDS = ("action", "id", "topic", "label", *CMO, *(f"add_{name}" for name in CMO), "fragments", "reason")


def theories_view(state: WebState, user: User) -> dict[str, Any]:
    """The model with statuses, each theory's evidence (with quotes) and its versions."""
    with state.store.transaction() as conn:
        theories_current(conn, state.workspace.root, actor=user.name)
        report = theories_report(conn)
        versions = all_versions(conn)
        quotes = {f.id: f for f in current_fragments(conn)}
        stamp = version(conn)
    for item in report["theories"]:
        item["history"] = [v.to_dict() for v in versions.get(item["id"], [])]
        item["quotes"] = {group: [quotes[i] for i in item[group]["fragments"] if i in quotes] for group in GROUPS}
    return {"report": report, "version": stamp}


def _cmo(body: dict[str, Any], prefix: str = "") -> dict[str, str]:
    return {name: str(body.get(f"{prefix}{name}") or "").strip() for name in CMO}


def change_model(state: WebState, user: User, body: dict[str, Any]) -> str:
    """Add (``action=add``) or refine (``action=refine``) a theory from the page's form."""
    action = str(body.get("action") or "")
    theory_id = str(body.get("id") or "").strip()
    reason = str(body.get("reason") or "").strip()
    if not theory_id:
        raise InputError("give the theory's id", field="id")
    if not reason:
        raise InputError("say why (the reason is kept with the version)", field="reason")
    ids, directions = parse_fragments(str(body.get("fragments") or ""))
    if action == "add":
        made = add_theory(state.workspace, theory_id, topic=str(body.get("topic") or "").strip(),
                          label=str(body.get("label") or "").strip(), cmo=_cmo(body), reason=reason,
                          fragments=ids, directions=directions, actor=user.name)
        return f"Added {made.theory_id} (inductive, version 1)"
    if action == "refine":
        changes = {"label": str(body["label"]).strip()} if str(body.get("label") or "").strip() else {}
        additions = {k: v for k, v in _cmo(body, "add_").items() if v}
        if not changes and not additions:
            raise InputError("say what changes: a new label, or a context, mechanism or outcome to add",
                             field="add_context")
        made = refine_theory(state.workspace, theory_id, changes=changes, additions=additions, reason=reason,
                             fragments=ids, directions=directions, actor=user.name)
        return f"{made.theory_id} is now version {made.version} ({made.change})"
    raise InputError(f"unknown action {action!r}", field="action")


@page
async def theories_page(request: Request, user: User) -> Response:
    state = state_of(request)
    message, code, typed = None, 200, dict.fromkeys(FIELDS, "")
    if request.method == "POST":
        typed.update({k: str(v) for k, v in (await form_or_json(request)).items() if k in FIELDS})
        try:
            done = await blocking(change_model, state, user, typed)
            return RedirectResponse(f"/theories?done={done}", status_code=303)
        except ReviewError as exc:
            message, code = error_message(exc), error_status(exc)
    view = await blocking(theories_view, state, user)
    return render("theories.html", request, user, status_code=code, message=message, typed=typed,
                  done=request.query_params.get("done") if request.method == "GET" else None,
                  groups=GROUPS, **view)


ROUTES = [Route("/theories", theories_page, methods=["GET", "POST"])]
