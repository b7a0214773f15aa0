"""The pending sign-in: what a browser holds between a first step that succeeded (the
password, or the identity provider) and the second factor.

It is a signed value (the server's secret key), not a session: it names the member,
where to go afterwards and when it expires (``two_factor_pending_minutes``), and
carries a fingerprint of the password hash, so that a password changed meanwhile ends
it. Nothing is stored; it grants nothing until a right code completes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select

from kith.accounts import two_factor
from kith.accounts.credentials import SignedIn
from kith.accounts.service import issue_token
from kith.accounts.units import Units
from kith.errors import NotAuthenticated
from kith.models import Member
from kith.uow import Ctx

PENDING_COOKIE = "kith_signin_pending"
_SALT = "kith.signin.pending"


class PendingExpired(NotAuthenticated):
    """No pending sign-in, or it expired: start again from the password."""

    code = "signin_pending_expired"


@dataclass(frozen=True)
class Pending:
    member_id: int
    next: str


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(f"pending:{password_hash}".encode()).hexdigest()[:16]


def _serializer(ctx: Ctx) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.settings.secret_key, salt=_SALT)


def begin(ctx: Ctx, member: Member, *, next_path: str) -> str:
    """The signed pending sign-in of ``member``, who passed the first step."""
    expires = ctx.clock.now() + timedelta(minutes=ctx.settings.two_factor_pending_minutes)
    payload = {
        "m": member.id,
        "f": _fingerprint(member.password_hash),
        "x": int(expires.timestamp()),
        "n": next_path[:500],
    }
    return str(_serializer(ctx).dumps(payload))


def read(ctx: Ctx, value: str | None) -> Pending:
    """The pending sign-in in ``value``; refused when missing, forged or expired, or when
    the member's password changed or their account ended since."""
    expired = PendingExpired("Your sign-in expired. Please sign in again.")
    if not value or len(value) > 2000:
        raise expired
    try:
        payload = _serializer(ctx).loads(value)
        member_id, fingerprint, expires = int(payload["m"]), str(payload["f"]), payload["x"]
        next_path = str(payload["n"])
    except (BadData, KeyError, TypeError, ValueError):
        raise expired from None
    if not isinstance(expires, int) or expires <= ctx.clock.now().timestamp():
        raise expired
    stored = ctx.session.scalar(
        select(Member.password_hash).where(Member.id == member_id, Member.is_active.is_(True))
    )
    if stored is None or _fingerprint(stored) != fingerprint:
        raise expired
    return Pending(member_id, next_path)


def complete(units: Units, value: str | None, code: str, *, user_agent: str = "") -> SignedIn:
    """Finish a pending sign-in with the member's code: a browser session."""
    with units.uow(write=False) as ctx:
        pending = read(ctx, value)
    two_factor.check(units, pending.member_id, code)
    with units.uow() as ctx:
        member = ctx.session.get_one(Member, pending.member_id)
        token = issue_token(ctx, member, kind="session", user_agent=user_agent)
        return SignedIn(member.id, member.handle, token)


def token_with_code(
    units: Units, signed_in: SignedIn, code: str | None, *, user_agent: str = ""
) -> SignedIn:
    """An API token for a member whose password was right and whose second factor is
    due: refused without the code, or with a wrong one."""
    if not code:
        raise NotAuthenticated(
            "Two-factor sign-in is on for this account: send 'code' (from the "
            "authenticator app, or a recovery code) with the email and password.",
            code="two_factor_required",
        )
    two_factor.check(units, signed_in.member_id, code)
    with units.uow() as ctx:
        member = ctx.session.get_one(Member, signed_in.member_id)
        token = issue_token(ctx, member, kind="api", user_agent=user_agent)
        return SignedIn(member.id, member.handle, token)
