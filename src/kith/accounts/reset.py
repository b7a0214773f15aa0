"""Password reset by a mailed, signed, single-use, expiring link.

Asking is answered the same whether or not an account has the address: the request
writes one outbox row either way (:func:`request_reset`), and the mail worker turns
it into a reset mail for an account's address or drops it (:func:`prepare_requests`).
Choosing a new password with a valid link signs out every session and API token.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kith.accounts.credentials import Units
from kith.accounts.service import NewPassword
from kith.accounts.sessions import end_sessions
from kith.emails import normalize_email
from kith.mail.outbox import absolute, enqueue_request, fill
from kith.mail.preferences import mark_verified
from kith.mail.tokens import LinkRefused, check_link, issue_link, retire_links
from kith.models import MailOutbox, Member
from kith.uow import Ctx

KIND = "reset_password"


def request_reset(ctx: Ctx, email: str) -> None:
    """Ask for a reset link for ``email``. The same work is done whether or not an
    account has it: one count, one row (beyond ``reset_requests_per_hour`` for the
    address, not even the row)."""
    address = normalize_email(email)
    since = ctx.clock.now() - timedelta(hours=1)
    recent = ctx.session.scalar(
        select(func.count()).where(
            MailOutbox.to_address == address,
            MailOutbox.kind == KIND,
            MailOutbox.created_at > since,
        )
    )
    if (recent or 0) >= ctx.settings.reset_requests_per_hour:
        return
    enqueue_request(ctx, KIND, to=address)


def prepare_requests(ctx: Ctx, limit: int = 100) -> int:
    """The worker's step: turn asked-for resets into mails with a fresh link (to an
    active account's address) or drop them. Returns how many became mails."""
    stmt = (
        select(MailOutbox)
        .where(MailOutbox.status == "request", MailOutbox.kind == KIND)
        .order_by(MailOutbox.id)
        .limit(limit)
    )
    if ctx.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    made = 0
    minutes = ctx.settings.reset_link_minutes
    for row in ctx.session.scalars(stmt):
        member = ctx.session.scalar(
            select(Member).where(Member.email == row.to_address, Member.is_active.is_(True))
        )
        if member is None:
            row.status = "dropped"
            continue
        token = issue_link(ctx, member.id, "reset", member.email, timedelta(minutes=minutes))
        fill(
            ctx,
            row,
            member_id=member.id,
            context={
                "name": member.first_name,
                "minutes": minutes,
                "url": absolute(ctx, f"/reset-password?token={token}"),
            },
        )
        made += 1
    ctx.session.flush()
    return made


def _member_of_link(ctx: Ctx, token: str, *, use: bool) -> Member:
    link = check_link(ctx, token, "reset", use=use)
    member = ctx.session.scalar(
        select(Member).where(Member.id == link.member_id, Member.is_active.is_(True))
    )
    if member is None or member.email != link.email:  # gone, or the address changed since
        raise LinkRefused(
            "This password reset link is not valid. Ask for a new one on the "
            "“Forgot password” page.",
            code="reset_link_invalid",
        )
    return member


def check_reset_link(ctx: Ctx, token: str) -> Member:
    """The member a reset link is for, if it can be used now (nothing is changed)."""
    return _member_of_link(ctx, token, use=False)


def reset_password(units: Units, token: str, new_password: str) -> int:
    """Set a new password with a reset link: the link is used up, every other reset
    link of the member retired, and every session and API token ended. The address
    is verified by the way (the link reached it). Returns the member's id."""
    with units.uow(write=False) as ctx:
        check_reset_link(ctx, token)  # refused before any slow hashing
    fresh = NewPassword.of(units.settings, new_password)
    with units.uow() as ctx:
        member = _member_of_link(ctx, token, use=True)
        member.password_hash = fresh.hash
        retire_links(ctx, member.id, "reset")
        end_sessions(ctx, member)
        mark_verified(ctx, member.id)
        return member.id
