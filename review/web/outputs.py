"""``/outputs``: the PRISMA diagram, every table and plot as the manuscript will show them,
rendered from the database on request (``review report``'s library) with downloads.

A rendering goes to a folder of the server's own (under the system's temporary folder, one
per workspace), never into the workspace's reports/: the committed reports stay what
``review run`` made. Only files of the latest rendering are served, by plain name.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from review.errors import NotFound, ReviewError
from review.reports.render import report
from review.web.accounts import User
from review.web.coding_service import current_version
from review.web.http import blocking, error_message, error_status, state_of
from review.web.pages import page, render
from review.web.service import WebState

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_LOCK = threading.Lock()
#: Rendered HTML tables carry their own inline styles; nothing else is allowed in them.
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"


def folder_of(state: WebState) -> Path:
    """Where this workspace's renderings go (one folder per workspace, outside it)."""
    key = hashlib.sha256(str(state.workspace.root.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"review-outputs-{key}"


def render_outputs(state: WebState) -> dict[str, Any]:
    """Render PRISMA, the tables and the plots from the database now."""
    target = folder_of(state)
    with _LOCK:
        stamp = current_version(state)
        fresh = Path(tempfile.mkdtemp(prefix="rendering-", dir=target.parent))
        done = report(state.workspace, out=fresh)
        (fresh / "rendering.json").write_text(json.dumps({
            "version": stamp, "notes": done.notes, "refused": [str(p) for p in done.refused]}), encoding="utf-8")
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    return outputs_view(state)


def outputs_view(state: WebState) -> dict[str, Any]:
    """The latest rendering: its files by output, notes, and whether the database moved on."""
    target = folder_of(state)
    meta_path = target / "rendering.json"
    if not meta_path.is_file():
        return {"rendered": False, "stale": True, "groups": {}, "notes": [], "refused": []}
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {}
    for path in sorted(target.iterdir()):
        if path.name == "rendering.json" or not path.is_file():
            continue
        groups.setdefault(path.stem, []).append(path.suffix.lstrip("."))
    return {"rendered": True, "stale": meta["version"] != current_version(state), "groups": groups,
            "notes": meta["notes"], "refused": meta["refused"]}


@page
async def outputs_page(request: Request, user: User) -> Response:
    state = state_of(request)
    if request.method == "POST":
        try:
            await blocking(render_outputs, state)
        except ReviewError as exc:
            view = await blocking(outputs_view, state)
            return render("outputs.html", request, user, status_code=error_status(exc),
                          message=error_message(exc), **view)
        return RedirectResponse("/outputs", status_code=303)
    view = await blocking(outputs_view, state)
    return render("outputs.html", request, user, **view)


@page
async def output_file(request: Request, user: User) -> Response:
    """One file of the latest rendering (``?download=1``: as an attachment)."""
    name = request.path_params["name"]
    folder = folder_of(state_of(request))
    if not _NAME.match(name) or name == "rendering.json" or not (folder / name).is_file():
        raise NotFound(f"no output {name!r}: render the outputs first")
    attach = request.query_params.get("download") == "1"
    response = FileResponse(folder / name, filename=name if attach else None,
                            content_disposition_type="attachment" if attach else "inline")
    if name.endswith(".html"):
        response.headers["content-security-policy"] = FILE_CSP
    return response


ROUTES = [
    Route("/outputs", outputs_page, methods=["GET", "POST"]),
    Route("/outputs/files/{name}", output_file),
]
