"""The error tree. Every refusal is a :class:`KithError` with a stable code."""

from __future__ import annotations


class KithError(Exception):
    """A refusal the user can understand: ``code`` is stable, ``message`` is a sentence."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = headers or {}

    def as_dict(self) -> dict[str, str]:
        return {"error": self.code, "detail": self.message}


class Invalid(KithError):
    status = 422
    code = "invalid"


class NotAuthenticated(KithError):
    status = 401
    code = "not_authenticated"


class Forbidden(KithError):
    status = 403
    code = "forbidden"


class NotFound(KithError):
    status = 404
    code = "not_found"


class Conflict(KithError):
    status = 409
    code = "conflict"


class LimitReached(KithError):
    status = 429
    code = "limit_reached"
