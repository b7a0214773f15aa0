"""Sessions and API tokens: a password change ends all but the current one, each can
be listed and revoked, and "sign out everywhere" ends them all (API and Settings)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.accounts.service import issue_token
from kith.accounts.sessions import end_sessions
from kith.clock import FrozenClock
from kith.models import AuthToken
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.pages import page_post
from tests.fixtures.refusals import refused

API = "/api/v1"
NEW = "a brand new password"


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _works_api(client: TestClient, secret: str) -> bool:
    return client.get(f"{API}/me", headers=_bearer(secret)).status_code == 200


def _works_page(client: TestClient, secret: str) -> bool:
    client.cookies.set(SESSION_COOKIE, secret)
    return client.get("/me/settings", follow_redirects=False).status_code == 200


def test_changing_the_password_ends_every_other_session_and_token(
    ctx: Ctx, client: TestClient
) -> None:
    ana = make_member(ctx, "Ana", email="ana@example.org")
    ben = make_member(ctx, "Ben")
    current, other_api = (issue_token(ctx, ana, kind="api") for _ in range(2))
    browser = issue_token(ctx, ana, kind="session")
    bens = issue_token(ctx, ben, kind="api")
    change = {"current_password": PASSWORD, "new_password": NEW}
    response = client.post(f"{API}/auth/password", json=change, headers=_bearer(current))
    assert response.status_code == 204, response.text
    assert _works_api(client, current)  # the one that changed it stays
    assert not _works_api(client, other_api)
    assert not _works_page(client, browser)
    assert _works_api(client, bens)  # nobody else's
    # A refused change ends nothing.
    again = issue_token(ctx, ana, kind="api")
    wrong = {"current_password": "not it", "new_password": "another one!"}
    refused(
        client.post(f"{API}/auth/password", json=wrong, headers=_bearer(current)),
        403,
        "wrong_password",
    )
    assert _works_api(client, again)


def test_changing_the_password_on_the_page_keeps_this_browser_only(
    ctx: Ctx, client: TestClient
) -> None:
    ana = make_member(ctx, "Ana", email="ana@example.org")
    here, elsewhere = (issue_token(ctx, ana, kind="session") for _ in range(2))
    token = issue_token(ctx, ana, kind="api")
    client.cookies.set(SESSION_COOKIE, here)
    response = page_post(
        client, "/me/password", {"current_password": PASSWORD, "new_password": NEW}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me/settings?saved=password"
    page = client.get(response.headers["location"]).text
    assert "Every other session and API token is signed out." in page
    assert _works_page(client, here)
    assert not _works_page(client, elsewhere)
    assert not _works_api(client, token)


def test_sessions_are_listed_and_revoked_one_by_one(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    phone = issue_token(ctx, ana, kind="session", user_agent="Mozilla/5.0 (iPhone) Safari")
    clock.advance(minutes=1)
    mine = issue_token(ctx, ana, kind="api", user_agent="kith-cli/1.0")
    bens = issue_token(ctx, ben, kind="api")
    clock.advance(minutes=10)
    listed = client.get(f"{API}/auth/sessions", headers=_bearer(mine))
    assert listed.status_code == 200, listed.text
    rows = listed.json()
    assert [(r["kind"], r["user_agent"], r["current"]) for r in rows] == [
        ("api", "kith-cli/1.0", True),
        ("session", "Mozilla/5.0 (iPhone) Safari", False),
    ]
    # Using a session moves its "last seen" (at most every few minutes).
    assert rows[0]["last_seen_at"].startswith(f"{clock.now():%Y-%m-%dT%H:%M}")
    assert rows[1]["last_seen_at"] < rows[0]["last_seen_at"]
    assert _works_page(client, phone)
    again = client.get(f"{API}/auth/sessions", headers=_bearer(mine)).json()
    assert again[0]["last_seen_at"] == again[1]["last_seen_at"]
    # Revoke the phone's session; someone else's or a gone one is not found.
    phone_id = rows[1]["id"]
    response = client.delete(f"{API}/auth/sessions/{phone_id}", headers=_bearer(mine))
    assert response.status_code == 204
    assert not _works_page(client, phone)
    refused(
        client.delete(f"{API}/auth/sessions/{phone_id}", headers=_bearer(mine)),
        404,
        "session_not_found",
    )
    bens_id = ctx.session.scalar(select(AuthToken.id).where(AuthToken.member_id == ben.id))
    refused(
        client.delete(f"{API}/auth/sessions/{bens_id}", headers=_bearer(mine)),
        404,
        "session_not_found",
    )
    assert _works_api(client, bens)
    assert [r["id"] for r in client.get(f"{API}/auth/sessions", headers=_bearer(mine)).json()] == [
        rows[0]["id"]
    ]


def test_sign_out_everywhere_through_the_api(ctx: Ctx, client: TestClient) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    secrets = [issue_token(ctx, ana, kind=k) for k in ("api", "api", "session")]
    bens = issue_token(ctx, ben, kind="api")
    response = client.post(f"{API}/auth/signout-everywhere", headers=_bearer(secrets[0]))
    assert response.status_code == 204
    assert not any(_works_api(client, s) for s in secrets[:2])
    assert not _works_page(client, secrets[2])
    assert _works_api(client, bens)
    refused(
        client.get(f"{API}/auth/sessions", headers=_bearer(secrets[0])), 401, "not_authenticated"
    )


def test_settings_lists_sessions_and_signs_out_everywhere(ctx: Ctx, client: TestClient) -> None:
    ana = make_member(ctx, "Ana")
    here = issue_token(ctx, ana, kind="session", user_agent="Firefox on this laptop")
    other = issue_token(ctx, ana, kind="session", user_agent="Chrome on the office PC")
    token = issue_token(ctx, ana, kind="api", user_agent="a script")
    client.cookies.set(SESSION_COOKIE, here)
    page = client.get("/me/settings").text
    assert "Where you are signed in" in page
    for device in ("Firefox on this laptop", "Chrome on the office PC", "a script"):
        assert device in page
    assert "(this browser)" in page
    # Sign out the office PC from here.
    ids = re.findall(r'action="/me/sessions/(\d+)/revoke"', page)
    assert len(ids) == 3
    office = ctx.session.scalar(
        select(AuthToken.id).where(AuthToken.user_agent == "Chrome on the office PC")
    )
    response = page_post(client, f"/me/sessions/{office}/revoke")
    assert response.headers["location"] == "/me/settings?saved=session"
    assert not _works_page(client, other)
    client.cookies.set(SESSION_COOKIE, here)
    assert "Chrome on the office PC" not in client.get("/me/settings").text
    # Everywhere: this browser, the API token, all of them.
    response = page_post(client, "/me/signout-everywhere")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    assert SESSION_COOKIE in response.headers["set-cookie"]  # the cookie is cleared
    assert not _works_page(client, here)
    assert not _works_api(client, token)


def test_end_sessions_keeping_none_is_what_a_password_reset_calls(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    for kind in ("api", "session"):
        issue_token(ctx, ana, kind=kind)
    assert end_sessions(ctx, ana) == 2
    assert end_sessions(ctx, ana) == 0
    live = select(AuthToken).where(AuthToken.member_id == ana.id, AuthToken.revoked.is_(False))
    assert ctx.session.scalars(live).all() == []


def test_sign_in_records_the_client(ctx: Ctx, client: TestClient) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    response = client.post(
        f"{API}/auth/token",
        json={"email": "ana@example.org", "password": PASSWORD},
        headers={"User-Agent": "curl/8.5"},
    )
    assert response.status_code == 200
    row = ctx.session.scalars(select(AuthToken)).one()
    assert (row.user_agent, row.kind) == ("curl/8.5", "api")


def test_a_session_id_beyond_any_is_not_found_on_the_api_and_the_page(
    ctx: Ctx, client: TestClient
) -> None:
    ana = make_member(ctx, "Ana")
    secret = issue_token(ctx, ana, kind="api")
    for beyond in (2**31, 2**63):
        refused(
            client.delete(f"{API}/auth/sessions/{beyond}", headers=_bearer(secret)),
            404,
            "session_not_found",
        )
    client.cookies.set(SESSION_COOKIE, issue_token(ctx, ana, kind="session"))
    assert page_post(client, f"/me/sessions/{2**63}/revoke").status_code == 404
