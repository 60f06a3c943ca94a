"""The team's web app (``review serve``): pages and a JSON API over the same library.

:func:`create_app` builds it (it needs the ``starlette`` package); :mod:`review.web.accounts`
(users, passwords, sessions) does not, so ``review users`` works without it.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(workspace):  # noqa: ANN001, ANN201 - see review.web.app.create_app
    """The web app for ``workspace``: see :func:`review.web.app.create_app`."""
    from review.web.app import create_app as build

    return build(workspace)
