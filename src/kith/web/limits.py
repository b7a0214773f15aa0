"""Bounded request bodies: the sign-in check comes before the body, and a body is
refused with 413 ``body_too_large`` as soon as it passes its route's ceiling.

A request is refused before any of its body is read when

- its ``Content-Length`` is over the ceiling, or
- its route needs a member (an API route behind a bearer token, a page behind the
  session cookie) and the request carries no valid credentials (401, or the page's
  redirect to sign in).

Otherwise the body is counted as it arrives and the request is refused the moment
it passes the ceiling, whatever the route was doing with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kith.accounts.service import member_for_token
from kith.runtime import Kith
from kith.web.deps import SESSION_COOKIE, api_member_id
from kith.web.errors import render_error
from kith.web.render import SignInRequired, required_member, signin_redirect

BODY_TOO_LARGE = "body_too_large"
MULTIPART_SLACK = 64 * 1024  # the multipart framing around the uploaded files
API_SIGN_IN = (
    "Sign in first: send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/token."
)


class BodyTooLarge(Exception):
    """Raised into the application when a body passes its ceiling."""


def _needs(dependant: Dependant, calls: tuple[Callable[..., Any], ...]) -> bool:
    return any(d.call in calls or _needs(d, calls) for d in dependant.dependencies)


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit // 1024} KB"


class BodyLimitMiddleware:
    """See the module docstring. ``upload_paths`` take the import ceiling
    (``KITH_IMPORT_MAX_MB``); every other route takes ``KITH_REQUEST_MAX_BYTES``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        kith: Kith,
        routes: Sequence[BaseRoute],
        upload_paths: frozenset[str],
    ) -> None:
        self.app = app
        self.kith = kith
        self.routes = routes
        self.upload_paths = upload_paths

    def limit(self, scope: Scope) -> int:
        settings = self.kith.settings
        if scope["path"] in self.upload_paths:
            return settings.import_max_mb * 2**20 + MULTIPART_SLACK
        return settings.request_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit(scope)
        try:
            length = int(headers["content-length"]) if "content-length" in headers else None
        except ValueError:
            length = None
        if length is not None and length > limit:
            await self._too_large(scope, send, limit)
            return
        has_body = bool(length) or "chunked" in headers.get("transfer-encoding", "").lower()
        if has_body:
            refusal = await self._unauthenticated(scope)
            if refusal is not None:
                refusal.headers["Connection"] = "close"
                await refusal(scope, receive, send)
                return

        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the route made of the interruption: the 413 replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await self._too_large(scope, send, limit)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        request = Request(scope)
        message = f"That request is too large: at most {_megabytes(limit)} can be sent here."
        response = await run_in_threadpool(render_error, request, 413, BODY_TOO_LARGE, message)
        response.headers["Connection"] = "close"  # the rest of the body is not read

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)

    async def _unauthenticated(self, scope: Scope) -> Response | None:
        """The refusal for a route that needs a member when nobody valid is signed in."""
        routes = (r for r in self.routes if isinstance(r, APIRoute))
        route = next((r for r in routes if r.matches(scope)[0] == Match.FULL), None)
        if route is None:
            return None
        request = Request(scope)
        if _needs(route.dependant, (api_member_id,)):
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token and await self._valid(token, "api"):
                return None
            return render_error(request, 401, "not_authenticated", API_SIGN_IN)
        if _needs(route.dependant, (required_member,)):
            cookie = request.cookies.get(SESSION_COOKIE)
            if cookie and await self._valid(cookie, "session"):
                return None
            try:
                required_member(request, None)
            except SignInRequired as exc:
                return signin_redirect(request, exc)
        return None

    async def _valid(self, token: str, kind: str) -> bool:
        def check() -> bool:
            with self.kith.uow(write=False) as ctx:
                return member_for_token(ctx, token, kind=kind) is not None

        return await run_in_threadpool(check)
