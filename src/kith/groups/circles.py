"""Inviting one of one's tiers or tags (Relationships) to a group: each connection in
it is invited through :func:`kith.groups.service.invite`, the same rules and the same
weekly limit as one invitation at a time; the outcome is counted by result."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from kith.errors import KithError
from kith.groups.access import member_row
from kith.groups.service import invite
from kith.models import Contact, ContactTag, Member
from kith.relationships.tiers_tags import get_tag, get_tier
from kith.uow import Ctx


def invite_circle(
    ctx: Ctx,
    inviter: Member,
    group_id: int,
    *,
    tier_id: int | None = None,
    tag_id: int | None = None,
) -> Counter[str]:
    """Invite the connections the inviter keeps in one of their tiers (``tier_id``) or
    tags (``tag_id``). Counts ``invited`` and each refusal's code (``already_member``,
    ``already_invited``, ``group_invitation_limit``...)."""
    member_row(ctx, inviter, group_id)  # group_not_found before anything else
    stmt = select(Member).join(Contact, Contact.other_id == Member.id)
    stmt = stmt.where(Contact.owner_id == inviter.id).order_by(Member.id)
    if tier_id is not None:
        stmt = stmt.where(Contact.tier_id == get_tier(ctx, inviter, tier_id).id)
    else:
        tag = get_tag(ctx, inviter, tag_id or 0)
        stmt = stmt.join(ContactTag, ContactTag.contact_id == Contact.id).where(
            ContactTag.tag_id == tag.id
        )
    outcomes: Counter[str] = Counter()
    for member in ctx.session.scalars(stmt).unique():
        try:
            invite(ctx, inviter, group_id, member)
        except KithError as refused:
            outcomes[refused.code] += 1
        else:
            outcomes["invited"] += 1
    return outcomes
