"""Single sign-on through a real OpenID Connect provider (served for the session):
new accounts, linking by verified email, and every refusal changing nothing."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.accounts import oidc_client
from kith.accounts.oidc import STATE_COOKIE
from kith.accounts.pending import PENDING_COOKIE
from kith.clock import FrozenClock
from kith.community.settings import update as update_settings
from kith.config import Settings
from kith.db import Database
from kith.mail.preferences import settings_of
from kith.models import AuthToken, LinkedIdentity, Member
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.oidc import (
    PROVIDER_NAME,
    authorize,
    callback_path,
    provider_user,
    query,
    sso_settings,
)
from tests.fixtures.pages import alerts, post
from tests.fixtures.refusals import refused
from tests.fixtures.two_factor import enrol

API = "/api/v1"
_people = itertools.count(1)


@pytest.fixture
def clock() -> FrozenClock:
    # ID tokens carry the provider's real times.
    return FrozenClock(datetime.now(UTC))


@pytest.fixture
def settings(database: Database, tmp_path: Path, oidc_provider: str) -> Settings:
    return sso_settings(database.url, tmp_path, oidc_provider, base_url="http://testserver")


def person(issuer: str, **claims: object) -> str:
    """A new person at the provider; returns their subject."""
    n = next(_people)
    sub = f"person-{n}-{uuid.uuid4().hex}"
    provider_user(
        issuer,
        sub,
        **{
            "email": f"person{n}.{sub[-6:]}@acme.example",
            "email_verified": True,
            "given_name": "Grace",
            "family_name": "Hopper",
            "locale": "en-US",
            **claims,
        },
    )
    return sub


def start(client: TestClient) -> str:
    """Press "Sign in with ...": the provider's authorization URL."""
    response = client.get("/signin/sso", follow_redirects=False)
    assert response.status_code == 303, response.text
    assert client.cookies.get(STATE_COOKIE)
    return str(response.headers["location"])


def sign_in_through_provider(client: TestClient, sub: str):  # type: ignore[no-untyped-def]
    back = authorize(start(client), sub)
    return client.get(callback_path(back), follow_redirects=False)


def counts(ctx: Ctx) -> tuple[int, int, int]:
    def n(model: type) -> int:
        return int(ctx.session.scalar(select(func.count()).select_from(model)) or 0)

    return n(Member), n(LinkedIdentity), n(AuthToken)


def test_the_authorization_request(client: TestClient, oidc_provider: str) -> None:
    url = start(client)
    assert url.startswith(f"{oidc_provider}/oauth2/authorize?")
    params = query(url)
    assert params["response_type"] == "code"
    assert params["client_id"] == "kith-test"
    assert params["redirect_uri"] == "http://testserver/signin/sso/callback"
    assert set(params["scope"].split()) == {"openid", "email", "profile"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    page = client.get("/signin")
    assert f"Sign in with {PROVIDER_NAME}" in page.text


def test_a_new_person_gets_an_account_named_from_the_claims(
    ctx: Ctx, client: TestClient, oidc_provider: str
) -> None:
    sub = person(oidc_provider, given_name="Grace", family_name="Hopper")
    done = sign_in_through_provider(client, sub)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/welcome"
    assert client.cookies.get(SESSION_COOKIE)
    link = ctx.session.scalars(select(LinkedIdentity).where(LinkedIdentity.subject == sub)).one()
    assert link.issuer == oidc_provider
    member = ctx.session.get_one(Member, link.member_id)
    assert (member.first_name, member.last_name) == ("Grace", "Hopper")
    assert member.email == link.email
    assert member.password_hash == ""  # no password: signs in through the provider
    # The provider vouched for the address: it is verified, no link is mailed.
    assert settings_of(ctx, member.id).email_verified_at is not None
    me = client.get("/mynetwork")
    assert me.status_code == 200
    # No password works for such an account.
    refused(
        client.post(f"{API}/auth/token", json={"email": member.email, "password": ""}),
        401,
        "invalid_credentials",
    )


def test_an_existing_member_is_linked_by_verified_email(
    ctx: Ctx, client: TestClient, oidc_provider: str
) -> None:
    ana = make_member(ctx, "Ana", email=f"ana.{next(_people)}@acme.example")
    sub = person(oidc_provider, email=ana.email.upper(), given_name="Someone", family_name="Else")
    before = counts(ctx)
    done = sign_in_through_provider(client, sub)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/"
    members, links, _ = counts(ctx)
    assert members == before[0]  # no new account
    assert links == before[1] + 1
    link = ctx.session.scalars(select(LinkedIdentity).where(LinkedIdentity.subject == sub)).one()
    assert link.member_id == ana.id
    ctx.session.refresh(ana)
    assert ana.first_name == "Ana"  # an existing profile is not overwritten
    assert settings_of(ctx, ana.id).email_verified_at is not None

    # Later sign-ins follow the link, whatever the provider says the address is now.
    provider_user(oidc_provider, sub, email="renamed@elsewhere.example", email_verified=False)
    client.cookies.clear()
    again = sign_in_through_provider(client, sub)
    assert again.status_code == 303, again.text
    assert counts(ctx)[:2] == (members, links)


def test_an_unverified_email_is_refused(ctx: Ctx, client: TestClient, oidc_provider: str) -> None:
    ana = make_member(ctx, "Ana", email=f"ana.{next(_people)}@acme.example")
    for claims in ({"email": ana.email, "email_verified": False}, {"email_verified": "no"}):
        sub = person(oidc_provider, **claims)
        before = counts(ctx)
        refusal = sign_in_through_provider(client, sub)
        assert refusal.status_code == 403
        assert "did not confirm that your email address is verified" in alerts(refusal.text)[0]
        assert counts(ctx) == before
        assert SESSION_COOKIE not in client.cookies


def test_a_wrong_or_missing_state_is_refused(
    ctx: Ctx, client: TestClient, oidc_provider: str
) -> None:
    sub = person(oidc_provider)
    back = authorize(start(client), sub)
    params = query(back)
    before = counts(ctx)
    wrong = client.get(
        "/signin/sso/callback",
        params={"code": params["code"], "state": "forged" + params["state"][6:]},
    )
    assert wrong.status_code == 400
    assert "not valid any more" in alerts(wrong.text)[0]
    assert counts(ctx) == before
    # The state is used once: the browser's kept state is gone after any callback.
    assert STATE_COOKIE not in client.cookies
    replay = client.get(callback_path(back), follow_redirects=False)
    assert replay.status_code == 400
    assert counts(ctx) == before


def test_a_replayed_code_is_refused(ctx: Ctx, client: TestClient, oidc_provider: str) -> None:
    sub = person(oidc_provider)
    back = authorize(start(client), sub)
    assert client.get(callback_path(back), follow_redirects=False).status_code == 303
    before = counts(ctx)
    # The same code again, with a state this browser does hold.
    client.cookies.clear()
    fresh = query(start(client))["state"]
    replay = client.get(
        "/signin/sso/callback", params={"code": query(back)["code"], "state": fresh}
    )
    assert replay.status_code == 401
    assert f"{PROVIDER_NAME} refused this sign-in" in alerts(replay.text)[0]
    assert counts(ctx) == before
    assert SESSION_COOKIE not in client.cookies


def test_the_provider_declining_is_refused(
    ctx: Ctx, client: TestClient, oidc_provider: str
) -> None:
    state = query(start(client))["state"]
    before = counts(ctx)
    declined = client.get("/signin/sso/callback", params={"error": "access_denied", "state": state})
    assert declined.status_code == 401
    assert "did not sign you in (access_denied)" in alerts(declined.text)[0]
    assert counts(ctx) == before


def test_two_factor_sign_in_follows_the_provider(
    ctx: Ctx, client: TestClient, kith: Kith, oidc_provider: str
) -> None:
    ana = make_member(ctx, "Ana", email=f"ana.{next(_people)}@acme.example")
    enrol(kith, ana)
    sub = person(oidc_provider, email=ana.email)
    done = sign_in_through_provider(client, sub)
    assert done.status_code == 303
    assert done.headers["location"] == "/signin/two-factor"
    assert client.cookies.get(PENDING_COOKIE)
    assert SESSION_COOKIE not in client.cookies


def test_sso_only_refuses_passwords_except_administrators(
    ctx: Ctx, client: TestClient, kith: Kith
) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    ana = make_member(ctx, "Ana")
    update_settings(ctx, admin, {"sso_only": True})

    refused(
        client.post(f"{API}/auth/token", json={"email": ana.email, "password": PASSWORD}),
        403,
        "sso_only",
    )
    # A wrong password tells nothing more.
    refused(
        client.post(f"{API}/auth/token", json={"email": ana.email, "password": "wrong!!!!"}),
        401,
        "invalid_credentials",
    )
    page = post(client, kith, "/signin", {"email": ana.email, "password": PASSWORD})
    assert page.status_code == 403
    assert alerts(page.text) == [
        f"This community signs in through {PROVIDER_NAME}: use the button on the sign-in page."
    ]
    signup = client.post(
        f"{API}/auth/signup",
        json={
            "email": "new.person@example.org",
            "password": PASSWORD,
            "first_name": "New",
            "last_name": "Person",
        },
    )
    refused(signup, 403, "sso_only")
    form = client.get("/signup")
    assert 'action="/signup"' not in form.text
    assert f"Join with {PROVIDER_NAME}" in form.text
    signin = client.get("/signin")
    assert "Administrators: sign in with a password" in signin.text

    # Break-glass: administrators keep password sign-in.
    admin_token = client.post(
        f"{API}/auth/token", json={"email": admin.email, "password": PASSWORD}
    )
    assert admin_token.status_code == 200, admin_token.text


def test_without_a_provider_single_sign_on_is_absent(
    ctx: Ctx, client: TestClient, kith: Kith
) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    ana = make_member(ctx, "Ana")
    update_settings(ctx, admin, {"sso_only": True})  # no effect without a provider
    kith.settings = kith.settings.model_copy(update={"oidc_issuer": ""})
    assert "Sign in with" not in client.get("/signin").text
    missing = client.get("/signin/sso", follow_redirects=False)
    assert missing.status_code == 404
    ok = client.post(f"{API}/auth/token", json={"email": ana.email, "password": PASSWORD})
    assert ok.status_code == 200


def test_the_id_token_is_validated(
    settings: Settings, clock: FrozenClock, oidc_provider: str
) -> None:
    nonce, verifier = "n" * 43, "v" * 64
    request = oidc_client.authorization_request(
        settings, state="s" * 43, nonce=nonce, verifier=verifier
    )
    back = authorize(request.url, person(oidc_provider, given_name="Ada"))
    tokens = oidc_client.exchange(settings, code=query(back)["code"], verifier=verifier)
    id_token = tokens["id_token"]
    claims = oidc_client.id_token_claims(settings, id_token, nonce=nonce, now=clock.now())
    assert claims["given_name"] == "Ada"
    assert claims["aud"] in ("kith-test", ["kith-test"])

    head, body, signature = id_token.split(".")
    tampered = f"{head}.{body}.{signature[:-4]}AAAA"
    later = clock.now() + timedelta(days=2)
    for token, used_nonce, now in (
        (id_token, "another nonce", clock.now()),  # not this sign-in's
        (tampered, nonce, clock.now()),  # not the provider's signature
        (id_token, nonce, later),  # expired
        (None, nonce, clock.now()),  # none at all
    ):
        with pytest.raises(oidc_client.TokenInvalid):
            oidc_client.id_token_claims(settings, token, nonce=used_nonce, now=now)
    other = settings.model_copy(update={"oidc_client_id": "someone-else"})
    with pytest.raises(oidc_client.TokenInvalid):
        oidc_client.id_token_claims(other, id_token, nonce=nonce, now=clock.now())


def test_a_provider_out_of_reach_is_a_clear_refusal(
    ctx: Ctx, client: TestClient, kith: Kith
) -> None:
    oidc_client.forget_provider()
    kith.settings = kith.settings.model_copy(update={"oidc_issuer": "http://127.0.0.1:9"})
    before = counts(ctx)
    down = client.get("/signin/sso", follow_redirects=False)
    assert down.status_code == 503
    assert down.headers["Retry-After"] == "30"
    assert alerts(down.text) == [
        f"{PROVIDER_NAME} can't be reached right now. Please try again in a moment."
    ]
    assert STATE_COOKIE not in client.cookies
    assert counts(ctx) == before


def test_an_account_without_a_password_is_deleted_by_typing_its_address(
    ctx: Ctx, client: TestClient, oidc_provider: str
) -> None:
    sub = person(oidc_provider, given_name="Ada", family_name="Byron")
    assert sign_in_through_provider(client, sub).status_code == 303
    link = ctx.session.scalars(select(LinkedIdentity).where(LinkedIdentity.subject == sub)).one()
    member = ctx.session.get_one(Member, link.member_id)
    kith = client.app.state.kith  # type: ignore[attr-defined]
    form = client.get("/settings/delete-account").text
    assert 'name="email"' in form
    assert 'name="password"' not in form
    # Another address, or none: refused, nothing deleted.
    wrong = post(client, kith, "/settings/delete-account", {"email": "someone@else.example"})
    assert wrong.status_code == 403
    assert alerts(wrong.text) == [
        "That is not your account's email address; your account was not deleted."
    ]
    assert post(client, kith, "/settings/delete-account", {}).status_code == 422
    ctx.session.refresh(member)
    assert member.deleted_at is None
    # Its own address (in any case) deletes it.
    done = post(client, kith, "/settings/delete-account", {"email": member.email.upper()})
    assert done.status_code == 303
    assert done.headers["location"] == "/goodbye"
    ctx.session.refresh(member)
    assert member.deleted_at is not None
