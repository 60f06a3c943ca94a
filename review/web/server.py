"""Running the app with uvicorn: one process, or several for a team (``--workers``).

Worker processes share nothing but the database: sessions, sign-in slow-downs and API tokens
are rows, the Origin rule needs no secret, and each worker's kept queues read what the
others wrote (see :class:`review.web.service.WebState`).

Behind a reverse proxy that terminates TLS on this machine (docs/web.md, "Deployment"),
the proxy's ``X-Forwarded-Proto`` and ``X-Forwarded-For`` are believed, so the app knows the
browser's scheme (the Origin check compares it; the session cookie is ``Secure``). Only
from 127.0.0.1 and ::1, or the addresses in ``$FORWARDED_ALLOW_IPS`` (uvicorn's setting).
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable

from review.errors import ReviewError
from review.workspace import Workspace

#: With --workers the app is imported by each process: it finds the workspace here.
WORKSPACE_ENV = "REVIEW_SERVE_WORKSPACE"


def app_from_environment():  # noqa: ANN201 - a uvicorn factory
    """The app for the workspace named by ``$REVIEW_SERVE_WORKSPACE`` (worker processes)."""
    from review.web.app import create_app

    return create_app(Workspace.find(os.environ[WORKSPACE_ENV]))


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run(workspace: Workspace, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
        check: bool = False, say: Callable[[str], None] = print) -> None:
    """Serve ``workspace`` until SIGINT or SIGTERM (uvicorn stops cleanly on both).

    Raises:
        ReviewError: the port is taken, or the web packages are not installed.
    """
    try:
        import uvicorn

        from review.web.app import create_app
    except ImportError as exc:  # pragma: no cover - they are dependencies
        raise ReviewError(f"the web app needs starlette and uvicorn: pip install review ({exc})") from exc
    app = create_app(workspace)
    if check:
        say(f"The web app for {workspace.root} is ready; `review serve` would listen on http://{host}:{port}/")
        return
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise ReviewError(f"cannot listen on {host}:{port}: {exc.strerror}; try --port") from exc
    signal.signal(signal.SIGTERM, _stop)  # until uvicorn installs its own: a clean exit as well
    sock.listen(128)  # connections wait in the queue until the server takes them
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    say(f"Serving {workspace.title} at http://{shown}:{port}/ (Ctrl-C or SIGTERM stops it)")
    if workers > 1:  # each worker process builds its own app (see app_from_environment)
        os.environ[WORKSPACE_ENV] = str(workspace.root)
        uvicorn.run("review.web.server:app_from_environment", factory=True, workers=workers,
                    fd=sock.fileno(), log_level="warning", proxy_headers=True)
        return
    config = uvicorn.Config(app, log_level="warning", proxy_headers=True)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
