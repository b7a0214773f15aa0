"""Checking and changing passwords, with the slow argon2 work outside every write
transaction.

An argon2 check takes a large share of a second and ``argon2_memory_kib`` of memory.
SQLite has one write lock, so a check inside a write transaction would hold every
other writer up; and a throttle that counts failures only after checking lets
parallel guesses through. So a sign-in runs in three steps:

1. *reserve*, in a short write transaction: refuse if the account or the address is
   throttled, else record the attempt as a failure — atomically (PostgreSQL:
   transaction-scoped advisory locks on the email and the address; SQLite: the write
   transaction itself), so parallel guesses are counted before any of them is checked;
2. *check* the password, in no transaction, within one of the process's
   ``argon2_max_in_flight`` turns (:func:`kith.security.password_slot`);
3. *complete*, in a second short write transaction: mark the attempt a success,
   upgrade an outdated hash, and issue the token.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import InstrumentedAttribute

from kith.accounts.service import (
    NewPassword,
    SigninFailed,
    issue_token,
)
from kith.accounts.sessions import end_sessions
from kith.accounts.sso_only import refuse_password_sign_in
from kith.accounts.two_factor import enrolled
from kith.accounts.units import Units as Units  # also imported from here
from kith.clock import as_utc
from kith.errors import Conflict, Forbidden, LimitReached, NotAuthenticated
from kith.models import Member, SigninAttempt
from kith.security import hash_password, needs_rehash, password_slot, verify_password
from kith.uow import Ctx


@dataclass(frozen=True)
class SignedIn:
    """A sign-in whose password was right: its token, or none yet when the member's
    second factor is still due (``second_factor_due``; see kith.accounts.pending)."""

    member_id: int
    handle: str
    token: str
    second_factor_due: bool = False


@dataclass(frozen=True)
class _Stored:
    attempt_id: int
    member_id: int | None
    password_hash: str | None


def _lock_key(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)


def _serialize(ctx: Ctx, *keys: str) -> None:
    """Make the count-then-record of attempts for these keys atomic across processes.
    SQLite write transactions already run one at a time (``BEGIN IMMEDIATE``)."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return
    for key in sorted(set(keys)):  # one order everywhere: no deadlock between two keys
        # Keyed by the schema too: communities (or test runs) sharing a database
        # never wait for each other.
        ctx.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema()), :k)"),
            {"k": _lock_key(key)},
        )


def _failures(
    ctx: Ctx, column: InstrumentedAttribute[str], value: str, now: datetime
) -> tuple[int, int]:
    """Failed (or still unchecked) attempts in the window, and seconds until the
    oldest of them leaves it."""
    window = timedelta(minutes=ctx.settings.signin_window_minutes)
    count, oldest = ctx.session.execute(
        select(func.count(), func.min(SigninAttempt.at)).where(
            column == value, SigninAttempt.at > now - window, SigninAttempt.success.is_(False)
        )
    ).one()
    first = as_utc(oldest) if oldest is not None else now
    return int(count or 0), max(math.ceil((first + window - now).total_seconds()), 1)


def reserve_attempt(ctx: Ctx, *, email: str, address: str) -> _Stored:
    """Step 1: refuse a throttled sign-in, or record the attempt (as a failure until
    the check says otherwise) and read the stored hash.

    After ``signin_max_failures`` failures within ``signin_window_minutes`` for the
    email or for the client address, attempts are refused with 429 and Retry-After.
    """
    now = ctx.clock.now()
    email_key = email.strip().lower()
    _serialize(ctx, f"signin:email:{email_key}", f"signin:address:{address}")
    for column, value in ((SigninAttempt.email, email_key), (SigninAttempt.address, address)):
        failures, retry_after = _failures(ctx, column, value, now)
        if failures >= ctx.settings.signin_max_failures:
            minutes = -(-retry_after // 60)
            raise LimitReached(
                f"Too many failed sign-in attempts. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                code="signin_throttled",
                headers={"Retry-After": str(retry_after)},
            )
    attempt = SigninAttempt(email=email_key, address=address, at=now, success=False)
    ctx.session.add(attempt)
    ctx.session.flush()
    row = ctx.session.execute(
        select(Member.id, Member.password_hash).where(
            Member.email == email_key, Member.is_active.is_(True)
        )
    ).first()
    return _Stored(attempt.id, row[0] if row else None, row[1] if row else None)


def sign_in(
    units: Units, *, email: str, password: str, address: str, kind: str, user_agent: str = ""
) -> SignedIn:
    """Check credentials (throttled per account and per address) and issue a session
    (``kind='session'``) or an API token (``kind='api'``)."""
    settings = units.settings
    with password_slot(settings):  # a turn first: a busy refusal records no attempt
        with units.uow() as ctx:
            stored = reserve_attempt(ctx, email=email, address=address)
        ok = verify_password(stored.password_hash, password, settings)
        if not ok or stored.member_id is None:
            raise SigninFailed("The email address or password is not right.")
        assert stored.password_hash is not None
        upgraded = (
            hash_password(password, settings)
            if needs_rehash(stored.password_hash, settings)
            else None
        )
    with units.uow() as ctx:
        ctx.session.execute(
            update(SigninAttempt).where(SigninAttempt.id == stored.attempt_id).values(success=True)
        )
        member = ctx.session.scalar(
            select(Member).where(Member.id == stored.member_id, Member.is_active.is_(True))
        )
        if member is None or member.password_hash != stored.password_hash:
            # Deactivated, or the password changed, while the check ran.
            raise SigninFailed("The email address or password is not right.")
        refuse_password_sign_in(ctx, member)  # SSO-only mode
        if upgraded is not None:
            member.password_hash = upgraded
        if enrolled(ctx, member.id):
            return SignedIn(member.id, member.handle, "", second_factor_due=True)
        token = issue_token(ctx, member, kind=kind, user_agent=user_agent)
        return SignedIn(member.id, member.handle, token)


def change_password(
    units: Units, member_id: int, *, current: str, new: str, keep: str | None
) -> None:
    """Change the member's password, checked against the current one, and end every
    other session and API token (``keep`` is the secret of the one in use)."""
    settings = units.settings
    with units.uow(write=False) as ctx:
        old_hash = ctx.session.scalar(
            select(Member.password_hash).where(Member.id == member_id, Member.is_active.is_(True))
        )
    if old_hash is None:
        raise NotAuthenticated("Your account is no longer active.")
    with password_slot(settings):
        if not verify_password(old_hash, current, settings):
            # 403, not 401: the caller is signed in, and a client must not take this
            # for a lost session; the same code as a wrong password when deleting.
            raise Forbidden(
                "Your current password is not right; it was not changed.", code="wrong_password"
            )
        fresh = NewPassword.of(settings, new)
    with units.uow() as ctx:
        member = ctx.session.get_one(Member, member_id)
        if member.password_hash != old_hash:
            raise Conflict(
                "Your password was changed at the same moment from elsewhere; "
                "nothing was saved. Please try again.",
                code="conflict",
            )
        member.password_hash = fresh.hash
        end_sessions(ctx, member, keep=keep)


def set_password(ctx: Ctx, member: Member, fresh: NewPassword) -> None:
    """An operator sets ``member``'s password (``kith member set-password``: the way
    back in for an administrator when single sign-on fails). Every session and API
    token of theirs ends; two-factor sign-in, if on, still asks for its code."""
    member.password_hash = fresh.hash
    end_sessions(ctx, member)
    ctx.session.flush()
