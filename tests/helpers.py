"""Assertions and fixtures shared by the connection-core tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kith.errors import KithError
from kith.uow import Ctx


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


def page_as(client: Any, ctx: Ctx, member: Any) -> None:
    """Make ``client`` a browser signed in as ``member`` (a page session cookie)."""
    from kith.accounts.service import issue_token
    from kith.web.deps import SESSION_COOKIE

    client.cookies.set(SESSION_COOKIE, issue_token(ctx, member, kind="session"))


def page_post(client: Any, url: str, data: dict[str, str] | None = None) -> Any:
    """A form post from ``client``'s browser, with its CSRF token."""
    from kith.security import csrf_token
    from kith.web.deps import CSRF_COOKIE

    if CSRF_COOKIE not in client.cookies:
        client.get("/signin")
    secret = client.app.state.kith.settings.secret_key
    token = csrf_token(secret, client.cookies[CSRF_COOKIE])
    return client.post(url, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


def at_once(actions: list[Callable[[], str]]) -> list[str]:
    """Run each action in its own thread, all released together by one barrier; the
    outcomes (a result, or the code of the refusal), in no particular order."""
    import threading

    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], str]) -> None:
        barrier.wait(timeout=60)
        try:
            outcome = action()
        except KithError as exc:
            outcome = exc.code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(outcomes) == len(actions), "a thread failed with an unexpected error"
    return outcomes
