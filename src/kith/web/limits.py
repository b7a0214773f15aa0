"""Bounded request bodies: the sign-in check comes before the body, and a body is
refused with 413 ``body_too_large`` as soon as it passes its route's ceiling.

A request is refused before any of its body is read when

- its ``Content-Length`` is over the ceiling, or
- its route needs a member (an API route behind a bearer token, a page behind the
  session cookie) and the request carries no valid credentials (401, or the page's
  redirect to sign in). This is checked when the route first asks for the body,
  once the router has chosen the route.

Otherwise the body is counted as it arrives and the request is refused the moment
it passes the ceiling, whatever the route was doing with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kith.runtime import Kith
from kith.web.deps import SESSION_COOKIE, api_member_id, token_member
from kith.web.errors import render_error
from kith.web.render import SignInRequired, required_member, signin_redirect

BODY_TOO_LARGE = "body_too_large"
MULTIPART_SLACK = 64 * 1024  # the multipart framing around the uploaded files
API_SIGN_IN = (
    "Sign in first: send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/token."
)


class BodyRefused(Exception):
    """Raised into the application when it asks for a body it may not have."""


def _needs(dependant: Any, call: Callable[..., Any]) -> bool:
    """Does this route (its FastAPI ``dependant``) depend on ``call``, at any depth?"""
    return any(d.call is call or _needs(d, call) for d in getattr(dependant, "dependencies", ()))


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit // 1024} KB"


class BodyLimitMiddleware:
    """See the module docstring. ``upload_paths`` take the import ceiling
    (``KITH_IMPORT_MAX_MB``), ``photo_paths`` the picture ceiling
    (``KITH_PHOTO_MAX_MB``), paths matching ``album_paths`` that ceiling for each of a
    post's images (``KITH_POST_MAX_IMAGES``); every other route takes
    ``KITH_REQUEST_MAX_BYTES``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        kith: Kith,
        upload_paths: frozenset[str],
        photo_paths: frozenset[str] = frozenset(),
        album_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.kith = kith
        self.upload_paths = upload_paths
        self.photo_paths = photo_paths
        self.album_paths = album_paths

    def _album(self, path: str) -> bool:
        return self.album_paths is not None and self.album_paths.fullmatch(path) is not None

    def limit(self, scope: Scope) -> int:
        settings = self.kith.settings
        if scope["path"] in self.upload_paths:
            return settings.import_max_mb * 2**20 + MULTIPART_SLACK
        if scope["path"] in self.photo_paths:
            return settings.photo_max_mb * 2**20 + MULTIPART_SLACK
        if self._album(scope["path"]):
            pictures = max(settings.post_max_images, 1)
            return settings.photo_max_mb * 2**20 * pictures + MULTIPART_SLACK
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
            await self._send(await self._too_large(scope, limit), scope, send)
            return
        received = 0
        checked = False
        refusal: Response | None = None
        started = False

        async def counted() -> Message:
            nonlocal received, checked, refusal
            if refusal is not None:
                raise BodyRefused
            if not checked:
                checked = True
                refusal = await self._unauthenticated(scope)
                if refusal is not None:
                    raise BodyRefused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refusal = await self._too_large(scope, limit)
                    raise BodyRefused
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refusal is not None:
                return  # whatever the route made of the interruption: the refusal replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if refusal is None or started:
                raise
        if refusal is not None and not started:
            await self._send(refusal, scope, send)

    @staticmethod
    async def _send(response: Response, scope: Scope, send: Send) -> None:
        response.headers["Connection"] = "close"  # the rest of the body is not read

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)

    async def _too_large(self, scope: Scope, limit: int) -> Response:
        request = Request(scope)
        if scope["path"] in self.upload_paths:
            size = f"{self.kith.settings.import_max_mb} MB"
            message = f"That upload is too large: files up to {size} in all can be imported."
        elif scope["path"] in self.photo_paths:
            size = f"{self.kith.settings.photo_max_mb} MB"
            message = f"That image is larger than {size}; choose one of up to {size}."
        elif self._album(scope["path"]):
            size = f"{self.kith.settings.photo_max_mb} MB"
            message = f"Those images are too large: each can be up to {size}."
        else:
            message = f"That request is too large: at most {_megabytes(limit)} can be sent here."
        return await run_in_threadpool(render_error, request, 413, BODY_TOO_LARGE, message)

    async def _unauthenticated(self, scope: Scope) -> Response | None:
        """The refusal for a route that needs a member when nobody valid is signed in
        (the router has put the route it chose in the scope)."""
        dependant = getattr(scope.get("route"), "dependant", None)
        request = Request(scope)
        if _needs(dependant, api_member_id):
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token and await self._valid(token, "api"):
                return None
            return render_error(request, 401, "not_authenticated", API_SIGN_IN)
        if _needs(dependant, required_member):
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
            try:
                with self.kith.uow(write=False) as ctx:
                    return token_member(ctx, token, kind=kind) is not None
            except (OperationalError, InterfaceError):
                # The database can't say: the route's own sign-in check meets the same
                # error and answers it (503), the body still bounded by its ceiling.
                return True

        return await run_in_threadpool(check)
