"""Two-factor sign-in: enrolment, codes at sign-in (pages and API tokens), replays,
recovery codes, the wrong-code throttle, turning it off, and administrators who must
use it."""

from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.accounts import two_factor
from kith.accounts.pending import PENDING_COOKIE
from kith.clock import FrozenClock
from kith.community.settings import update as update_settings
from kith.models import AuthToken, Member, RecoveryCode, TwoFactor
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE
from tests.fixtures.factories import PASSWORD, bearer, make_member
from tests.fixtures.pages import alerts, post, sign_in_as
from tests.fixtures.refusals import refused
from tests.fixtures.two_factor import code_at, enrol

API = "/api/v1"


def tokens(ctx: Ctx, member: Member, kind: str = "api") -> int:
    return int(
        ctx.session.scalar(
            select(func.count())
            .select_from(AuthToken)
            .where(AuthToken.member_id == member.id, AuthToken.kind == kind)
        )
        or 0
    )


def token(client: TestClient, member: Member, code: str | None = None):  # type: ignore[no-untyped-def]
    body = {"email": member.email, "password": PASSWORD}
    if code is not None:
        body["code"] = code
    return client.post(f"{API}/auth/token", json=body)


def test_enrolment_through_the_api(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana")
    auth = bearer(ctx, ana)
    assert client.get(f"{API}/auth/two-factor", headers=auth).json() == {
        "enrolled": False,
        "enrolling": False,
        "recovery_codes_left": 0,
        "required": False,
    }
    refused(
        client.post(
            f"{API}/auth/two-factor/enrolment/confirm", json={"code": "123456"}, headers=auth
        ),
        409,
        "two_factor_not_started",
    )
    started = client.post(f"{API}/auth/two-factor/enrolment", headers=auth)
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    assert started.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert pyotp.parse_uri(started.json()["otpauth_uri"]).secret == secret

    wrong = str((int(code_at(secret, clock)) + 1) % 1_000_000).zfill(6)
    refused(
        client.post(f"{API}/auth/two-factor/enrolment/confirm", json={"code": wrong}, headers=auth),
        401,
        "two_factor_code_wrong",
    )
    assert client.get(f"{API}/auth/two-factor", headers=auth).json()["enrolled"] is False
    assert ctx.session.get_one(TwoFactor, ana.id).failures == 1  # counted, and committed

    confirmed = client.post(
        f"{API}/auth/two-factor/enrolment/confirm",
        json={"code": code_at(secret, clock)},
        headers=auth,
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == two_factor.RECOVERY_CODES
    stored = set(ctx.session.scalars(select(RecoveryCode.digest)))
    assert not stored & set(codes)  # only digests are kept
    assert client.get(f"{API}/auth/two-factor", headers=auth).json() == {
        "enrolled": True,
        "enrolling": False,
        "recovery_codes_left": 10,
        "required": False,
    }
    refused(
        client.post(f"{API}/auth/two-factor/enrolment", headers=auth), 409, "two_factor_enrolled"
    )


def test_an_api_token_needs_the_code_once_enrolled(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana")
    secret, codes = enrol(kith, ana)
    before = tokens(ctx, ana)
    refused(token(client, ana), 401, "two_factor_required")
    refused(
        token(client, ana, "000000" if code_at(secret, clock) != "000000" else "111111"),
        401,
        "two_factor_code_wrong",
    )
    refused(token(client, ana, "not a code"), 401, "two_factor_code_wrong")
    assert tokens(ctx, ana) == before

    now = code_at(secret, clock)
    ok = token(client, ana, now)
    assert ok.status_code == 200, ok.text
    # The same code again, within its window: refused, nothing issued.
    refused(token(client, ana, now), 401, "two_factor_code_used")
    # And so is the previous period's code, once a later one was accepted.
    refused(token(client, ana, code_at(secret, clock, steps=-1)), 401, "two_factor_code_used")
    assert tokens(ctx, ana) == before + 1

    clock.advance(seconds=two_factor.STEP_SECONDS)
    assert token(client, ana, code_at(secret, clock)).status_code == 200

    # A recovery code works once, in any spelling.
    assert token(client, ana, codes[0].upper().replace("-", " ")).status_code == 200
    refused(token(client, ana, codes[0]), 401, "recovery_code_used")
    assert tokens(ctx, ana) == before + 3
    status = client.get(f"{API}/auth/two-factor", headers=bearer(ctx, ana)).json()
    assert status["recovery_codes_left"] == 9
    # A wrong password says nothing about the second factor.
    wrong = client.post(
        f"{API}/auth/token", json={"email": ana.email, "password": "wrong password", "code": "1"}
    )
    refused(wrong, 401, "invalid_credentials")


def test_wrong_codes_are_throttled(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana")
    secret, _ = enrol(kith, ana)
    right = code_at(secret, clock)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(kith.settings.two_factor_max_failures):
        refused(token(client, ana, wrong), 401, "two_factor_code_wrong")
    throttled = refused(token(client, ana, right), 429, "two_factor_throttled")
    assert "minutes" in throttled["detail"]
    assert int(token(client, ana, right).headers["Retry-After"]) > 0
    clock.advance(minutes=kith.settings.two_factor_window_minutes)
    assert token(client, ana, code_at(secret, clock)).status_code == 200
    assert ctx.session.get_one(TwoFactor, ana.id).failures == 0


def test_signing_in_on_pages_asks_for_the_code(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana")
    secret, codes = enrol(kith, ana)
    signed = post(
        client, kith, "/signin", {"email": ana.email, "password": PASSWORD, "next": "/mynetwork"}
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/signin/two-factor"
    assert SESSION_COOKIE not in client.cookies  # not signed in yet
    assert client.cookies.get(PENDING_COOKIE)
    assert tokens(ctx, ana, "session") == 0
    page = client.get("/signin/two-factor")
    assert page.status_code == 200
    assert "Enter your code" in page.text

    wrong = post(client, kith, "/signin/two-factor", {"code": "12345"})
    assert wrong.status_code == 401
    assert alerts(wrong.text) == ["That code is not right. Please try again."]
    assert tokens(ctx, ana, "session") == 0

    done = post(client, kith, "/signin/two-factor", {"code": code_at(secret, clock)})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/mynetwork"
    assert client.cookies.get(SESSION_COOKIE)
    assert tokens(ctx, ana, "session") == 1
    assert client.get("/mynetwork").status_code == 200


def test_a_pending_sign_in_expires_and_cannot_be_forged(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana")
    secret, _ = enrol(kith, ana)
    post(client, kith, "/signin", {"email": ana.email, "password": PASSWORD})
    held = client.cookies[PENDING_COOKIE]

    client.cookies.set(
        PENDING_COOKIE, held[:-2] + ("AA" if not held.endswith("AA") else "BB"), path="/signin"
    )
    forged = post(client, kith, "/signin/two-factor", {"code": code_at(secret, clock)})
    assert forged.status_code == 401
    assert alerts(forged.text) == ["Your sign-in expired. Please sign in again."]

    client.cookies.set(PENDING_COOKIE, held, path="/signin")
    clock.advance(minutes=kith.settings.two_factor_pending_minutes, seconds=1)
    late = post(client, kith, "/signin/two-factor", {"code": code_at(secret, clock)})
    assert late.status_code == 401
    assert "expired" in late.text
    assert tokens(ctx, ana, "session") == 0
    assert client.get("/signin/two-factor").status_code == 401


def test_settings_page_enrols_regenerates_and_turns_off(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana")
    sign_in_as(client, ctx, ana)
    page = client.get("/settings/two-factor")
    assert page.status_code == 200
    assert "Set up two-factor sign-in" in page.text
    assert post(client, kith, "/settings/two-factor/start").status_code == 303
    page = client.get("/settings/two-factor")
    assert "<svg" in page.text
    secret = ctx.session.get_one(TwoFactor, ana.id).secret
    assert secret in page.text

    on = post(client, kith, "/settings/two-factor/confirm", {"code": code_at(secret, clock)})
    assert on.status_code == 200
    first = set(two_factor_codes(on.text))
    assert len(first) == 10

    clock.advance(seconds=two_factor.STEP_SECONDS)
    again = post(
        client, kith, "/settings/two-factor/recovery-codes", {"code": code_at(secret, clock)}
    )
    assert again.status_code == 200
    second = set(two_factor_codes(again.text))
    assert len(second) == 10
    assert not first & second
    # The old codes no longer work.
    refused(token(client, ana, sorted(first)[0]), 401, "two_factor_code_wrong")

    clock.advance(seconds=two_factor.STEP_SECONDS)
    bad = post(
        client,
        kith,
        "/settings/two-factor/disable",
        {"password": "not my password", "code": code_at(secret, clock)},
    )
    assert bad.status_code == 403
    assert ctx.session.get(TwoFactor, ana.id) is not None
    off = post(
        client,
        kith,
        "/settings/two-factor/disable",
        {"password": PASSWORD, "code": sorted(second)[0]},
    )
    assert off.status_code == 303, off.text
    ctx.session.expire_all()
    assert ctx.session.get(TwoFactor, ana.id) is None
    assert not ctx.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.member_id == ana.id)
    )
    assert token(client, ana).status_code == 200  # no code asked any more


def two_factor_codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", page)


def test_administrators_must_enrol_when_the_community_requires_it(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    ana = make_member(ctx, "Ana")
    update_settings(ctx, admin, {"admin_two_factor_required": True})
    auth = bearer(ctx, admin)
    refused(client.get(f"{API}/me", headers=auth), 403, "two_factor_enrolment_required")
    assert client.get(f"{API}/me", headers=bearer(ctx, ana)).status_code == 200  # members: no
    sign_in_as(client, ctx, admin)
    home = client.get("/mynetwork", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"].startswith("/settings/two-factor")
    page = client.get("/settings/two-factor")
    assert "requires administrators" in page.text

    # Enrolling is allowed, and then everything is.
    started = client.post(f"{API}/auth/two-factor/enrolment", headers=auth)
    secret = started.json()["secret"]
    client.post(
        f"{API}/auth/two-factor/enrolment/confirm",
        json={"code": code_at(secret, clock)},
        headers=auth,
    )
    assert client.get(f"{API}/me", headers=auth).status_code == 200
    assert client.get("/mynetwork", follow_redirects=False).status_code == 200
    # And it cannot be turned off while required.
    clock.advance(seconds=two_factor.STEP_SECONDS)
    refused(
        client.post(
            f"{API}/auth/two-factor/disable",
            json={"password": PASSWORD, "code": code_at(secret, clock)},
            headers=auth,
        ),
        403,
        "two_factor_mandatory",
    )
