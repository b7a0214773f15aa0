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
from kith.errors import KithError
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


def _guess(kith: Kith, email: str, address: str, password: str = "x") -> str:
    try:
        sign_in(kith, kind="api", email=email, password=password, address=address)
    except KithError as exc:
        return exc.code
    return "signed_in"


def test_an_attacked_account_still_signs_in_from_an_address_it_used(
    ctx: Ctx, kith: Kith, client: TestClient, clock: FrozenClock
) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    assert _guess(kith, "ana@example.org", "10.1.1.1", PASSWORD) == "signed_in"  # home
    for i in range(10):  # someone guesses from ten addresses
        assert _guess(kith, "ana@example.org", f"10.0.0.{i}") == "invalid_credentials"
    # From an address Ana never used, even the right password waits, with growing delays.
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
    assert err.headers["Retry-After"] == "15"
    assert "Try again in 15 seconds." in err.message
    clock.advance(seconds=15)
    assert _guess(kith, "ana@example.org", "10.0.0.99") == "invalid_credentials"
    assert _guess(kith, "ana@example.org", "10.9.9.9", PASSWORD) == "signin_throttled"
    response = token(client, "ana@example.org")
    refused(response, 429, "signin_throttled")
    assert int(response.headers["Retry-After"]) == 30  # the delay doubled
    # From home Ana signs in all along; other accounts are not affected.
    assert _guess(kith, "ana@example.org", "10.1.1.1", PASSWORD) == "signed_in"
    make_member(ctx, "Ben", email="ben@example.org")
    assert _guess(kith, "ben@example.org", "10.9.9.9", PASSWORD) == "signed_in"
    clock.advance(seconds=30)
    assert _guess(kith, "ana@example.org", "10.9.9.9", PASSWORD) == "signed_in"


def test_one_address_has_a_much_higher_ceiling(
    ctx: Ctx, kith: Kith, client: TestClient, clock: FrozenClock
) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    make_member(ctx, "Ben", email="ben@example.org")
    assert _guess(kith, "ben@example.org", "testclient", PASSWORD) == "signed_in"
    for i in range(10):  # ten failures from an office's address no longer lock it
        refused(token(client, f"guess{i}@example.org", "x"), 401, "invalid_credentials")
    assert token(client, "ana@example.org").status_code == 200
    kith.settings.signin_address_max_failures = 12
    for i in range(2):
        refused(token(client, f"more{i}@example.org", "x"), 401, "invalid_credentials")
    response = token(client, "ana@example.org")  # a second Ana session: address known now
    assert response.status_code == 200
    make_member(ctx, "Cleo", email="cleo@example.org")
    response = token(client, "cleo@example.org")  # never signed in from here: waits
    refused(response, 429, "signin_throttled")
    assert int(response.headers["Retry-After"]) == 15 * 60
    assert _guess(kith, "cleo@example.org", "10.1.1.1", PASSWORD) == "signed_in"
    assert _guess(kith, "ben@example.org", "testclient", PASSWORD) == "signed_in"
    clock.advance(minutes=15, seconds=1)
    assert token(client, "cleo@example.org").status_code == 200


def test_one_account_from_one_address_waits_longer_after_each_failure(
    ctx: Ctx, kith: Kith, clock: FrozenClock
) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    assert _guess(kith, "ana@example.org", "a", PASSWORD) == "signed_in"
    for _ in range(5):  # five failures cost nothing, even from a known address
        assert _guess(kith, "ana@example.org", "a") == "invalid_credentials"
    waits = []
    for _ in range(4):
        err = refusal(
            "signin_throttled",
            sign_in,
            kith,
            kind="api",
            email="ana@example.org",
            password=PASSWORD,
            address="a",
        )
        waits.append(int(err.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert _guess(kith, "ana@example.org", "a") == "invalid_credentials"
    assert waits == [15, 30, 60, 120]
    # Failures older than the window do not count.
    clock.advance(minutes=15)
    assert _guess(kith, "ana@example.org", "a", PASSWORD) == "signed_in"


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
