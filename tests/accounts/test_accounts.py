"""Accounts: sign-up rules, argon2 hashes, sign-in throttling, API tokens, settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select

from kith.accounts.credentials import sign_in
from kith.accounts.service import (
    issue_token,
    sign_up,
    suggest_handle,
    token_in_use,
)
from kith.clock import FrozenClock
from kith.config import Settings
from kith.models import AuthToken, Member, SigninAttempt
from kith.runtime import Kith
from kith.security import verify_password
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, bearer, make_member
from tests.fixtures.refusals import refusal, refused
from tests.fixtures.settings import with_settings

API = "/api/v1"


def signup(client: TestClient, **body: object):  # type: ignore[no-untyped-def]
    data = {
        "email": "ana.ruiz@example.org",
        "password": PASSWORD,
        "first_name": "Ana",
        "last_name": "Ruiz",
    }
    data.update(body)
    return client.post(f"{API}/auth/signup", json=data)


def token(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/auth/token", json={"email": email, "password": password})


def members(ctx: Ctx) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(Member)) or 0)


# --- sign up -----------------------------------------------------------------------------


def test_sign_up_through_the_api(ctx: Ctx, client: TestClient) -> None:
    response = signup(client, email="  Ana.Ruiz@Example.ORG ")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["handle"] == "ana-ruiz"
    assert body["token_type"] == "bearer"
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["name"] == "Ana Ruiz"
    member = ctx.session.scalars(select(Member)).one()
    assert member.email == "ana.ruiz@example.org"
    assert member.role == "member"
    assert member.invite_policy == "everyone"
    assert member.connections_visibility == "connections"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"email": "not-an-email"}, 422, "invalid_email"),
        ({"email": "ana@"}, 422, "invalid_email"),
        ({"password": "short"}, 422, "weak_password"),
        ({"password": "x" * 1025}, 422, "weak_password"),
        ({"first_name": "   "}, 422, "invalid_name"),
        ({"last_name": "x" * 101}, 422, "invalid_name"),
        ({"handle": "ab"}, 422, "invalid_handle"),
        ({"handle": "-ana"}, 422, "invalid_handle"),
        ({"handle": "ana--ruiz"}, 422, "invalid_handle"),
        ({"handle": "ana_ruiz"}, 422, "invalid_handle"),
        ({"handle": "a" * 61}, 422, "invalid_handle"),
        ({"handle": "admin"}, 422, "invalid_handle"),
        ({"handle": "settings"}, 422, "invalid_handle"),
        ({"role": "admin"}, 422, "invalid"),  # not settable through the API
    ],
)
def test_sign_up_refusals(
    ctx: Ctx, client: TestClient, body: dict[str, object], status: int, code: str
) -> None:
    refused(signup(client, **body), status, code)
    assert members(ctx) == 0


def test_duplicate_email_is_taken_whatever_the_case(ctx: Ctx, client: TestClient) -> None:
    assert signup(client).status_code == 201
    refused(signup(client, email="ANA.RUIZ@example.org", first_name="Other"), 409, "email_taken")
    err = refusal(
        "email_taken",
        sign_up,
        ctx,
        email="ana.ruiz@EXAMPLE.org",
        password=PASSWORD,
        first_name="A",
        last_name="B",
    )
    assert err.status == 409
    assert members(ctx) == 1


def test_handle_rules_and_taken(ctx: Ctx, client: TestClient) -> None:
    response = signup(client, handle="Ana-R-2024")
    assert response.json()["handle"] == "ana-r-2024"
    refused(signup(client, email="other@example.org", handle="ana-r-2024"), 409, "handle_taken")
    refused(signup(client, email="other@example.org", handle="ANA-R-2024"), 409, "handle_taken")
    ok = signup(client, email="other@example.org", handle="a" * 60)
    assert ok.status_code == 201
    assert members(ctx) == 2


def test_generated_handles_are_unique(ctx: Ctx) -> None:
    made = [make_member(ctx, "Ana", "Ruiz").handle for _ in range(3)]
    assert made == ["ana-ruiz", "ana-ruiz-2", "ana-ruiz-3"]
    # A chosen handle in the sequence is skipped.
    make_member(ctx, "Other", handle="ana-ruiz-4")
    assert make_member(ctx, "Ana", "Ruiz").handle == "ana-ruiz-5"
    assert make_member(ctx, "José", "Núñez").handle == "jose-nunez"
    assert make_member(ctx, "李", "X").handle == "x-member"
    assert suggest_handle(ctx, "Ana", "Ruiz") == "ana-ruiz-6"
    handles = ctx.session.scalars(select(Member.handle)).all()
    assert len(handles) == len(set(handles))


def test_argon2_hash_is_stored_not_the_password(ctx: Ctx) -> None:
    member = make_member(ctx, "Ana")
    assert member.password_hash.startswith("$argon2id$")
    assert PASSWORD not in member.password_hash
    assert verify_password(member.password_hash, PASSWORD, ctx.settings)
    assert not verify_password(member.password_hash, PASSWORD + "!", ctx.settings)
    other = make_member(ctx, "Ben")
    assert other.password_hash != member.password_hash  # salted


# --- sign in and throttling ----------------------------------------------------------------


def test_sign_in_and_wrong_password(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana", email="ana@example.org")
    ok = token(client, "ANA@example.org")
    assert ok.status_code == 200, ok.text
    assert ok.json()["handle"] == member.handle
    assert (
        client.get(
            f"{API}/me", headers={"Authorization": f"Bearer {ok.json()['access_token']}"}
        ).status_code
        == 200
    )
    refused(token(client, "ana@example.org", "wrong password"), 401, "invalid_credentials")
    refused(token(client, "nobody@example.org"), 401, "invalid_credentials")
    member.is_active = False
    ctx.session.flush()
    refused(token(client, "ana@example.org"), 401, "invalid_credentials")


def test_failures_are_recorded_although_the_request_fails(ctx: Ctx, client: TestClient) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    for _ in range(3):
        refused(token(client, "ana@example.org", "nope"), 401, "invalid_credentials")
    assert token(client, "ana@example.org").status_code == 200
    rows = ctx.session.scalars(select(SigninAttempt).order_by(SigninAttempt.id)).all()
    assert [r.success for r in rows] == [False, False, False, True]
    assert {r.email for r in rows} == {"ana@example.org"}
    assert {r.address for r in rows} == {"testclient"}


def test_throttled_per_account(
    ctx: Ctx, kith: Kith, client: TestClient, clock: FrozenClock
) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    for i in range(10):
        # From ten different addresses: only the account is over the limit.
        refusal(
            "invalid_credentials",
            sign_in,
            kith,
            kind="api",
            email="ana@example.org",
            password="x",
            address=f"10.0.0.{i}",
        )
        clock.advance(minutes=1)
    # Even the right password is refused now, from anywhere.
    err = refusal(
        "signin_throttled",
        sign_in,
        kith,
        kind="api",
        email="ana@example.org",
        password=PASSWORD,
        address="10.9.9.9",
    )
    assert err.status == 429
    body = refused(token(client, "ana@example.org"), 429, "signin_throttled")
    # The oldest failure leaves the 15-minute window 5 minutes from now.
    assert "Try again in 5 minutes." in body["detail"]
    retry = int(token(client, "ana@example.org").headers["Retry-After"])
    assert retry == 5 * 60
    # Other accounts are not affected.
    make_member(ctx, "Ben", email="ben@example.org")
    assert sign_in(kith, kind="api", email="ben@example.org", password=PASSWORD, address="10.9.9.9")
    clock.advance(seconds=retry)
    assert token(client, "ana@example.org").status_code == 200


def test_throttled_per_address(
    ctx: Ctx, kith: Kith, client: TestClient, clock: FrozenClock
) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    for i in range(10):
        refused(token(client, f"guess{i}@example.org", "x"), 401, "invalid_credentials")
    response = token(client, "ana@example.org")
    refused(response, 429, "signin_throttled")
    assert int(response.headers["Retry-After"]) == 15 * 60
    # The same account from another address is fine.
    assert sign_in(kith, kind="api", email="ana@example.org", password=PASSWORD, address="10.1.1.1")
    clock.advance(minutes=14)
    refused(token(client, "ana@example.org"), 429, "signin_throttled")
    clock.advance(minutes=1, seconds=1)
    assert token(client, "ana@example.org").status_code == 200


def test_nine_failures_do_not_throttle(ctx: Ctx, kith: Kith, clock: FrozenClock) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    for _ in range(9):
        refusal(
            "invalid_credentials",
            sign_in,
            kith,
            kind="api",
            email="ana@example.org",
            password="x",
            address="a",
        )
    assert sign_in(kith, kind="api", email="ana@example.org", password=PASSWORD, address="a")
    # Failures older than the window do not count.
    clock.advance(minutes=15)
    for _ in range(9):
        refusal(
            "invalid_credentials",
            sign_in,
            kith,
            kind="api",
            email="ana@example.org",
            password="x",
            address="a",
        )
    assert sign_in(kith, kind="api", email="ana@example.org", password=PASSWORD, address="a")


# --- API tokens ----------------------------------------------------------------------------


def test_bearer_token_required(ctx: Ctx, client: TestClient) -> None:
    refused(client.get(f"{API}/me"), 401, "not_authenticated")
    refused(
        client.get(f"{API}/me", headers={"Authorization": "Bearer nonsense"}),
        401,
        "not_authenticated",
    )
    refused(
        client.get(f"{API}/connections", headers={"Authorization": "Basic abc"}),
        401,
        "not_authenticated",
    )
    refused(client.post(f"{API}/invitations", json={"to": "x"}), 401, "not_authenticated")
    # A browser session token is not an API token.
    member = make_member(ctx, "Ana")
    session_token = issue_token(ctx, member, kind="session")
    refused(
        client.get(f"{API}/me", headers={"Authorization": f"Bearer {session_token}"}),
        401,
        "not_authenticated",
    )


def test_logout_revokes_the_token(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana")
    headers, other = bearer(ctx, member), bearer(ctx, member)
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    refused(client.get(f"{API}/me", headers=headers), 401, "not_authenticated")
    refused(client.post(f"{API}/auth/logout", headers=headers), 401, "not_authenticated")
    assert client.get(f"{API}/me", headers=other).status_code == 200  # only that token
    revoked = select(func.count()).select_from(AuthToken).where(AuthToken.revoked.is_(True))
    assert ctx.session.scalar(revoked) == 1


def test_expired_tokens_are_refused(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    member = make_member(ctx, "Ana")
    headers = bearer(ctx, member)
    secret = headers["Authorization"].split()[1]
    clock.advance(days=89, hours=23)
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    clock.advance(hours=1)
    refused(client.get(f"{API}/me", headers=headers), 401, "not_authenticated")
    assert token_in_use(ctx, secret, kind="api") is None
    stored = ctx.session.scalars(select(AuthToken)).one()
    assert stored.digest != secret  # only a digest is kept


def test_deactivated_member_tokens_stop_working(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana")
    headers = bearer(ctx, member)
    member.is_active = False
    ctx.session.flush()
    refused(client.get(f"{API}/me", headers=headers), 401, "not_authenticated")


def test_change_password(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana", email="ana@example.org")
    headers = bearer(ctx, member)
    url = f"{API}/auth/password"
    refused(
        client.post(
            url, json={"current_password": "wrong", "new_password": "a new secret"}, headers=headers
        ),
        403,
        "wrong_password",
    )
    refused(
        client.post(
            url, json={"current_password": PASSWORD, "new_password": "short"}, headers=headers
        ),
        422,
        "weak_password",
    )
    ok = client.post(
        url, json={"current_password": PASSWORD, "new_password": "a new secret"}, headers=headers
    )
    assert ok.status_code == 204
    refused(token(client, "ana@example.org"), 401, "invalid_credentials")
    assert token(client, "ana@example.org", "a new secret").status_code == 200


# --- settings --------------------------------------------------------------------------------


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="KITH_SECRET_KEY"):
        Settings(env="production", secret_key="change-me")
    with pytest.raises(ValidationError, match="KITH_SECRET_KEY"):
        Settings(env="production", secret_key="too-short")
    with pytest.raises(ValidationError, match="outside dev mode"):
        Settings(env="test", secret_key="change-me")
    ok = Settings(env="production", secret_key="s" * 32)
    assert ok.secret_key == "s" * 32
    assert Settings(env="dev", secret_key="change-me").env == "dev"


def test_every_number_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KITH_INVITATIONS_PER_WEEK", "7")
    monkeypatch.setenv("KITH_MAX_CONNECTIONS", "12")
    settings = Settings()
    assert (settings.invitations_per_week, settings.max_connections) == (7, 12)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.invitation_note_max == 300
    assert defaults.withdraw_cooldown_days == 21
    assert defaults.invitation_expiry_days == 180
    assert defaults.reblock_wait_hours == 48


def test_a_hash_made_at_another_cost_is_upgraded_at_sign_in(ctx: Ctx, kith: Kith) -> None:
    member = make_member(ctx, "Ana", email="ana@example.org")
    old_hash = member.password_hash
    assert "t=1," in old_hash  # the tests' cheap cost
    with_settings(ctx, argon2_time_cost=2)
    kith.settings = ctx.settings
    sign_in(kith, email="ana@example.org", password=PASSWORD, address="10.0.0.1", kind="api")
    ctx.session.refresh(member)
    assert member.password_hash != old_hash
    assert "t=2," in member.password_hash
    assert verify_password(member.password_hash, PASSWORD, ctx.settings)
