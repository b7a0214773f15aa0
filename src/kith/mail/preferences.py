"""A member's mail settings: a verified address, notifications by email one by one,
the weekly digest, and one-click unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from kith.errors import Invalid
from kith.mail.tokens import LinkRefused, sign, unsign
from kith.models import EmailLink, MailOutbox, MailSettings, Member
from kith.uow import Ctx

#: What a member receives by email, each on or off: the setting and how pages name it.
CATEGORIES = {
    "invitations": "Invitations to connect",
    "messages": "Messages while you are away",
    "introductions": "Introductions asked of you or made for you",
    "recommendations": "Requests for a recommendation",
    "digest": "The weekly digest",
}
#: How an unsubscribe link names what it stops ("Unsubscribe from ...").
UNSUBSCRIBE_WHAT = {
    "invitations": "invitation emails",
    "messages": "message emails",
    "introductions": "introduction emails",
    "recommendations": "recommendation request emails",
    "digest": "the weekly digest",
}


def settings_of(ctx: Ctx, member_id: int) -> MailSettings:
    """The member's mail settings (the defaults, unsaved, if they never changed any)."""
    row = ctx.session.get(MailSettings, member_id)
    if row is None:
        row = MailSettings(
            member_id=member_id,
            email_verified_at=None,
            invitations=True,
            messages=True,
            introductions=True,
            recommendations=True,
            digest=True,
            digest_sent_at=None,
        )
    return row


def stored_settings(ctx: Ctx, member_id: int) -> MailSettings:
    """The member's mail settings row, made now with the defaults if missing."""
    row = ctx.session.get(MailSettings, member_id)
    if row is not None:
        return row
    row = settings_of(ctx, member_id)
    try:
        with ctx.session.begin_nested():
            ctx.session.add(row)
    except IntegrityError:  # made at the same moment by another transaction
        found = ctx.session.get(MailSettings, member_id, populate_existing=True)
        assert found is not None
        return found
    return row


def wants(ctx: Ctx, member_id: int, category: str) -> bool:
    """Whether the member receives ``category`` by email: switched on, and their
    address verified."""
    assert category in CATEGORIES, category
    row = settings_of(ctx, member_id)
    return row.email_verified_at is not None and bool(getattr(row, category))


def mark_verified(ctx: Ctx, member_id: int) -> None:
    row = stored_settings(ctx, member_id)
    row.email_verified_at = ctx.clock.now()
    if row.digest_sent_at is None:  # the first digest comes a period later
        row.digest_sent_at = row.email_verified_at
    ctx.session.flush()


def update_settings(ctx: Ctx, member: Member, changes: dict[str, bool | None]) -> MailSettings:
    """Switch categories on or off (a ``None`` leaves one as it is)."""
    unknown = set(changes) - set(CATEGORIES)
    if unknown:
        raise Invalid(
            f"Unknown email setting '{sorted(unknown)[0]}'.", code="invalid_email_setting"
        )
    row = stored_settings(ctx, member.id)
    for key, value in changes.items():
        if value is not None:
            setattr(row, key, bool(value))
    ctx.session.flush()
    return row


def unsubscribe_token(ctx: Ctx, member_id: int, category: str) -> str:
    assert category in CATEGORIES, category
    return sign(ctx.settings, "unsubscribe", {"m": member_id, "c": category})


@dataclass(frozen=True)
class Unsubscribed:
    member_id: int
    category: str
    what: str  # "the weekly digest"


def read_unsubscribe(ctx: Ctx, token: str) -> Unsubscribed:
    """What an unsubscribe token stops, refused as ``unsubscribe_link_invalid`` when
    forged, mangled or about a member who is gone."""
    payload = unsign(ctx.settings, "unsubscribe", token)
    member_id, category = (payload or {}).get("m"), (payload or {}).get("c")
    member = (
        ctx.session.scalar(select(Member).where(Member.id == member_id, Member.is_active.is_(True)))
        if isinstance(member_id, int) and category in CATEGORIES
        else None
    )
    if member is None or not isinstance(category, str):
        raise LinkRefused(
            "This unsubscribe link is not valid. Change what you receive by email in "
            "your email settings.",
            code="unsubscribe_link_invalid",
        )
    return Unsubscribed(member.id, category, UNSUBSCRIBE_WHAT[category])


def unsubscribe(ctx: Ctx, token: str) -> Unsubscribed:
    """Stop what the (signed) ``token`` names, without signing in; repeating it changes
    nothing more."""
    found = read_unsubscribe(ctx, token)
    row = stored_settings(ctx, found.member_id)
    setattr(row, found.category, False)
    ctx.session.flush()
    return found


def drop_mail(ctx: Ctx, member_id: int, email: str) -> None:
    """Forget a deleted account's mail: its settings, its mailed links and every mail
    to it or to its address in the outbox, sent or not."""
    ctx.session.execute(delete(MailSettings).where(MailSettings.member_id == member_id))
    ctx.session.execute(delete(EmailLink).where(EmailLink.member_id == member_id))
    ctx.session.execute(
        delete(MailOutbox).where(
            or_(MailOutbox.member_id == member_id, MailOutbox.to_address == email)
        )
    )
