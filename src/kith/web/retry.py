"""Run a request once more when PostgreSQL refused its transaction only because of a
concurrent one (a deadlock or a serialization failure).

This is safe because the request is run again from the start and only when none of
its units of work committed a write (side effects run only after a commit, so none
ran either). Uploads are not run again: their files were consumed by the first try.
A second refusal is answered 503 ``database_unavailable`` with Retry-After.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, request_response
from starlette.requests import Request
from starlette.responses import Response

from kith.db import attempt, is_retryable

log = logging.getLogger("kith.web")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def retrying(handler: Handler) -> Handler:
    async def handle(request: Request) -> Response:
        with attempt() as first:
            try:
                return await handler(request)
            except Exception as exc:
                content_type = request.headers.get("content-type", "")
                if (
                    not is_retryable(exc)
                    or first.committed
                    or content_type.startswith("multipart/")
                ):
                    raise
                log.warning(
                    "%s %s ran into a concurrent transaction (%s); running it again",
                    request.method,
                    request.url.path,
                    getattr(getattr(exc, "orig", None), "sqlstate", "?"),
                )
        with attempt():
            return await handler(request)

    return handle


def install_retry(app: FastAPI) -> None:
    """Make every route of ``app`` run once more on a deadlock or serialization failure."""
    for route in app.router.routes:
        if isinstance(route, APIRoute):
            route.app = request_response(retrying(route.get_route_handler()))
