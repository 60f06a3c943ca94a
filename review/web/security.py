"""Headers and checks every response and request gets: CSP, no sniffing, the Origin rule.

A state-changing request (POST, PUT, PATCH, DELETE) is refused with 403 when its
``Origin`` (or, without one, its ``Referer``) names another site than the server itself:
cross-site request forgery is stopped in one place. A request carrying neither header (a
script with an API token, curl) is let through: browsers always send ``Origin`` on a
cross-site POST.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

#: Only the server's own scripts, styles, frames (a full text) and objects (a PDF).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
       "form-action 'self'")

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


def _origin_of(value: str) -> str:
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(headers: Headers, scheme: str) -> bool:
    """Whether a request's Origin (or Referer) is the server's own (its Host header)."""
    host = headers.get("host", "")
    own = f"{scheme}://{host}".lower()
    origin = headers.get("origin")
    if origin is not None:
        return origin != "null" and _origin_of(origin) == own
    referer = headers.get("referer")
    if referer:
        return _origin_of(referer) == own
    return True


class SecurityMiddleware:
    """Refuses foreign-origin state changes; adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] not in SAFE_METHODS and not same_origin(headers, scope.get("scheme", "http")):
            response = JSONResponse({"error": "refused: the request comes from another site (Origin)",
                                     "field": "Origin"}, status_code=403)
            await response(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                names = {name.lower() for name, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        return wrapped
