"""A person's private record: the Contact row the owner keeps about one of their
connections or one of their private contacts, and the actions on it (tier, how we
met, cadence, snooze, tags, notes) and what the owner sees of it (the contact view).

Whom these actions work on is a :data:`Person`: a member (who must be one of the
owner's connections) or a private contact (a Contact row without ``other_id``, which
must be the owner's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from kith.connections.queries import connection_between
from kith.errors import Invalid, NotFound
from kith.models import Connection, Contact, ContactNote, ContactTag, Member, Tag, Tier
from kith.relationships.queries import require_connection
from kith.relationships.tiers_tags import (
    ensure_default_tiers,
    get_tag,
    get_tier,
    tag_named,
    valid_cadence,
)
from kith.uow import Ctx

HOW_WE_MET_MAX = 500
SNOOZE_MAX_DAYS = 365

CONTACT_NOT_FOUND = "There is no such contact."
# Whom the relationship tools work on: a member (one of the owner's connections) or one
# of the owner's private contacts (a Contact row without ``other_id``).
Person = Member | Contact


def find_contact(ctx: Ctx, owner_id: int, other_id: int) -> Contact | None:
    return ctx.session.scalar(
        select(Contact).where(Contact.owner_id == owner_id, Contact.other_id == other_id)
    )


def record_about(ctx: Ctx, owner_id: int, other_id: int) -> Contact:
    """The owner's record about ``other_id``, created on first use."""
    found = find_contact(ctx, owner_id, other_id)
    if found is not None:
        return found
    contact = Contact(owner_id=owner_id, other_id=other_id, created_at=ctx.clock.now())
    try:
        with ctx.session.begin_nested():
            ctx.session.add(contact)
    except IntegrityError:
        found = find_contact(ctx, owner_id, other_id)
        if found is None:
            raise
        return found
    return contact


def contact_for_editing(ctx: Ctx, owner: Member, other: Person) -> Contact:
    """The record the relationship tools change: for a member, private data can be
    added about one's connections only; a private contact must be the owner's (as
    :func:`get_private_contact` resolves it)."""
    if isinstance(other, Contact):
        if other.owner_id != owner.id:
            raise NotFound(CONTACT_NOT_FOUND, code="contact_not_found")
        ensure_default_tiers(ctx, owner)
        return other
    require_connection(ctx, owner, other)
    ensure_default_tiers(ctx, owner)
    return record_about(ctx, owner.id, other.id)


def existing_record(ctx: Ctx, owner: Member, other: Person) -> Contact | None:
    """The owner's record about ``other`` if there is one (nothing is created)."""
    if isinstance(other, Contact):
        if other.owner_id != owner.id:
            raise NotFound(CONTACT_NOT_FOUND, code="contact_not_found")
        return other
    return find_contact(ctx, owner.id, other.id)


def set_tier(ctx: Ctx, owner: Member, other: Person, tier_id: int | None) -> Contact:
    contact = contact_for_editing(ctx, owner, other)
    contact.tier_id = None if tier_id is None else get_tier(ctx, owner, tier_id).id
    ctx.session.flush()
    ctx.session.refresh(contact, ["tier"])
    return contact


def set_how_we_met(ctx: Ctx, owner: Member, other: Person, text: str) -> Contact:
    text = " ".join((text or "").split())
    if len(text) > HOW_WE_MET_MAX:
        raise Invalid(
            f"Say how you met in at most {HOW_WE_MET_MAX} characters.", code="how_we_met_too_long"
        )
    contact = contact_for_editing(ctx, owner, other)
    contact.how_we_met = text
    ctx.session.flush()
    return contact


def set_cadence(ctx: Ctx, owner: Member, other: Person, days: int | None) -> Contact:
    """Keep in touch with this person every ``days`` days (``None``: follow the tier and tags)."""
    contact = contact_for_editing(ctx, owner, other)
    contact.cadence_days = valid_cadence(days)
    ctx.session.flush()
    return contact


def snooze(ctx: Ctx, owner: Member, other: Person, days: int | None = None) -> Contact:
    """Leave the person off the due-to-reconnect list for ``days`` (default ``snooze_days``)."""
    days = ctx.settings.snooze_days if days is None else days
    if not 1 <= days <= SNOOZE_MAX_DAYS:
        raise Invalid(f"Snooze for 1 to {SNOOZE_MAX_DAYS} days.", code="invalid_snooze")
    contact = contact_for_editing(ctx, owner, other)
    contact.snoozed_until = ctx.clock.now() + timedelta(days=days)
    ctx.session.flush()
    return contact


def tag_contact(ctx: Ctx, owner: Member, other: Person, name: str) -> Tag:
    contact = contact_for_editing(ctx, owner, other)
    tag = tag_named(ctx, owner, name)
    if ctx.session.get(ContactTag, {"contact_id": contact.id, "tag_id": tag.id}) is None:
        ctx.session.add(ContactTag(contact_id=contact.id, tag_id=tag.id))
        ctx.session.flush()
    ctx.session.expire(contact, ["tags"])
    return tag


def untag_contact(ctx: Ctx, owner: Member, other: Person, tag_id: int) -> None:
    tag = get_tag(ctx, owner, tag_id)
    contact = existing_record(ctx, owner, other)
    if contact is not None:
        ctx.session.execute(
            delete(ContactTag).where(
                ContactTag.contact_id == contact.id, ContactTag.tag_id == tag.id
            )
        )
        ctx.session.expire(contact, ["tags"])
    ctx.session.flush()


def bulk_tag(ctx: Ctx, owner: Member, others: Sequence[Person], name: str) -> Tag:
    """Tag several connections (or private contacts) at once (all or nothing)."""
    tag = tag_named(ctx, owner, name)
    for other in others:
        tag_contact(ctx, owner, other, tag.name)
    return tag


def bulk_untag(ctx: Ctx, owner: Member, others: Sequence[Person], tag_id: int) -> Tag:
    tag = get_tag(ctx, owner, tag_id)
    for other in others:
        untag_contact(ctx, owner, other, tag.id)
    return tag


def _note_body(ctx: Ctx, body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("A note needs some text.", code="empty_note")
    if len(body) > ctx.settings.note_max:
        raise Invalid(
            f"A note can be at most {ctx.settings.note_max:,} characters.", code="note_too_long"
        )
    return body


def add_note(ctx: Ctx, owner: Member, other: Person, body: str) -> ContactNote:
    body = _note_body(ctx, body)
    contact = contact_for_editing(ctx, owner, other)
    now = ctx.clock.now()
    note = ContactNote(contact_id=contact.id, body=body, created_at=now, updated_at=now)
    ctx.session.add(note)
    ctx.session.flush()
    return note


def get_note(ctx: Ctx, owner: Member, note_id: int) -> ContactNote:
    row = ctx.session.execute(
        select(ContactNote)
        .join(Contact, Contact.id == ContactNote.contact_id)
        .where(ContactNote.id == note_id, Contact.owner_id == owner.id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("There is no such note.", code="note_not_found")
    return row


def update_note(ctx: Ctx, owner: Member, note_id: int, body: str) -> ContactNote:
    note = get_note(ctx, owner, note_id)
    note.body = _note_body(ctx, body)
    note.updated_at = ctx.clock.now()
    ctx.session.flush()
    return note


def delete_note(ctx: Ctx, owner: Member, note_id: int) -> None:
    ctx.session.delete(get_note(ctx, owner, note_id))
    ctx.session.flush()


@dataclass
class ContactView:
    other: Member
    connection: Connection | None
    contact: Contact | None
    notes: list[ContactNote]
    cadence_days: int | None
    cadence_source: str
    due_at: datetime | None

    @property
    def tags(self) -> list[Tag]:
        return list(self.contact.tags) if self.contact else []

    @property
    def tier(self) -> Tier | None:
        return self.contact.tier if self.contact else None


def _effective_cadence(
    own: int | None, tier: int | None, tags: Sequence[int | None]
) -> tuple[int | None, str]:
    if own is not None:
        return own, "person"
    options = [(tier, "tier")] if tier is not None else []
    options += [(t, "tag") for t in tags if t is not None]
    if not options:
        return None, ""
    days, source = min(options, key=lambda o: o[0] or 0)
    return days, source


def notes_of(ctx: Ctx, contact: Contact) -> list[ContactNote]:
    return list(
        ctx.session.scalars(
            select(ContactNote)
            .where(ContactNote.contact_id == contact.id)
            .order_by(ContactNote.created_at.desc(), ContactNote.id.desc())
        )
    )


def cadence_of(contact: Contact) -> tuple[int | None, str]:
    return _effective_cadence(
        contact.cadence_days,
        contact.tier.cadence_days if contact.tier else None,
        [t.cadence_days for t in contact.tags],
    )


def contact_view(ctx: Ctx, owner: Member, other: Member) -> ContactView:
    """Everything the owner keeps about ``other`` (only the owner ever calls this for
    themself: the owner is the signed-in member)."""
    if owner.id == other.id:
        raise NotFound("You keep no private notes about yourself.", code="not_connected")
    connection = connection_between(ctx.session, owner.id, other.id)
    contact = find_contact(ctx, owner.id, other.id)
    if connection is None and contact is None:
        raise NotFound(f"You are not connected to {other.name}.", code="not_connected")
    notes: list[ContactNote] = []
    cadence: int | None = None
    source = ""
    due_at = None
    if contact is not None:
        notes = notes_of(ctx, contact)
        cadence, source = cadence_of(contact)
        if cadence is not None and connection is not None:
            base = contact.last_interaction_at or connection.created_at
            due_at = base + timedelta(days=cadence)
    return ContactView(other, connection, contact, notes, cadence, source, due_at)


def require_known(ctx: Ctx, owner: Member, other: Person) -> None:
    """``not_connected`` for a member who is neither a connection nor someone the owner
    kept a record about (a private contact, once resolved, is the owner's)."""
    if isinstance(other, Member):
        contact_view(ctx, owner, other)
