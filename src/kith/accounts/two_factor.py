"""Two-factor sign-in: a TOTP authenticator app and single-use recovery codes.

A member enrols by scanning a QR code (or typing the secret) into an authenticator
app and confirming with a first code; they then receive 10 recovery codes, shown once
and kept only as SHA-256 digests. From then on a sign-in asks for a code after the
password (or after the identity provider): the first step leaves a short-lived signed
*pending sign-in* (:mod:`kith.accounts.pending`), not a session.

A code is accepted once: the time step of the last code accepted is kept, and a code
of that step or an earlier one is refused (``two_factor_code_used``). Wrong codes are
counted per member: after ``two_factor_max_failures`` within
``two_factor_window_minutes`` every code is refused (``two_factor_throttled``, 429)
until the window has passed.

Checking a code writes (the step accepted, a failure counted) even when the action it
guards is refused, so the actions that take a code run their own units of work
(:class:`Units`, as :mod:`kith.accounts.credentials` does) and raise after the commit.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import pyotp
import segno
from sqlalchemy import delete, func, select

from kith.accounts.units import Units
from kith.clock import as_utc
from kith.community.settings import current as community_settings
from kith.errors import Conflict, Forbidden, KithError, LimitReached, NotAuthenticated
from kith.models import Member, RecoveryCode, TwoFactor
from kith.security import password_slot, verify_password
from kith.uow import Ctx

T = TypeVar("T")

RECOVERY_CODES = 10
STEP_SECONDS = 30  # the TOTP period every authenticator app uses
DRIFT_STEPS = 1  # a code of the step before or after is accepted too (clock drift)
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class WrongCode(NotAuthenticated):
    """The code is not the authenticator's current one, nor an unused recovery code."""

    code = "two_factor_code_wrong"


class CodeUsed(NotAuthenticated):
    """The authenticator code was accepted already (or a newer one was)."""

    code = "two_factor_code_used"


class RecoveryCodeUsed(NotAuthenticated):
    """That recovery code was used before; each works once."""

    code = "recovery_code_used"


class EnrolFirst(Forbidden):
    """An administrator must set up two-factor sign-in before anything else."""

    code = "two_factor_enrolment_required"


@dataclass(frozen=True)
class Enrolment:
    """A secret waiting for its first code: as text, as an ``otpauth://`` URI, and as an
    SVG QR code of that URI."""

    secret: str
    uri: str

    @property
    def qr_svg(self) -> str:
        return str(
            segno.make(self.uri, error="m").svg_inline(
                scale=4, border=2, title="QR code for your authenticator app"
            )
        )


@dataclass(frozen=True)
class Status:
    enrolled: bool
    enrolling: bool
    recovery_codes_left: int
    required: bool  # an administrator, while the community requires it


# -- reading ------------------------------------------------------------------------


def _row(ctx: Ctx, member_id: int) -> TwoFactor | None:
    return ctx.session.get(TwoFactor, member_id)


def enrolled(ctx: Ctx, member_id: int) -> bool:
    """Whether sign-in asks ``member_id`` for a second factor."""
    return (
        ctx.session.scalar(
            select(TwoFactor.member_id).where(
                TwoFactor.member_id == member_id, TwoFactor.confirmed_at.is_not(None)
            )
        )
        is not None
    )


def required_for(ctx: Ctx, member: Member) -> bool:
    """Whether the community requires two-factor sign-in of ``member`` (administrators,
    when ``admin_two_factor_required`` is on)."""
    return member.is_admin and community_settings(ctx).admin_two_factor_required


def status(ctx: Ctx, member: Member) -> Status:
    row = _row(ctx, member.id)
    left = ctx.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.member_id == member.id, RecoveryCode.used_at.is_(None))
    )
    return Status(
        enrolled=row is not None and row.confirmed_at is not None,
        enrolling=row is not None and row.confirmed_at is None,
        recovery_codes_left=int(left or 0),
        required=required_for(ctx, member),
    )


def _uri(ctx: Ctx, member: Member, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=member.email, issuer_name=ctx.settings.community_name
    )


def enrolment(ctx: Ctx, member: Member) -> Enrolment | None:
    """The secret of an enrolment waiting for its first code, if any."""
    row = _row(ctx, member.id)
    if row is None or row.confirmed_at is not None:
        return None
    return Enrolment(row.secret, _uri(ctx, member, row.secret))


# -- codes --------------------------------------------------------------------------


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())[:40]


def _digest(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _throttled(ctx: Ctx, row: TwoFactor, now: datetime) -> None:
    window = timedelta(minutes=ctx.settings.two_factor_window_minutes)
    since = as_utc(row.failed_since) if row.failed_since is not None else None
    if since is None or since + window <= now:
        return
    if row.failures >= ctx.settings.two_factor_max_failures:
        retry_after = max(math.ceil((since + window - now).total_seconds()), 1)
        minutes = -(-retry_after // 60)
        raise LimitReached(
            f"Too many wrong codes. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            code="two_factor_throttled",
            headers={"Retry-After": str(retry_after)},
        )


def _fail(ctx: Ctx, row: TwoFactor, now: datetime, error: KithError) -> KithError:
    window = timedelta(minutes=ctx.settings.two_factor_window_minutes)
    since = as_utc(row.failed_since) if row.failed_since is not None else None
    if since is None or since + window <= now:
        row.failures, row.failed_since = 1, now
    else:
        row.failures += 1
    ctx.session.flush()
    return error


def _totp_step(row: TwoFactor, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is (within the drift allowed), if any."""
    totp = pyotp.TOTP(row.secret, interval=STEP_SECONDS)
    step = int(now.timestamp()) // STEP_SECONDS
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(candidate * STEP_SECONDS), code):
            return candidate
    return None


def _check(ctx: Ctx, row: TwoFactor, code: str, *, recovery: bool) -> KithError | None:
    """Check ``code`` against the member's authenticator (and their recovery codes when
    ``recovery``); record the outcome. Returns the refusal to raise once the record is
    committed, or None when the code is accepted. Raises the throttle's refusal (which
    records nothing) directly."""
    now = ctx.clock.now()
    _throttled(ctx, row, now)
    code = _normal(code)
    if len(code) == 6 and code.isdigit():
        step = _totp_step(row, code, now)
        if step is None:
            return _fail(ctx, row, now, WrongCode("That code is not right. Please try again."))
        if step <= row.last_step:
            return CodeUsed("That code was used already. Wait for your app to show the next one.")
        row.last_step = step
    elif recovery and code:
        used = ctx.session.scalar(
            select(RecoveryCode).where(
                RecoveryCode.member_id == row.member_id, RecoveryCode.digest == _digest(code)
            )
        )
        if used is None:
            return _fail(ctx, row, now, WrongCode("That code is not right. Please try again."))
        if used.used_at is not None:
            return _fail(
                ctx,
                row,
                now,
                RecoveryCodeUsed("That recovery code was used already; each one works once."),
            )
        used.used_at = now
    else:
        return _fail(
            ctx,
            row,
            now,
            WrongCode(
                "Enter the 6-digit code from your authenticator app"
                + (" or one of your recovery codes." if recovery else ".")
            ),
        )
    row.failures, row.failed_since = 0, None
    ctx.session.flush()
    return None


def with_code(
    units: Units,
    member_id: int,
    code: str,
    action: Callable[[Ctx, Member], T],
    *,
    recovery: bool = True,
    confirmed: bool = True,
) -> T:
    """Check ``code`` for ``member_id`` and, when right, run ``action`` in the same unit
    of work. A wrong code is recorded (and committed) and then raised; nothing else
    changes."""
    refusal: KithError | None = None
    done: list[T] = []
    with units.uow() as ctx:
        member = ctx.session.scalar(
            select(Member).where(Member.id == member_id, Member.is_active.is_(True))
        )
        if member is None:
            raise NotAuthenticated("Your account is no longer active.")
        row = _row(ctx, member_id)
        if row is None or (row.confirmed_at is not None) != confirmed:
            if confirmed:
                raise Conflict(
                    "Two-factor sign-in is not set up for your account.",
                    code="two_factor_not_enrolled",
                )
            raise Conflict(
                "Start setting up two-factor sign-in first.", code="two_factor_not_started"
            )
        refusal = _check(ctx, row, code, recovery=recovery)
        if refusal is None:
            done.append(action(ctx, member))
    if refusal is not None:
        raise refusal
    return done[0]


# -- actions ------------------------------------------------------------------------


def start_enrolment(ctx: Ctx, member: Member) -> Enrolment:
    """Make a new secret for ``member`` (replacing one still waiting for its code)."""
    row = _row(ctx, member.id)
    if row is not None and row.confirmed_at is not None:
        raise Conflict(
            "Two-factor sign-in is already on. Turn it off first to use another app.",
            code="two_factor_enrolled",
        )
    secret = pyotp.random_base32()
    if row is None:
        row = TwoFactor(member_id=member.id, secret=secret, created_at=ctx.clock.now())
        row.last_step = 0
        row.failures = 0
        ctx.session.add(row)
    else:
        row.secret, row.created_at = secret, ctx.clock.now()
    ctx.session.flush()
    return Enrolment(secret, _uri(ctx, member, secret))


def _new_recovery_codes(ctx: Ctx, member: Member) -> list[str]:
    ctx.session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    ctx.session.add_all(RecoveryCode(member_id=member.id, digest=_digest(c)) for c in codes)
    ctx.session.flush()
    return codes


def confirm_enrolment(units: Units, member_id: int, code: str) -> list[str]:
    """Turn two-factor sign-in on with the app's first code; returns the recovery codes
    (shown once)."""

    def confirm(ctx: Ctx, member: Member) -> list[str]:
        row = ctx.session.get_one(TwoFactor, member.id)
        row.confirmed_at = ctx.clock.now()
        return _new_recovery_codes(ctx, member)

    return with_code(units, member_id, code, confirm, recovery=False, confirmed=False)


def regenerate_recovery_codes(units: Units, member_id: int, code: str) -> list[str]:
    """Replace every recovery code (used or not) with 10 new ones, confirmed by a code."""
    return with_code(units, member_id, code, _new_recovery_codes)


def disable(units: Units, member_id: int, *, password: str, code: str) -> None:
    """Turn two-factor sign-in off, confirmed by the password (when the account has one:
    members who joined through the identity provider have none) and a code."""
    with units.uow(write=False) as ctx:
        member = ctx.session.get(Member, member_id)
        if member is None or not member.is_active:
            raise NotAuthenticated("Your account is no longer active.")
        if required_for(ctx, member):
            raise Forbidden(
                "The community requires two-factor sign-in of administrators, so it stays on.",
                code="two_factor_mandatory",
            )
        stored = member.password_hash
    if stored:
        with password_slot(units.settings):
            if not verify_password(stored, password, units.settings):
                raise Forbidden(
                    "Your password is not right; two-factor sign-in stays on.",
                    code="wrong_password",
                )

    def turn_off(ctx: Ctx, member: Member) -> bool:
        if member.password_hash != stored:
            raise Conflict("Your password changed meanwhile; please try again.", code="conflict")
        ctx.session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member.id))
        ctx.session.execute(delete(TwoFactor).where(TwoFactor.member_id == member.id))
        return True

    with_code(units, member_id, code, turn_off)


def check(units: Units, member_id: int, code: str) -> None:
    """The second step of a sign-in (or of making an API token): refuse unless ``code``
    is right."""
    with_code(units, member_id, code, lambda _ctx, _member: True)


def forget(ctx: Ctx, member_id: int) -> None:
    """Drop the member's authenticator and recovery codes (their account is deleted)."""
    ctx.session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member_id))
    ctx.session.execute(delete(TwoFactor).where(TwoFactor.member_id == member_id))


# -- administrators who must enrol ------------------------------------------------------

#: Where an administrator who must set up two-factor sign-in may still go.
ENROL_PATHS = (
    "/settings/two-factor",
    "/api/v1/auth/two-factor",
    "/signout",
    "/api/v1/auth/logout",
)


def admit(ctx: Ctx, member: Member, path: str) -> None:
    """Refuse every request of an administrator without two-factor sign-in, while the
    community requires it, except those that set it up (or sign out). Asks nothing of
    the database for anyone else."""
    if not member.is_admin or path.startswith(ENROL_PATHS):
        return
    if required_for(ctx, member) and not enrolled(ctx, member.id):
        raise EnrolFirst(
            "This community requires administrators to use two-factor sign-in. "
            "Please set it up first (Settings › Two-factor sign-in)."
        )


__all__ = [
    "RECOVERY_CODES",
    "CodeUsed",
    "EnrolFirst",
    "Enrolment",
    "RecoveryCodeUsed",
    "Status",
    "WrongCode",
    "admit",
    "check",
    "confirm_enrolment",
    "disable",
    "enrolled",
    "enrolment",
    "forget",
    "regenerate_recovery_codes",
    "required_for",
    "start_enrolment",
    "status",
]
