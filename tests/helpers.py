"""Assertions and fixtures shared by the connection-core tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kith.db import Ctx
from kith.errors import KithError


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert an API refusal: the status and exactly ``{"error": code, "detail": sentence}``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    assert body["error"] == code, body
    assert isinstance(body["detail"], str), body
    assert body["detail"].strip(), body
    return body


def refusal(code: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> KithError:
    """Call a service and assert it refuses with ``code``; returns the error."""
    with pytest.raises(KithError) as err:
        fn(*args, **kwargs)
    assert err.value.code == code, f"{err.value.code}: {err.value.message}"
    assert err.value.message.strip()
    return err.value


def with_settings(ctx: Ctx, **changes: Any) -> None:
    """Change settings for the rest of this unit of work (every number is a setting)."""
    ctx.settings = ctx.settings.model_copy(update=changes)
