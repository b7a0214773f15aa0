"""Single sign-on with the organization's OpenID Connect provider (docs/sso.md).

A sign-in runs the authorization-code flow: :func:`begin` sends the browser to the
provider with a fresh ``state``, ``nonce`` and PKCE verifier, which the browser keeps
in a signed, short-lived cookie; :func:`finish` checks the state that comes back
against it, exchanges the code, validates the ID token and signs the person in:

- an identity already linked (issuer, subject) signs in as its member;
- otherwise the provider must vouch for the email address (``email_verified`` true):
  a member with that address gets the identity linked; anyone else gets a new account
  through the sign-up service (its join rules apply), named from the ``given_name`` and
  ``family_name`` claims, without a password.

A member with two-factor sign-in on is asked for their code after the provider, as
after a password. Every refusal changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kith.accounts import oidc_client
from kith.accounts.credentials import SignedIn
from kith.accounts.pending import begin as begin_pending
from kith.accounts.service import issue_token, sign_up
from kith.accounts.sso_only import sso_configured
from kith.accounts.two_factor import enrolled
from kith.accounts.units import Units
from kith.config import Settings
from kith.emails import normalize_email
from kith.errors import Conflict, Forbidden, KithError, NotAuthenticated, NotFound
from kith.mail.preferences import mark_verified, settings_of
from kith.models import LinkedIdentity, Member
from kith.uow import Ctx

STATE_COOKIE = "kith_sso"
STATE_MINUTES = 10
_SALT = "kith.sso.state"


class StateInvalid(KithError):
    """The callback's state is not the one this browser was sent with (forged, replayed,
    expired, or from another browser)."""

    status = 400
    code = "sso_state_invalid"


class Denied(NotAuthenticated):
    """The provider answered with an error instead of a code (the person cancelled)."""

    code = "sso_denied"


class EmailUnverified(Forbidden):
    """The provider does not vouch for the email address."""

    code = "sso_email_unverified"


@dataclass(frozen=True)
class Started:
    url: str  # where to send the browser
    cookie: str  # the signed state it keeps meanwhile


@dataclass(frozen=True)
class Finished:
    """A sign-in through the provider: a session token, or (two-factor sign-in on) the
    pending sign-in that the code completes."""

    signed_in: SignedIn
    pending: str | None
    next_path: str
    created: bool  # a new account


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=_SALT)


def require_configured(settings: Settings) -> None:
    if not sso_configured(settings):
        raise NotFound("Single sign-on is not set up on this server.", code="sso_not_configured")


def begin(ctx: Ctx, *, next_path: str) -> Started:
    """Start a sign-in: the provider's URL, and the state for the browser to keep."""
    require_configured(ctx.settings)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    request = oidc_client.authorization_request(
        ctx.settings, state=state, nonce=nonce, verifier=verifier
    )
    expires = ctx.clock.now() + timedelta(minutes=STATE_MINUTES)
    cookie = _serializer(ctx.settings).dumps(
        {"s": state, "n": nonce, "v": verifier, "x": int(expires.timestamp()), "p": next_path}
    )
    return Started(request.url, str(cookie))


def _kept_state(ctx: Ctx, cookie: str | None, state: str) -> dict[str, Any]:
    invalid = StateInvalid(
        "This sign-in link is not valid any more (it expired, was used already, or was "
        "started in another browser). Please sign in again."
    )
    if not cookie or not state or len(cookie) > 4000:
        raise invalid
    try:
        kept = _serializer(ctx.settings).loads(cookie)
    except BadData:
        raise invalid from None
    if (
        not isinstance(kept, dict)
        or not isinstance(kept.get("s"), str)
        or not secrets.compare_digest(kept["s"], state[:200])
        or not isinstance(kept.get("x"), int)
        or kept["x"] <= ctx.clock.now().timestamp()
    ):
        raise invalid
    return kept


def _verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _names(claims: dict[str, Any], email: str) -> tuple[str, str]:
    """First and last name from the claims (the address's name part when none)."""
    first = str(claims.get("given_name") or "").strip()
    last = str(claims.get("family_name") or "").strip()
    if not first or not last:
        whole = str(claims.get("name") or "").split()
        if len(whole) >= 2:
            first, last = first or " ".join(whole[:-1]), last or whole[-1]
    if not first or not last:
        parts = [p for p in email.split("@")[0].replace("_", ".").split(".") if p]
        first = first or (parts[0].capitalize() if parts else "Member")
        last = last or (parts[-1].capitalize() if len(parts) > 1 else first)
    return first[:100], last[:100]


def link_or_join(ctx: Ctx, issuer: str, claims: dict[str, Any]) -> tuple[Member, bool]:
    """The member an identity signs in as: linked already, linked now by its verified
    address, or a new account. Returns the member and whether the account is new."""
    subject = str(claims.get("sub") or "")[:255]
    now = ctx.clock.now()
    linked = ctx.session.scalar(
        select(LinkedIdentity).where(
            LinkedIdentity.issuer == issuer, LinkedIdentity.subject == subject
        )
    )
    if linked is not None:
        member = ctx.session.get_one(Member, linked.member_id)
        if not member.is_active:
            raise NotAuthenticated("This account is not active.", code="account_inactive")
        linked.last_used_at = now
        ctx.session.flush()
        return member, False
    if not _verified(claims) or not isinstance(claims.get("email"), str):
        raise EmailUnverified(
            f"{ctx.settings.oidc_display_name} did not confirm that your email address is "
            "verified, so it can't be used to sign in here. Verify it there, or ask an "
            "administrator."
        )
    email = normalize_email(claims["email"])
    found = ctx.session.scalar(select(Member).where(Member.email == email))
    created = found is None
    if found is None:
        first, last = _names(claims, email)
        member = sign_up(ctx, email=email, password=None, first_name=first, last_name=last)
    else:
        member = found
    if not member.is_active:
        raise NotAuthenticated("This account is not active.", code="account_inactive")
    # The identity provider vouches for the address: no link to follow by mail.
    if settings_of(ctx, member.id).email_verified_at is None:
        mark_verified(ctx, member.id)
    try:
        with ctx.session.begin_nested():
            ctx.session.add(
                LinkedIdentity(
                    member_id=member.id,
                    issuer=issuer,
                    subject=subject,
                    email=email,
                    linked_at=now,
                    last_used_at=now,
                )
            )
    except IntegrityError as exc:  # the same identity, signing in twice at once
        raise Conflict(
            "This sign-in happened twice at the same moment. Please try again.",
            code="conflict",
        ) from exc
    return member, created


def finish(
    units: Units,
    *,
    cookie: str | None,
    state: str,
    code: str,
    error: str = "",
    user_agent: str = "",
) -> Finished:
    """Complete a sign-in from the provider's callback."""
    settings = units.settings
    require_configured(settings)
    with units.uow(write=False) as ctx:
        kept = _kept_state(ctx, cookie, state)
        now = ctx.clock.now()
    if error:
        raise Denied(
            f"{settings.oidc_display_name} did not sign you in ({error[:60]}). You can try again."
        )
    if not code:
        raise StateInvalid("The sign-in came back without a code. Please sign in again.")
    tokens = oidc_client.exchange(settings, code=code[:2000], verifier=str(kept["v"]))
    claims = oidc_client.id_token_claims(
        settings, tokens.get("id_token"), nonce=str(kept["n"]), now=now
    )
    if "email" not in claims:  # some providers keep it for userinfo
        info = oidc_client.userinfo(settings, tokens.get("access_token"))
        if info.get("sub") == claims["sub"]:
            claims = {**info, **claims}
    issuer = oidc_client.provider(settings).issuer
    next_path = str(kept.get("p") or "")
    with units.uow() as ctx:
        member, created = link_or_join(ctx, issuer, claims)
        if enrolled(ctx, member.id):
            held = begin_pending(ctx, member, next_path=next_path)
            return Finished(SignedIn(member.id, member.handle, ""), held, next_path, created)
        token = issue_token(ctx, member, kind="session", user_agent=user_agent)
        return Finished(SignedIn(member.id, member.handle, token), None, next_path, created)


def linked_identities(ctx: Ctx, member: Member) -> list[LinkedIdentity]:
    return list(
        ctx.session.scalars(
            select(LinkedIdentity)
            .where(LinkedIdentity.member_id == member.id)
            .order_by(LinkedIdentity.id)
        )
    )
