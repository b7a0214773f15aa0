"""Run a request once more when PostgreSQL refused its transaction only because of a
concurrent one (a deadlock or a serialization failure).

This is safe because the request is run again from the start and only when none of
its units of work committed a write (side effects run only after a commit, so none
ran either). The refusal of the first try is held back, never sent; the body the
first try read is handed to the second again. Uploads (multipart bodies, which may
be large) are not run again. A second refusal is answered 503
``database_unavailable`` with Retry-After.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kith.uow import attempt

log = logging.getLogger("kith.web")


class RetryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or Headers(scope=scope).get("content-type", "").startswith(
            "multipart/"
        ):
            await self.app(scope, receive, send)
            return
        read: list[Message] = []
        held = False

        async def recording() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                read.append(message)
            return message

        with attempt() as first:

            async def holding(message: Message) -> None:
                nonlocal held
                if message["type"] == "http.response.start":
                    held = first.retryable and not first.committed
                if not held:
                    await send(message)

            await self.app(scope, recording, holding)
        if not held:
            return
        log.warning(
            "%s %s met a concurrent transaction; running it once more",
            scope["method"],
            scope["path"],
        )
        replay = list(read)

        async def replaying() -> Message:
            return replay.pop(0) if replay else await receive()

        with attempt():
            await self.app(scope, replaying, send)
