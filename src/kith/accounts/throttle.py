"""Sign-in throttling that cannot be turned against members.

Failed attempts (:class:`~kith.models.SigninAttempt`) are counted within
``signin_window_minutes`` three ways:

- **the account from this address**: after ``signin_pair_failures`` failures, each
  further attempt waits a delay that starts at ``signin_delay_seconds`` and doubles
  with every failure, up to the window;
- **the account from anywhere**: after ``signin_max_failures`` failures, the same
  growing delays — except from an address the member has signed in from before
  (within ``signin_known_address_days``): someone guessing a member's password from
  elsewhere never keeps them out;
- **the address on any account**: after ``signin_address_max_failures`` (a much
  higher ceiling: an office or a campus shares one address), the address waits until
  its oldest failure leaves the window — except, again, for a member at an address
  they have signed in from before.

A refusal is :class:`SigninThrottled` (429 ``signin_throttled``) with ``Retry-After``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, select

from kith.clock import as_utc
from kith.errors import LimitReached
from kith.models import SigninAttempt
from kith.uow import Ctx


class SigninThrottled(LimitReached):
    """Too many failed sign-ins: wait ``retry_after`` seconds."""

    code = "signin_throttled"

    def __init__(self, retry_after: int) -> None:
        minutes = -(-retry_after // 60)
        if retry_after < 60:
            wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
        else:
            wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        super().__init__(
            f"Too many failed sign-in attempts. Try again in {wait}.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Failures:
    count: int
    oldest: datetime | None
    latest: datetime | None


def _failures(ctx: Ctx, where: ColumnElement[bool], since: datetime) -> _Failures:
    count, oldest, latest = ctx.session.execute(
        select(func.count(), func.min(SigninAttempt.at), func.max(SigninAttempt.at)).where(
            where, SigninAttempt.at > since, SigninAttempt.success.is_(False)
        )
    ).one()
    return _Failures(
        int(count or 0),
        as_utc(oldest) if oldest is not None else None,
        as_utc(latest) if latest is not None else None,
    )


def known_address(ctx: Ctx, email: str, address: str) -> bool:
    """Whether the account ``email`` signed in from ``address`` lately."""
    since = ctx.clock.now() - timedelta(days=ctx.settings.signin_known_address_days)
    return bool(
        ctx.session.scalar(
            select(
                exists().where(
                    SigninAttempt.email == email,
                    SigninAttempt.address == address,
                    SigninAttempt.success.is_(True),
                    SigninAttempt.at > since,
                )
            )
        )
    )


def _seconds(until: datetime, now: datetime) -> int:
    return max(math.ceil((until - now).total_seconds()), 1)


def _growing(ctx: Ctx, failures: _Failures, free: int, now: datetime) -> int:
    """Seconds still to wait after ``failures`` of which ``free`` cost nothing (0: none)."""
    if failures.count < free or failures.latest is None:
        return 0
    window = ctx.settings.signin_window_minutes * 60
    delay = min(ctx.settings.signin_delay_seconds * 2 ** min(failures.count - free, 30), window)
    until = failures.latest + timedelta(seconds=delay)
    return _seconds(until, now) if until > now else 0


def check(ctx: Ctx, *, email: str, address: str) -> None:
    """Refuse a sign-in to ``email`` from ``address`` that must wait; else return.
    The caller serializes attempts on the same email and address."""
    settings = ctx.settings
    now = ctx.clock.now()
    since = now - timedelta(minutes=settings.signin_window_minutes)
    waits = []
    pair = _failures(
        ctx, and_(SigninAttempt.email == email, SigninAttempt.address == address), since
    )
    waits.append(_growing(ctx, pair, settings.signin_pair_failures, now))
    if not known_address(ctx, email, address):
        account = _failures(ctx, SigninAttempt.email == email, since)
        waits.append(_growing(ctx, account, settings.signin_max_failures, now))
        from_address = _failures(ctx, SigninAttempt.address == address, since)
        if from_address.count >= settings.signin_address_max_failures:
            assert from_address.oldest is not None
            window = timedelta(minutes=settings.signin_window_minutes)
            waits.append(_seconds(from_address.oldest + window, now))
    wait = max(waits)
    if wait > 0:
        raise SigninThrottled(wait)
