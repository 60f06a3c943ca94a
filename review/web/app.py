"""The app factory: one Starlette app over one workspace (see docs/web.md)."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from review.web import api, browse, conflicts, dedup, evidence, log, pages, screening
from review.web.security import SecurityMiddleware
from review.web.service import WebState
from review.workspace import Workspace

STATIC = Path(__file__).resolve().parent / "static"


def create_app(workspace: Workspace) -> Starlette:
    """The web app serving ``workspace``'s database (opened, and migrated, at once)."""
    routes = [*api.ROUTES, *pages.ROUTES, *screening.ROUTES, *conflicts.ROUTES, *dedup.ROUTES, *evidence.ROUTES, *log.ROUTES,
              *browse.ROUTES,
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityMiddleware)])
    app.state.web = WebState(workspace)
    return app
