"""The HTML pages' plumbing: static files, CSRF, the error page, and installing the
page routers that the app assembles."""

from __future__ import annotations

from collections.abc import Iterable
from http.cookies import SimpleCookie

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kith.runtime import Kith
from kith.web.deps import CSRF_COOKIE, SESSION_COOKIE, token_member
from kith.web.render import (
    PACKAGE,
    Nav,
    SignInRequired,
    alert_fragment,
    csrf_check,
    is_htmx,
    nav_for,
    new_nonce,
    render,
    signin_redirect,
)

CSRF_COOKIE_SECONDS = 365 * 86400
SKIP_PREFIXES = ("/api/", "/static/", "/media/", "/docs", "/favicon.ico")
FAVICON = "/static/favicon.svg"


class CsrfNonceMiddleware:
    """Give every browser a CSRF nonce cookie on its first page view. The page's forms
    carry a token derived from it (see :func:`kith.security.csrf_token`)."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        cookies: SimpleCookie = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:  # noqa: BLE001, S110 - a malformed cookie header is no nonce
                    pass
        if CSRF_COOKIE in cookies and cookies[CSRF_COOKIE].value:
            await self.app(scope, receive, send)
            return
        nonce = new_nonce()
        scope.setdefault("state", {})["csrf_nonce"] = nonce
        cookie = (
            f"{CSRF_COOKIE}={nonce}; Path=/; Max-Age={CSRF_COOKIE_SECONDS}; HttpOnly; SameSite=Lax"
        )
        if self.secure:
            cookie += "; Secure"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _nav_for_request(request: Request) -> Nav | None:
    """The header for an error page: best effort, an error page must always render."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    kith: Kith = request.app.state.kith
    try:
        with kith.uow(write=False) as ctx:
            member = token_member(ctx, token, kind="session")
            return nav_for(ctx, member) if member is not None else None
    except Exception:  # noqa: BLE001 - the database may be why we are here
        return None


TITLES = {
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    409: "That can't be done",
    413: "Too large",
    422: "Please check your input",
    429: "Please wait",
    500: "Something went wrong",
    503: "Please try again in a moment",
}


def render_error_page(request: Request, status: int, code: str, message: str) -> Response:
    if is_htmx(request):
        return alert_fragment(request, message, status=status)
    return render(
        request,
        "error.html",
        {"status": status, "code": code, "message": message, "title": TITLES.get(status, "Sorry")},
        nav=_nav_for_request(request),
        status=status,
    )


def favicon() -> Response:
    """Browsers ask for ``/favicon.ico`` whatever the page links; the mark is an SVG."""
    return RedirectResponse(FAVICON, status_code=301)


def install_pages(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Add the page ``routers`` (each behind the CSRF check), their static files and
    their error page to ``app``."""
    kith: Kith = app.state.kith
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")
    app.add_api_route("/favicon.ico", favicon, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_middleware(CsrfNonceMiddleware, secure=kith.settings.base_url.startswith("https://"))
    app.add_exception_handler(SignInRequired, signin_redirect)
    app.state.render_error_page = render_error_page
    for router in routers:
        app.include_router(router, dependencies=[Depends(csrf_check)], include_in_schema=False)
