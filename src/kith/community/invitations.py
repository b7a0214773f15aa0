"""Invitations to join the community: links and codes.

An administrator makes a code for any number of sign-ups (``max_uses``) until it
expires, and may revoke it. If the community lets members invite
(``members_may_invite``), a member invites a colleague by email address: a code for
one sign-up by that address. The code is shown once, to whoever made it, as a code
and as a link to copy; only its digest is kept.

A sign-up redeems a code with one guarded ``UPDATE`` (:func:`redeem`): the limit,
the expiry and the revocation are checked by the statement that counts the use, so
concurrent sign-ups can never use a code more often than it allows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from kith.clock import as_utc, day_text
from kith.community import audit
from kith.community.settings import current
from kith.emails import normalize_email
from kith.errors import Conflict, Forbidden, Invalid, LimitReached, NotFound
from kith.mail.outbox import enqueue
from kith.models import JoinInvitation, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.security import token_digest
from kith.uow import Ctx

#: Letters and digits that cannot be mistaken for one another when typed.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
LABEL_MAX = 120
MAX_USES = 10_000
MAX_DAYS = 365
MEMBER_INVITE_DAYS = 30
MEMBER_INVITES_PER_WEEK = 20


@dataclass(frozen=True)
class Made:
    """An invitation just made, with its code (shown this once) and link."""

    invitation: JoinInvitation
    code: str
    link: str


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """``k7qm 4zxp-9tra`` and ``K7QM-4ZXP-9TRA`` are the same code."""
    kept = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(kept[i : i + 4] for i in range(0, len(kept), 4))


def link_for(ctx: Ctx, code: str) -> str:
    return f"{ctx.settings.base_url.rstrip('/')}/signup?code={code}"


def _label(text: str) -> str:
    text = " ".join(text.split())
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise Invalid("A label cannot contain control characters.", code="invalid_label")
    if len(text) > LABEL_MAX:
        raise Invalid(f"A label can be at most {LABEL_MAX} characters.", code="invalid_label")
    return text


def _insert(
    ctx: Ctx,
    creator: Member,
    *,
    kind: str,
    email: str | None,
    label: str,
    days: int,
    max_uses: int,
) -> Made:
    code = new_code()
    now = ctx.clock.now()
    invitation = JoinInvitation(
        kind=kind,
        digest=token_digest(normalize_code(code)),
        hint=code[:4],
        label=label,
        email=email,
        created_by_id=creator.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
        max_uses=max_uses,
        uses=0,
    )
    ctx.session.add(invitation)
    ctx.session.flush()
    return Made(invitation, code, link_for(ctx, code))


def create_code(
    ctx: Ctx,
    admin: Member,
    *,
    max_uses: int = 1,
    days: int = 14,
    label: str = "",
    email: str | None = None,
) -> Made:
    """An administrator makes an invitation for ``max_uses`` sign-ups within ``days``
    (for ``email`` only, if given)."""
    audit.require_admin(admin)
    if not 1 <= max_uses <= MAX_USES:
        raise Invalid(
            f"An invitation can be used between 1 and {MAX_USES:,} times.", code="invalid_max_uses"
        )
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(f"An invitation lasts between 1 and {MAX_DAYS} days.", code="invalid_expiry")
    label = _label(label)
    address = normalize_email(email) if email else None
    made = _insert(
        ctx, admin, kind="admin", email=address, label=label, days=days, max_uses=max_uses
    )
    audit.record(
        ctx,
        admin,
        "invitation_created",
        "invitation",
        made.invitation.id,
        label=label or made.invitation.hint,
        detail={"max_uses": max_uses, "days": days, "email": address or ""},
    )
    queue_invitation_mail(ctx, made)
    return made


def invite_colleague(ctx: Ctx, member: Member, email: str) -> Made:
    """A member invites a colleague to join, by email address (if the community lets
    members invite): a code for one sign-up by that address."""
    if not current(ctx).members_may_invite and not member.is_admin:
        raise Forbidden(
            "In this community only administrators invite new members.",
            code="member_invites_off",
        )
    address = normalize_email(email)
    if ctx.session.scalar(select(Member.id).where(Member.email == address)) is not None:
        raise Conflict("Someone with this address is already a member.", code="already_member")
    since = ctx.clock.now() - timedelta(days=7)
    sent = ctx.session.scalar(
        select(func.count()).where(
            JoinInvitation.created_by_id == member.id,
            JoinInvitation.kind == "member",
            JoinInvitation.created_at > since,
        )
    )
    if int(sent or 0) >= MEMBER_INVITES_PER_WEEK:
        raise LimitReached(
            f"You can invite {MEMBER_INVITES_PER_WEEK} colleagues a week; try again later.",
            code="join_invitation_limit",
        )
    made = _insert(
        ctx,
        member,
        kind="member",
        email=address,
        label="",
        days=MEMBER_INVITE_DAYS,
        max_uses=1,
    )
    queue_invitation_mail(ctx, made)
    return made


def queue_invitation_mail(ctx: Ctx, made: Made) -> None:
    """An invitation made for an email address is mailed to it, through the outbox in
    this transaction (the one who invited also sees the link and code to pass on). An
    invitation for anyone is only shown to whoever made it."""
    invitation = made.invitation
    if not invitation.email:
        return
    inviter = (
        ctx.session.get(Member, invitation.created_by_id) if invitation.created_by_id else None
    )
    enqueue(
        ctx,
        "join_invitation",
        to=invitation.email,
        context={
            "inviter": inviter.name if inviter is not None else ctx.settings.community_name,
            "url": made.link,
            "code": made.code,
            "until": day_text(invitation.expires_at),
            "for_you": invitation.kind == "member",
        },
        ref=f"join-invitation:{invitation.id}",
    )


def _owned(ctx: Ctx, member: Member, invitation_id: int, own: bool) -> JoinInvitation:
    invitation = ctx.session.get(JoinInvitation, invitation_id)
    anyones = member.is_admin and not own
    if invitation is None or not (anyones or invitation.created_by_id == member.id):
        raise NotFound("There is no such invitation.", code="invitation_not_found")
    return invitation


def revoke(ctx: Ctx, member: Member, invitation_id: int, *, own: bool = False) -> JoinInvitation:
    """Revoke an invitation (an administrator any, a member or ``own``: their own): it
    no longer lets anyone join. Revoking a revoked one changes nothing."""
    invitation = _owned(ctx, member, invitation_id, own)
    if invitation.revoked_at is not None:
        return invitation
    invitation.revoked_at = ctx.clock.now()
    ctx.session.flush()
    if member.is_admin:
        audit.record(
            ctx,
            member,
            "invitation_revoked",
            "invitation",
            invitation.id,
            label=invitation.label or invitation.hint,
        )
    return invitation


def listed(
    ctx: Ctx, member: Member, req: PageRequest, *, own: bool = False
) -> Page[JoinInvitation]:
    """An administrator's list holds every invitation; a member's (or ``own``), their own."""
    stmt = select(JoinInvitation)
    if own or not member.is_admin:
        stmt = stmt.where(JoinInvitation.created_by_id == member.id)
    stmt = stmt.order_by(JoinInvitation.created_at.desc(), JoinInvitation.id.desc())
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def state(invitation: JoinInvitation, now: datetime) -> str:
    """``active``, ``revoked``, ``expired`` or ``used``."""
    if invitation.revoked_at is not None:
        return "revoked"
    if as_utc(invitation.expires_at) <= now:
        return "expired"
    if invitation.uses >= invitation.max_uses:
        return "used"
    return "active"


def _refusal(state_now: str) -> Invalid:
    """Why an invitation in ``state_now`` admits nobody."""
    if state_now == "revoked":
        return Invalid("That invitation was withdrawn.", code="invitation_revoked")
    if state_now == "expired":
        return Invalid("That invitation has expired; ask for a new one.", code="invitation_expired")
    return Invalid("That invitation has already been used.", code="invitation_used")


def _unknown() -> Invalid:
    return Invalid("That invitation code is not right.", code="invalid_invitation")


def find(ctx: Ctx, code: str) -> JoinInvitation:
    """The invitation behind ``code``, whatever its state (or ``invalid_invitation``)."""
    key = normalize_code(code)
    if len(key) > 40 or not key:
        raise _unknown()
    invitation = ctx.session.scalar(
        select(JoinInvitation).where(JoinInvitation.digest == token_digest(key))
    )
    if invitation is None:
        raise _unknown()
    return invitation


def check(ctx: Ctx, code: str) -> JoinInvitation:
    """The invitation behind ``code`` if it can be used now, else a clear refusal."""
    invitation = find(ctx, code)
    now = ctx.clock.now()
    found = state(invitation, now)
    if found != "active":
        raise _refusal(found)
    return invitation


def redeem(ctx: Ctx, code: str, email: str) -> JoinInvitation:
    """Count one sign-up by ``email`` against ``code``, atomically, or refuse."""
    invitation = check(ctx, code)
    if invitation.email is not None and invitation.email != email:
        raise Forbidden(
            "That invitation is for another email address.", code="invitation_email_mismatch"
        )
    now = ctx.clock.now()
    counted = ctx.session.execute(
        update(JoinInvitation)
        .where(
            JoinInvitation.id == invitation.id,
            JoinInvitation.uses < JoinInvitation.max_uses,
            JoinInvitation.revoked_at.is_(None),
            JoinInvitation.expires_at > now,
        )
        .values(uses=JoinInvitation.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:  # type: ignore[attr-defined]
        ctx.session.refresh(invitation)
        raise _refusal(state(invitation, now))
    ctx.session.refresh(invitation)
    return invitation
