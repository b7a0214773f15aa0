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
from dataclasses import dataclass

from sqlalchemy import exists, select, text, update

from kith.accounts import throttle
from kith.accounts.service import (
    NewPassword,
    SigninFailed,
    issue_token,
)
from kith.accounts.sessions import end_sessions
from kith.accounts.sso_only import refuse_password_sign_in
from kith.accounts.two_factor import enrolled
from kith.accounts.units import Units as Units  # also imported from here
from kith.errors import Conflict, Forbidden, NotAuthenticated
from kith.models import JoinRequest, Member, SigninAttempt
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
    standing: str = "active"  # active | applicant | suspended


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


def reserve_attempt(ctx: Ctx, *, email: str, address: str) -> _Stored:
    """Step 1: refuse a throttled sign-in (:mod:`kith.accounts.throttle`: 429
    ``signin_throttled`` with Retry-After), or record the attempt (as a failure until
    the check says otherwise) and read the stored hash."""
    now = ctx.clock.now()
    email_key = email.strip().lower()
    _serialize(ctx, f"signin:email:{email_key}", f"signin:address:{address}")
    throttle.check(ctx, email=email_key, address=address)
    attempt = SigninAttempt(email=email_key, address=address, at=now, success=False)
    ctx.session.add(attempt)
    ctx.session.flush()
    applying = (
        exists()
        .where(JoinRequest.member_id == Member.id, JoinRequest.status == "pending")
        .correlate(Member)
    )
    row = ctx.session.execute(
        select(
            Member.id, Member.password_hash, Member.is_active, Member.suspended_at, applying
        ).where(Member.email == email_key, Member.deleted_at.is_(None))
    ).first()
    if row is None:
        return _Stored(attempt.id, None, None)
    member_id, password_hash, active, suspended_at, applicant = row
    if active:
        return _Stored(attempt.id, member_id, password_hash)
    if suspended_at is not None:
        return _Stored(attempt.id, member_id, password_hash, "suspended")
    if applicant:
        return _Stored(attempt.id, member_id, password_hash, "applicant")
    return _Stored(attempt.id, None, None)


def _not_active(standing: str) -> Forbidden:
    """Why a member whose password was right cannot sign in."""
    if standing == "applicant":
        return Forbidden(
            "Your request to join is waiting for an administrator's approval.",
            code="awaiting_approval",
        )
    return Forbidden(
        "This account is suspended. Please contact the community's administrators.",
        code="account_suspended",
    )


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
    if stored.standing != "active":  # the right password, for an account not in use
        with units.uow() as ctx:
            _succeeded(ctx, stored.attempt_id)
        raise _not_active(stored.standing)
    with units.uow() as ctx:
        _succeeded(ctx, stored.attempt_id)
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


def _succeeded(ctx: Ctx, attempt_id: int) -> None:
    ctx.session.execute(
        update(SigninAttempt).where(SigninAttempt.id == attempt_id).values(success=True)
    )


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
