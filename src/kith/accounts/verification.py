"""Verifying a member's email address: at sign-up, and on a change of address (the
new address takes effect once verified through the link mailed to it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kith.accounts.deletion import PasswordCheck
from kith.emails import normalize_email
from kith.errors import Conflict, Forbidden, Invalid, LimitReached
from kith.mail.outbox import absolute, enqueue
from kith.mail.preferences import mark_verified, settings_of
from kith.mail.tokens import LinkRefused, check_link, issue_link, retire_links
from kith.models import MailOutbox, Member
from kith.uow import Ctx

KIND = "verify_email"
MAILS_PER_HOUR = 5  # verification mails a member can have sent an hour


def send_verification(ctx: Ctx, member: Member, address: str | None = None) -> None:
    """Mail a verification link to ``address`` (the member's own by default); only the
    newest link works."""
    address = address or member.email
    hours = ctx.settings.verification_link_hours
    retire_links(ctx, member.id, "verify")
    token = issue_link(ctx, member.id, "verify", address, timedelta(hours=hours))
    enqueue(
        ctx,
        KIND,
        to=address,
        member_id=member.id,
        context={
            "name": member.first_name,
            "address": address,
            "change": address != member.email,
            "hours": hours,
            "url": absolute(ctx, f"/verify-email?token={token}"),
        },
    )


def _check_rate(ctx: Ctx, member: Member) -> None:
    since = ctx.clock.now() - timedelta(hours=1)
    sent = ctx.session.scalar(
        select(func.count()).where(
            MailOutbox.member_id == member.id,
            MailOutbox.kind == KIND,
            MailOutbox.created_at > since,
        )
    )
    if (sent or 0) >= MAILS_PER_HOUR:
        raise LimitReached(
            "Several verification mails were sent in the last hour; please look for "
            "them, or try again later.",
            code="verification_throttled",
            headers={"Retry-After": "3600"},
        )


def resend_verification(ctx: Ctx, member: Member) -> None:
    """Mail a new link for the member's current address (refused when verified)."""
    if settings_of(ctx, member.id).email_verified_at is not None:
        raise Conflict("Your email address is already verified.", code="email_verified")
    _check_rate(ctx, member)
    send_verification(ctx, member)


def request_email_change(ctx: Ctx, member: Member, new_email: str, checked: PasswordCheck) -> str:
    """Start changing the member's address to ``new_email``, confirmed by their password
    (checked first, outside the transaction): a link goes to the new address and a
    notice to the current one. Nothing changes until the link is followed."""
    if not checked.ok:
        raise Forbidden(
            "Your current password is not right; nothing was changed.", code="wrong_password"
        )
    address = normalize_email(new_email)
    if address == member.email:
        raise Invalid("That is already your email address.", code="email_unchanged")
    if ctx.session.scalar(select(Member.id).where(Member.email == address)) is not None:
        raise Conflict("An account with this email address already exists.", code="email_taken")
    _check_rate(ctx, member)
    send_verification(ctx, member, address)
    enqueue(
        ctx,
        "email_change_notice",
        to=member.email,
        member_id=member.id,
        context={
            "name": member.first_name,
            "address": address,
            "url": absolute(ctx, "/me/settings"),
        },
    )
    return address


def check_verification_link(ctx: Ctx, token: str) -> None:
    """Refuse a verification link that cannot be used now (nothing is changed)."""
    check_link(ctx, token, "verify", use=False)


def confirm_email(ctx: Ctx, token: str) -> Member:
    """Follow a verification link: the address it was sent to is verified and, if it
    is a new one, becomes the member's address. Refused: ``verification_link_invalid``
    (forged, mistyped, or for an account gone), ``verification_link_expired``,
    ``verification_link_used``, ``email_taken`` (someone took the new address
    meanwhile); nothing changes."""
    link = check_link(ctx, token, "verify", use=True)
    member = ctx.session.scalar(
        select(Member).where(Member.id == link.member_id, Member.is_active.is_(True))
    )
    if member is None:
        raise LinkRefused("This verification link is not valid.", code="verification_link_invalid")
    if link.email != member.email:
        taken = ctx.session.scalar(
            select(Member.id).where(Member.email == link.email, Member.id != member.id)
        )
        if taken is not None:
            raise Conflict("An account with this email address already exists.", code="email_taken")
        member.email = link.email
        retire_links(ctx, member.id, "reset")  # reset links went to the old address
    mark_verified(ctx, member.id)
    ctx.session.flush()
    return member
