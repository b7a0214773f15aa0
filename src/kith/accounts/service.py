"""Account actions."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped

from kith.clock import as_utc
from kith.db import Ctx
from kith.errors import Conflict, Forbidden, Invalid, LimitReached, NotAuthenticated
from kith.models import AuthToken, Member, SigninAttempt
from kith.relationships.linking import match_new_member
from kith.security import hash_password, needs_rehash, new_token, token_digest, verify_password

HANDLE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")
RESERVED_HANDLES = frozenset({"me", "admin", "api", "new", "edit", "settings", "static"})
ROLES = ("member", "admin")


class SigninFailed(NotAuthenticated):
    """Wrong email or password. The attempt is recorded, so the unit of work keeps it."""

    code = "invalid_credentials"
    persist = True


def normalize_email(email: str) -> str:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(f"That is not a valid email address: {exc}", code="invalid_email") from exc
    return result.normalized.lower()


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def validate_handle(handle: str) -> str:
    handle = handle.strip().lower()
    if not HANDLE_RE.match(handle) or "--" in handle:
        raise Invalid(
            "A handle has 3 to 60 letters, digits or single hyphens, "
            "and starts and ends with a letter or digit.",
            code="invalid_handle",
        )
    if handle in RESERVED_HANDLES:
        raise Invalid(f"The handle '{handle}' is reserved.", code="invalid_handle")
    return handle


def suggest_handle(ctx: Ctx, first_name: str, last_name: str) -> str:
    base = _slug(f"{first_name} {last_name}")[:50].strip("-") or "member"
    if len(base) < 3:
        base = f"{base}-member"
    taken = set(
        ctx.session.scalars(
            select(Member.handle).where((Member.handle == base) | Member.handle.like(f"{base}-%"))
        )
    )
    if base not in taken and base not in RESERVED_HANDLES:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def validate_password(ctx: Ctx, password: str) -> None:
    if len(password) < ctx.settings.password_min_length:
        raise Invalid(
            f"Choose a password of at least {ctx.settings.password_min_length} characters.",
            code="weak_password",
        )
    if len(password) > 1024:
        raise Invalid("That password is too long.", code="weak_password")


def _clean_name(value: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise Invalid(f"Please give your {what}.", code="invalid_name")
    if len(value) > 100:
        raise Invalid(f"Your {what} can be at most 100 characters.", code="invalid_name")
    return value


def sign_up(
    ctx: Ctx,
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    handle: str | None = None,
    role: str = "member",
) -> Member:
    """Create an account. The email and handle must be free."""
    email = normalize_email(email)
    first_name = _clean_name(first_name, "first name")
    last_name = _clean_name(last_name, "last name")
    validate_password(ctx, password)
    if role not in ROLES:
        raise Invalid(f"Unknown role '{role}'.", code="invalid_role")
    if ctx.session.scalar(select(Member.id).where(Member.email == email)) is not None:
        raise Conflict("An account with this email address already exists.", code="email_taken")
    if handle:
        handle = validate_handle(handle)
        if ctx.session.scalar(select(Member.id).where(Member.handle == handle)) is not None:
            raise Conflict(f"The handle '{handle}' is taken.", code="handle_taken")
    else:
        handle = suggest_handle(ctx, first_name, last_name)
    member = Member(
        email=email,
        handle=handle,
        password_hash=hash_password(password, ctx.settings),
        role=role,
        is_active=True,
        first_name=first_name,
        last_name=last_name,
        headline="",
        about="",
        location="",
        industry="",
        invite_policy="everyone",
        follow_policy="everyone",
        connections_visibility="connections",
        follow_primary=False,
        created_at=ctx.clock.now(),
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(member)
    except IntegrityError as exc:  # the same email or handle, signed up at the same moment
        if ctx.session.scalar(select(Member.id).where(Member.email == email)) is not None:
            raise Conflict(
                "An account with this email address already exists.", code="email_taken"
            ) from exc
        raise Conflict(f"The handle '{handle}' is taken.", code="handle_taken") from exc
    match_new_member(ctx, member)  # recognised in others' private contacts by address
    return member


@dataclass(frozen=True)
class Throttle:
    failures: int
    retry_after: int


def _throttle(ctx: Ctx, column: Mapped[str], value: str, now: datetime) -> Throttle:
    window = timedelta(minutes=ctx.settings.signin_window_minutes)
    since = now - window
    rows = ctx.session.execute(
        select(func.count(), func.min(SigninAttempt.at)).where(
            column == value,
            SigninAttempt.at > since,
            SigninAttempt.success.is_(False),
        )
    ).one()
    failures = int(rows[0] or 0)
    oldest = as_utc(rows[1]) if rows[1] is not None else now
    retry = math.ceil((oldest + window - now).total_seconds())
    return Throttle(failures, max(retry, 1))


def authenticate(ctx: Ctx, *, email: str, password: str, address: str) -> Member:
    """Check credentials, throttled per account and per address.

    After ``signin_max_failures`` failures within ``signin_window_minutes`` for the
    email or for the client address, attempts are refused with 429 and Retry-After.
    """
    now = ctx.clock.now()
    email_key = email.strip().lower()
    limit = ctx.settings.signin_max_failures
    for column, value in ((SigninAttempt.email, email_key), (SigninAttempt.address, address)):
        throttle = _throttle(ctx, column, value, now)
        if throttle.failures >= limit:
            minutes = -(-throttle.retry_after // 60)
            raise LimitReached(
                f"Too many failed sign-in attempts. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                code="signin_throttled",
                headers={"Retry-After": str(throttle.retry_after)},
            )
    member = ctx.session.scalar(select(Member).where(Member.email == email_key))
    ok = verify_password(member.password_hash if member else None, password, ctx.settings)
    ok = ok and member is not None and member.is_active
    ctx.session.add(SigninAttempt(email=email_key, address=address, at=now, success=ok))
    ctx.session.flush()
    if not ok or member is None:
        raise SigninFailed("The email address or password is not right.")
    if needs_rehash(member.password_hash, ctx.settings):
        member.password_hash = hash_password(password, ctx.settings)
    return member


def issue_token(ctx: Ctx, member: Member, *, kind: str) -> str:
    """Create a session (``kind='session'``) or API token (``kind='api'``); returns the secret."""
    assert kind in ("session", "api")
    days = ctx.settings.session_days if kind == "session" else ctx.settings.token_days
    token = new_token()
    now = ctx.clock.now()
    ctx.session.add(
        AuthToken(
            member_id=member.id,
            kind=kind,
            digest=token_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
            revoked=False,
        )
    )
    ctx.session.flush()
    return token


def member_for_token(ctx: Ctx, token: str | None, *, kind: str) -> Member | None:
    if not token:
        return None
    row = ctx.session.execute(
        select(AuthToken, Member)
        .join(Member, Member.id == AuthToken.member_id)
        .where(
            AuthToken.digest == token_digest(token),
            AuthToken.kind == kind,
            AuthToken.revoked.is_(False),
            AuthToken.expires_at > ctx.clock.now(),
            Member.is_active.is_(True),
        )
    ).first()
    return row[1] if row else None


def revoke_token(ctx: Ctx, token: str) -> None:
    ctx.session.execute(
        update(AuthToken).where(AuthToken.digest == token_digest(token)).values(revoked=True)
    )


def change_password(ctx: Ctx, member: Member, *, current: str, new: str) -> None:
    if not verify_password(member.password_hash, current, ctx.settings):
        # 403, not 401: the caller is signed in, and a client must not take this
        # for a lost session; the same code as a wrong password when deleting.
        raise Forbidden(
            "Your current password is not right; it was not changed.", code="wrong_password"
        )
    validate_password(ctx, new)
    member.password_hash = hash_password(new, ctx.settings)
