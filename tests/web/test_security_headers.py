"""Security headers on every page and API response, whatever the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Route

from kith.accounts.service import issue_token
from kith.app import create_app
from kith.runtime import Kith
from tests.fixtures.factories import bearer, make_member


def routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers, routers included at any depth."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)  # newer FastAPI
        found = [(c.path, c.methods) for c in contexts()] if contexts else []
        if isinstance(route, Route):
            found.append((route.path, route.methods))
        for path, methods in found:
            for method in sorted(methods or ()):
                if method != "HEAD":
                    yield method, re.sub(r"\{[^}]+\}", "1", path)


def assert_secure(response: object, path: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    where = f"{response.request.method} {path} -> {response.status_code}"  # type: ignore[attr-defined]
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("referrer-policy") == "same-origin", where
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert "script-src 'self';" in policy, where  # no inline script, no eval, anywhere
    if path != "/docs":
        assert "style-src 'self';" in policy, where
    assert headers.get("cache-control") == "no-store", where


def test_every_route_answers_with_the_security_headers(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        member = make_member(ctx, "Ana")
        auth = bearer(ctx, member)
        session = issue_token(ctx, member, kind="session")
    # the walk reads every answer whole: the live event stream ends at once
    kith.settings = kith.settings.model_copy(update={"live_stream_seconds": 0.01})
    seen = 0
    for signed_in in (False, True):
        client.cookies.clear()
        if signed_in:
            client.cookies.set("kith_session", session)
        for method, path in routes(client.app):  # type: ignore[arg-type]
            if path in ("/signout", "/api/v1/me") and method in ("POST", "DELETE"):
                continue  # would end this test's session or account
            body = {} if method in ("POST", "PUT", "PATCH") else None
            headers = auth if signed_in else {}
            # A redirect's own headers count (/favicon.ico leads to a cached /static file).
            response = client.request(
                method, path, json=body, headers=headers, follow_redirects=False
            )
            assert_secure(response, path)
            assert "server-timing" not in response.headers, path  # unless switched on
            seen += 1
    assert seen > 150  # the walk really found the routers' routes
    not_found = client.get("/no/such/page")
    assert_secure(not_found, "/no/such/page")


def test_static_files_keep_their_caching_and_are_not_sniffed(client: TestClient) -> None:
    response = client.get("/static/kith.css")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in response.headers.get("cache-control", "")
    assert response.headers.get("etag")
    again = client.get("/static/kith.css", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_pages_carry_no_inline_script_or_style(kith: Kith, client: TestClient) -> None:
    """The markup itself satisfies the policy (the browser test checks it in Chromium)."""
    with kith.uow() as ctx:
        member = make_member(ctx, "Ana")
        client.cookies.set("kith_session", issue_token(ctx, member, kind="session"))
        handle = member.handle
    for path in ("/", "/mynetwork", f"/in/{handle}", "/me/edit", "/search?q=ana", "/docs"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None, path
        assert re.search(r"\son[a-z]+\s*=", page.text) is None, path
        assert re.search(r"\sstyle\s*=", page.text) is None, path
        assert_secure(page, path)


def test_server_timing_is_sent_only_when_switched_on(kith: Kith) -> None:
    assert kith.settings.server_timing is False
    timed = Kith(
        settings=kith.settings.model_copy(update={"server_timing": True}),
        clock=kith.clock,
        db=kith.db,
    )
    with TestClient(create_app(timed)) as client:
        for path in ("/", "/signin", "/api/v1/openapi.json", "/no/such/page"):
            timing = client.get(path).headers["server-timing"]
            assert re.fullmatch(r"app;dur=\d+\.\d", timing), path
