"""One place renders every error: JSON under /api, words on pages."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kith.db import is_unavailable
from kith.errors import KithError
from kith.uow import note_failure
from kith.web.headers import security_headers
from kith.web.params import Refusal

log = logging.getLogger("kith")

HTTP_CODES = {
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    429: "limit_reached",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        msg = str(err.get("msg", "is not valid"))
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "The request is not valid."


def _refusal(request: Request, exc: RequestValidationError) -> Refusal | None:
    """The :class:`Refusal` attached to the type of a path or query parameter that
    failed its check, if any (an id in a path refuses as the resource's 404)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return None
    fields = {
        (getattr(getattr(f.field_info, "in_", None), "value", None), f.alias): f
        for f in get_flat_params(dependant)
    }
    found: list[Refusal] = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        if len(loc) < 2 or loc[0] not in ("path", "query"):
            continue
        field = fields.get((loc[0], loc[1]))
        if field is not None:
            found += [m for m in field.field_info.metadata if isinstance(m, Refusal)]
    # A path that names nothing comes before anything wrong with the query.
    return max(found, key=lambda r: r.status) if found else None


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _documented_paths(app: Any) -> list[tuple[re.Pattern[str], int, set[str]]]:
    """The API's documented paths as (pattern, literal segments, methods), made once."""
    found: list[tuple[re.Pattern[str], int, set[str]]] | None = getattr(
        app.state, "documented_paths", None
    )
    if found is None:
        found = []
        for template, item in app.openapi().get("paths", {}).items():
            parts = template.split("/")
            pattern = re.compile(
                "/".join("[^/]+" if "{" in part else re.escape(part) for part in parts) + "$"
            )
            literal = sum(1 for part in template.split("/") if part and "{" not in part)
            found.append((pattern, literal, {m.upper() for m in item}))
        app.state.documented_paths = found
    return found


def _allowed_methods(request: Request) -> str:
    """Every method served at this path (Starlette names only the first route's,
    though /me is served by three). For the API, the methods documented for the most
    specific path that matches (``/groups/invitations`` over ``/groups/{group_id}``,
    ``/groups/{id}/posts/awaiting`` over ``/groups/{id}/posts/{post_id}``): a route
    with a parameter that also matches is another resource."""
    if _is_api(request) and callable(getattr(request.app, "openapi", None)):
        path = request.url.path
        matches = [
            (lit, methods)
            for pat, lit, methods in _documented_paths(request.app)
            if pat.match(path)
        ]
        if matches:
            best = max(lit for lit, _ in matches)
            methods = set().union(*(m for lit, m in matches if lit == best))
            return ", ".join(m for m in _METHODS if m in methods)
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": code, "detail": message}, status_code=status)
    renderer = getattr(request.app.state, "render_error_page", None)
    if renderer is not None:
        response = renderer(request, status, code, message)
        assert isinstance(response, Response)
        return response
    return HTMLResponse(f"<p role='alert'>{message}</p>", status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(KithError)
    def _kith_error(request: Request, exc: KithError) -> Response:
        response = render_error(request, exc.status, exc.code, exc.message)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> Response:
        refusal = _refusal(request, exc)
        if refusal is not None:
            return render_error(request, refusal.status, refusal.code, refusal.message)
        return render_error(request, 422, "invalid", _validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:
            # A body that cannot be read (not UTF-8, a broken form): malformed, as
            # broken JSON is.
            return render_error(
                request, 422, "invalid", "The request body could not be read (JSON in UTF-8)."
            )
        code = HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
        if exc.status_code == 404:
            detail = "There is nothing at this address."
        response = render_error(request, exc.status_code, code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed_methods(request)
        return response

    @app.exception_handler(IntegrityError)
    def _integrity(request: Request, exc: IntegrityError) -> Response:
        # A uniqueness race that no service anticipated: nothing was saved.
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return render_error(
            request,
            409,
            "conflict",
            "That changed at the same moment as another request, so nothing was saved. "
            "Please try again.",
        )

    def _database(request: Request, exc: Exception) -> Response:
        # Registered for these classes (not left to the catch-all) so that the
        # answer keeps the connection open like any other refusal.
        note_failure(exc)  # a deadlock is run once more (see kith.web.retry)
        if not is_unavailable(exc):
            return _unexpected(request, exc)
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        kith = request.app.state.kith
        response = render_error(
            request,
            503,
            "database_unavailable",
            "The database can't be reached or is too busy right now; nothing was saved. "
            "Please try again in a moment.",
        )
        response.headers["Retry-After"] = str(kith.settings.database_retry_after_seconds)
        return response

    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(InterfaceError, _database)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        response = render_error(
            request, 500, "internal_error", "Something went wrong on our side; nothing was saved."
        )
        # This answer is made outside the middleware that adds these to all others.
        for name, value in security_headers(request.url.path):
            response.headers[name.decode()] = value.decode()
        return response
