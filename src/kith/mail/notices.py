"""Notifications by email: invitations, messages while away, introductions and
recommendation requests, each on or off per member (:mod:`kith.mail.preferences`).

A mail is written with the in-app notification, in its transaction: what is
refused or rolled back mails nothing, and what is silent in the app (an ignored or
undelivered invitation, a declined introduction) is never notified, so never mailed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from kith.mail.outbox import absolute, enqueue
from kith.mail.preferences import wants
from kith.models import AuthToken, Invitation, MailOutbox, Member, Notification
from kith.uow import Ctx

EXCERPT = 300  # characters of a message or note quoted in a mail

# Notification kind -> (category, mail template, page of the thing).
BY_KIND = {
    "invitation_received": ("invitations", "invitation", "/mynetwork"),
    "introduction_request": ("introductions", "introduction_request", "/introductions/{id}"),
    "introduction_received": ("introductions", "introduction_received", "/introductions/{id}"),
    "recommendation_requested": ("recommendations", "recommendation_request", "/recommendations"),
}


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _member(ctx: Ctx, member_id: int | None) -> Member | None:
    if member_id is None:
        return None
    return ctx.session.scalar(
        select(Member).where(Member.id == member_id, Member.is_active.is_(True))
    )


def mail_notification(ctx: Ctx, note: Notification) -> None:
    """Mail the notification ``note`` if its kind is mailed and its member wants it."""
    found = BY_KIND.get(note.kind)
    if found is None:
        return
    category, template, page = found
    if not wants(ctx, note.member_id, category):
        return
    member, actor = _member(ctx, note.member_id), _member(ctx, note.actor_id)
    if member is None or actor is None:
        return
    note_text = ""
    if note.invitation_id is not None:
        invitation = ctx.session.get(Invitation, note.invitation_id)
        note_text = _excerpt(invitation.note or "") if invitation is not None else ""
    url = absolute(ctx, page.format(id=note.introduction_id or note.recommendation_id or ""))
    enqueue(
        ctx,
        template,
        to=member.email,
        member_id=member.id,
        category=category,
        ref=f"notification:{note.id}",
        context={
            "name": member.first_name,
            "actor": actor.name,
            "actor_headline": actor.headline,
            "actor_url": absolute(ctx, f"/in/{actor.handle}"),
            "other": note.detail,
            "note": note_text,
            "url": url,
        },
    )


def is_away(ctx: Ctx, member_id: int) -> bool:
    """No session or API token of the member was used in the last ``away_minutes``."""
    since = ctx.clock.now() - timedelta(minutes=ctx.settings.away_minutes)
    seen = ctx.session.scalar(
        select(
            exists().where(
                AuthToken.member_id == member_id,
                AuthToken.revoked.is_(False),
                AuthToken.last_seen_at > since,
            )
        )
    )
    return not seen


def mail_message(
    ctx: Ctx, sender: Member, recipient: Member, conversation_id: int, body: str
) -> None:
    """Mail ``recipient`` about a message while they are away: at most one mail per
    conversation every ``message_mail_quiet_minutes``."""
    if sender.id == recipient.id or not wants(ctx, recipient.id, "messages"):
        return
    if not is_away(ctx, recipient.id):
        return
    ref = f"conversation:{conversation_id}"
    quiet = ctx.clock.now() - timedelta(minutes=ctx.settings.message_mail_quiet_minutes)
    recent = ctx.session.scalar(
        select(
            exists().where(
                MailOutbox.member_id == recipient.id,
                MailOutbox.kind == "message",
                MailOutbox.ref == ref,
                MailOutbox.created_at > quiet,
            )
        )
    )
    if recent:
        return
    enqueue(
        ctx,
        "message",
        to=recipient.email,
        member_id=recipient.id,
        category="messages",
        ref=ref,
        context={
            "name": recipient.first_name,
            "actor": sender.name,
            "excerpt": _excerpt(body),
            "url": absolute(ctx, f"/messages/with/{sender.handle}"),
        },
    )
