"""Private contacts turning into connections (DESIGN "Portability": imported people
kept as contacts until they join and connect).

Called by the account service when a member signs up (their address recognises them
in other members' private contacts), by the connection service whenever a connection
is made, by the block service, and by the importer. It depends on the models and the
shared queries only, so those services can import it without a cycle.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, or_, select, update

from kith.connections.queries import connection_between
from kith.models import Contact, ContactNote, ContactTag, Interaction, Member
from kith.notifications.service import notify
from kith.uow import Ctx

# A match made by a weaker rule gives way to the member whose address it is.
WEAKER_THAN_EMAIL = ("name_company", "name")


def match_new_member(ctx: Ctx, member: Member) -> int:
    """A member just signed up: other members' private contacts with this email address
    are recognised as them (``match`` "email"), and each of those owners is told
    "<name>, from your imported contacts, joined Kith". Returns how many owners.

    Private contacts keep their address folded to lower case (as a member's is), so
    the comparison is case-insensitive and one lookup in ``ix_contacts_email``.
    """
    email = member.email.strip().lower()
    if not email:
        return 0
    found = list(
        ctx.session.scalars(
            select(Contact).where(
                Contact.email == email,
                Contact.other_id.is_(None),
                Contact.owner_id != member.id,
                or_(Contact.matched_member_id.is_(None), Contact.match.in_(WEAKER_THAN_EMAIL)),
            )
        )
    )
    owners: list[int] = []
    for contact in found:
        contact.matched_member_id = member.id
        contact.match = "email"
        if contact.owner_id not in owners:
            owners.append(contact.owner_id)
    ctx.session.flush()
    for owner_id in owners:
        notify(ctx, owner_id, "contact_joined", actor_id=member.id)
    return len(owners)


def _merge(ctx: Ctx, source: Contact, target: Contact) -> None:
    """Move what the owner kept about ``source`` into ``target``, then delete ``source``."""
    tag_ids = set(
        ctx.session.scalars(select(ContactTag.tag_id).where(ContactTag.contact_id == target.id))
    )
    for tag_id in ctx.session.scalars(
        select(ContactTag.tag_id).where(ContactTag.contact_id == source.id)
    ):
        if tag_id not in tag_ids:
            ctx.session.add(ContactTag(contact_id=target.id, tag_id=tag_id))
    ctx.session.flush()
    ctx.session.execute(delete(ContactTag).where(ContactTag.contact_id == source.id))
    ctx.session.execute(
        update(ContactNote).where(ContactNote.contact_id == source.id).values(contact_id=target.id)
    )
    # Logged entries move; automatic ones come from messages, which private contacts
    # never have (they would clash with the target's daily entry).
    ctx.session.execute(
        update(Interaction)
        .where(Interaction.contact_id == source.id, Interaction.automatic.is_(False))
        .values(contact_id=target.id)
    )
    if not target.how_we_met:
        target.how_we_met = source.how_we_met
    if target.tier_id is None:
        target.tier_id = source.tier_id
    if target.cadence_days is None:
        target.cadence_days = source.cadence_days
    last = source.last_interaction_at
    if last is not None and (
        target.last_interaction_at is None or target.last_interaction_at < last
    ):
        target.last_interaction_at = last
    ctx.session.expire(source, ["tags"])
    ctx.session.expire(target, ["tags", "tier"])
    ctx.session.delete(source)
    ctx.session.flush()


def _link_one_way(ctx: Ctx, owner_id: int, member_id: int) -> int:
    matched = list(
        ctx.session.scalars(
            select(Contact)
            .where(
                Contact.owner_id == owner_id,
                Contact.other_id.is_(None),
                Contact.matched_member_id == member_id,
            )
            .order_by(Contact.created_at, Contact.id)
        )
    )
    if not matched:
        return 0
    linked = len(matched)
    target = ctx.session.scalar(
        select(Contact).where(Contact.owner_id == owner_id, Contact.other_id == member_id)
    )
    if target is None:
        # The first private contact becomes the member's record, keeping the imported
        # name, email, company, title, url and source as history.
        target, matched = matched[0], matched[1:]
        target.other_id = member_id
        ctx.session.flush()
    for source in matched:
        _merge(ctx, source, target)
    return linked


def link_private_contacts(ctx: Ctx, owner_id: int, member_id: int) -> int:
    """``owner_id`` and ``member_id`` are connected: each one's private contacts
    recognised as the other become (or merge into) their record about the other.

    A private contact becomes the member's record when the owner has none yet;
    otherwise its tags, notes and logged interactions move to the existing record,
    which takes its how we met, tier and own cadence where it has none and the later
    last interaction, and the private contact is deleted. Nothing happens unless the
    two are connected. Returns how many private contacts were linked.
    """
    if owner_id == member_id or connection_between(ctx.session, owner_id, member_id) is None:
        return 0
    return _link_one_way(ctx, owner_id, member_id) + _link_one_way(ctx, member_id, owner_id)


def forget_matches(ctx: Ctx, a: int, b: int) -> None:
    """A block between ``a`` and ``b``: neither's contacts keep pointing at the other,
    so the blocked member cannot be found through them."""
    ctx.session.execute(
        update(Contact)
        .where(
            or_(
                and_(Contact.owner_id == a, Contact.matched_member_id == b),
                and_(Contact.owner_id == b, Contact.matched_member_id == a),
            )
        )
        .values(matched_member_id=None, match=None)
        .execution_options(synchronize_session="fetch")
    )
