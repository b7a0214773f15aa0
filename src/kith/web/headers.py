"""Security headers on every response.

The pages load scripts and styles from ``/static`` only: no inline script, no
inline event handler, no ``style=`` attribute (htmx is told not to inject its
indicator styles and never to evaluate code, see ``base.html``). The API explorer
at ``/docs`` runs Swagger UI, which sets inline styles and shows ``data:`` images,
so it has its own, slightly wider policy. Nothing may frame a page of Kith.

Every response except ``/static`` files and ``/media`` pictures is ``Cache-Control:
no-store``: pages and API answers carry personal data or a form's CSRF token. Static
files keep their validators (ETag, Last-Modified); a picture's URL names its content,
so the route serving it says how long it may be kept (any other answer there, such
as a 404, is ``no-store`` too).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
DOCS_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


MEDIA = "/media/"
CACHEABLE = ("/static/", MEDIA)


def policy_for(path: str) -> str:
    return DOCS_POLICY if path == "/docs" else PAGE_POLICY


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every response to ``path`` carries."""
    extra = [*ALWAYS, (b"content-security-policy", policy_for(path).encode())]
    if not path.startswith(CACHEABLE):
        extra.append((b"cache-control", b"no-store"))
    return extra


class SecurityHeadersMiddleware:
    """Add the headers above to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(str(scope["path"]))
        names = {name for name, _ in extra}
        media = str(scope["path"]).startswith(MEDIA)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in names
                ]
                if media and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))  # a refusal, not a picture
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
