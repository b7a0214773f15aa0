"""Private relationship management (DESIGN "Relationship management").

Everything here belongs to one owner and is seen by nobody else: tags, tiers,
notes, "how we met", the interaction log, keep-in-touch cadences, the
follow-up prompts after connecting, congratulation moments and pruning
suggestions. Every lookup by id is filtered by the owner, so another member's
ids answer ``*_not_found`` exactly like ids that do not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.types import NullType

from kith.clock import as_utc
from kith.connections.queries import (
    block_exists,
    blocked_between,
    connection_between,
    is_following,
)
from kith.connections.service import remove_connection
from kith.db import Ctx
from kith.errors import Conflict, Invalid, NotFound
from kith.graph.service import mutual_counts
from kith.members.service import entity_key
from kith.models import (
    Company,
    Connection,
    Contact,
    ContactNote,
    ContactTag,
    Education,
    FollowUp,
    Interaction,
    Invitation,
    Member,
    Position,
    School,
    Tag,
    Tier,
)
from kith.models.types import UTCDateTime
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.linking import forget_matches as forget_matches
from kith.relationships.linking import link_private_contacts as link_private_contacts
from kith.relationships.linking import match_new_member as match_new_member

NAME_MAX = 60
HOW_WE_MET_MAX = 500
CADENCE_MAX_DAYS = 3650
SNOOZE_MAX_DAYS = 365
INTERACTION_NOTE_MAX = 1000
INTERACTION_KINDS = {"meeting": "Meeting", "call": "Call", "event": "Event", "other": "Other"}
ContactSort = Literal["name", "recent", "oldest", "last_interaction", "least_interaction"]
CONTACT_SORTS = ("name", "recent", "oldest", "last_interaction", "least_interaction")
# Statements each list sends, whatever the size of the network (the tests and the
# benchmark assert them): the due list counts and reads one page in one statement;
# pruning reads the dormant connections, shared companies and schools, then one page.
DUE_QUERY_COUNT = 1
PRUNE_QUERY_COUNT = 4
CONTACT_NOT_FOUND = "There is no such contact."
# Whom the relationship tools work on: a member (one of the owner's connections) or one
# of the owner's private contacts (a Contact row without ``other_id``).
Person = Member | Contact


def default_tiers(ctx: Ctx) -> list[tuple[str, int | None]]:
    s = ctx.settings
    return [
        ("Inner circle", s.inner_circle_cadence_days),
        ("Industry experts", s.industry_experts_cadence_days),
        ("Casual acquaintances", None),
    ]


# -- Members in one's network -------------------------------------------------------------


def connected_ids(owner_id: int) -> Select[tuple[int]]:
    """SQL: the ids of ``owner_id``'s connections."""
    lo = select(Connection.member_hi_id.label("id")).where(Connection.member_lo_id == owner_id)
    hi = select(Connection.member_lo_id.label("id")).where(Connection.member_hi_id == owner_id)
    sub = union_all(lo, hi).subquery()
    return select(sub.c.id)


def _connection_join(owner_id: int, other: Any) -> Any:
    return or_(
        and_(Connection.member_lo_id == owner_id, Connection.member_hi_id == other),
        and_(Connection.member_hi_id == owner_id, Connection.member_lo_id == other),
    )


def _require_connection(ctx: Ctx, owner: Member, other: Member) -> Connection:
    connection = connection_between(ctx.session, owner.id, other.id)
    if connection is None or owner.id == other.id:
        raise NotFound(f"You are not connected to {other.name}.", code="not_connected")
    return connection


# -- Tiers and tags -------------------------------------------------------------------------


def _name(value: str, what: str, code: str) -> tuple[str, str]:
    name = " ".join((value or "").split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(f"A {what} name needs 1 to {NAME_MAX} characters.", code=code)
    return name, entity_key(name) or name.lower()


def _cadence(days: int | None) -> int | None:
    if days is None:
        return None
    if not 1 <= days <= CADENCE_MAX_DAYS:
        raise Invalid(
            f"A keep-in-touch cadence is between 1 and {CADENCE_MAX_DAYS} days (or none).",
            code="invalid_cadence",
        )
    return days


def ensure_default_tiers(ctx: Ctx, owner: Member) -> None:
    """Give ``owner`` the default tiers the first time they manage relationships."""
    has = ctx.session.scalar(select(Tier.id).where(Tier.owner_id == owner.id).limit(1))
    if has is not None:
        return
    now = ctx.clock.now()
    try:
        with ctx.session.begin_nested():
            for position, (name, cadence) in enumerate(default_tiers(ctx)):
                ctx.session.add(
                    Tier(
                        owner_id=owner.id,
                        name=name,
                        key=entity_key(name),
                        cadence_days=cadence,
                        position=position,
                        created_at=now,
                    )
                )
    except IntegrityError:
        pass  # created at the same moment by another request


def list_tiers(ctx: Ctx, owner: Member) -> list[Tier]:
    return list(
        ctx.session.scalars(
            select(Tier).where(Tier.owner_id == owner.id).order_by(Tier.position, Tier.id)
        )
    )


def tier_counts(ctx: Ctx, owner: Member) -> dict[int, int]:
    rows = ctx.session.execute(
        select(Contact.tier_id, func.count())
        .where(Contact.owner_id == owner.id, Contact.tier_id.is_not(None))
        .where(Contact.other_id.in_(connected_ids(owner.id)))
        .group_by(Contact.tier_id)
    )
    return {int(t): int(n) for t, n in rows if t is not None}


def get_tier(ctx: Ctx, owner: Member, tier_id: int) -> Tier:
    tier = ctx.session.get(Tier, tier_id)
    if tier is None or tier.owner_id != owner.id:
        raise NotFound("There is no such tier.", code="tier_not_found")
    return tier


def create_tier(ctx: Ctx, owner: Member, name: str, cadence_days: int | None = None) -> Tier:
    ensure_default_tiers(ctx, owner)
    name, key = _name(name, "tier", "invalid_tier")
    cadence = _cadence(cadence_days)
    tiers = list_tiers(ctx, owner)
    if any(t.key == key for t in tiers):
        raise Conflict(f"You already have a tier named “{name}”.", code="tier_exists")
    if len(tiers) >= ctx.settings.max_tiers:
        raise Invalid(f"You can have at most {ctx.settings.max_tiers} tiers.", code="tier_limit")
    tier = Tier(
        owner_id=owner.id,
        name=name,
        key=key,
        cadence_days=cadence,
        position=max((t.position for t in tiers), default=-1) + 1,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(tier)
    ctx.session.flush()
    return tier


def tier_named(ctx: Ctx, owner: Member, name: str) -> Tier:
    """The owner's tier with this name (as tiers are compared), created if missing."""
    ensure_default_tiers(ctx, owner)
    _, key = _name(name, "tier", "invalid_tier")
    for tier in list_tiers(ctx, owner):
        if tier.key == key:
            return tier
    return create_tier(ctx, owner, name)


_UNSET: Any = object()


def update_tier(
    ctx: Ctx, owner: Member, tier_id: int, *, name: str | None = None, cadence_days: Any = _UNSET
) -> Tier:
    """Rename a tier or change its cadence (``None`` = no reminders)."""
    tier = get_tier(ctx, owner, tier_id)
    if name is not None:
        name, key = _name(name, "tier", "invalid_tier")
        clash = ctx.session.scalar(
            select(Tier.id).where(Tier.owner_id == owner.id, Tier.key == key, Tier.id != tier.id)
        )
        if clash is not None:
            raise Conflict(f"You already have a tier named “{name}”.", code="tier_exists")
        tier.name, tier.key = name, key
    if cadence_days is not _UNSET:
        tier.cadence_days = _cadence(cadence_days)
    ctx.session.flush()
    return tier


def delete_tier(ctx: Ctx, owner: Member, tier_id: int) -> None:
    """Delete a tier; the people in it keep their tags and notes and have no tier."""
    tier = get_tier(ctx, owner, tier_id)
    ctx.session.execute(
        update(Contact)
        .where(Contact.owner_id == owner.id, Contact.tier_id == tier.id)
        .values(tier_id=None)
    )
    ctx.session.delete(tier)
    ctx.session.flush()


def list_tags(ctx: Ctx, owner: Member) -> list[tuple[Tag, int]]:
    """The owner's tags by name, each with how many connections carry it."""
    used = (
        select(ContactTag.tag_id, func.count().label("n"))
        .join(Contact, Contact.id == ContactTag.contact_id)
        .where(Contact.owner_id == owner.id, Contact.other_id.in_(connected_ids(owner.id)))
        .group_by(ContactTag.tag_id)
        .subquery()
    )
    rows = ctx.session.execute(
        select(Tag, func.coalesce(used.c.n, 0))
        .outerjoin(used, used.c.tag_id == Tag.id)
        .where(Tag.owner_id == owner.id)
        .order_by(Tag.key)
    )
    return [(t, int(n)) for t, n in rows]


def get_tag(ctx: Ctx, owner: Member, tag_id: int) -> Tag:
    tag = ctx.session.get(Tag, tag_id)
    if tag is None or tag.owner_id != owner.id:
        raise NotFound("There is no such tag.", code="tag_not_found")
    return tag


def tag_named(ctx: Ctx, owner: Member, name: str, *, create: bool = True) -> Tag:
    """The owner's tag with this name, created if missing."""
    name, key = _name(name, "tag", "invalid_tag")
    tag = ctx.session.scalar(select(Tag).where(Tag.owner_id == owner.id, Tag.key == key))
    if tag is not None:
        return tag
    if not create:
        raise NotFound(f"You have no tag “{name}”.", code="tag_not_found")
    count = ctx.session.scalar(select(func.count()).where(Tag.owner_id == owner.id)) or 0
    if count >= ctx.settings.max_tags:
        raise Invalid(f"You can have at most {ctx.settings.max_tags} tags.", code="tag_limit")
    tag = Tag(owner_id=owner.id, name=name, key=key, created_at=ctx.clock.now())
    ctx.session.add(tag)
    ctx.session.flush()
    return tag


def create_tag(ctx: Ctx, owner: Member, name: str, cadence_days: int | None = None) -> Tag:
    cadence = _cadence(cadence_days)
    _, key = _name(name, "tag", "invalid_tag")
    if ctx.session.scalar(select(Tag.id).where(Tag.owner_id == owner.id, Tag.key == key)):
        raise Conflict(f"You already have a tag named “{name.strip()}”.", code="tag_exists")
    tag = tag_named(ctx, owner, name)
    tag.cadence_days = cadence
    ctx.session.flush()
    return tag


def update_tag(
    ctx: Ctx, owner: Member, tag_id: int, *, name: str | None = None, cadence_days: Any = _UNSET
) -> Tag:
    tag = get_tag(ctx, owner, tag_id)
    if name is not None:
        name, key = _name(name, "tag", "invalid_tag")
        clash = ctx.session.scalar(
            select(Tag.id).where(Tag.owner_id == owner.id, Tag.key == key, Tag.id != tag.id)
        )
        if clash is not None:
            raise Conflict(f"You already have a tag named “{name}”.", code="tag_exists")
        tag.name, tag.key = name, key
    if cadence_days is not _UNSET:
        tag.cadence_days = _cadence(cadence_days)
    ctx.session.flush()
    return tag


def delete_tag(ctx: Ctx, owner: Member, tag_id: int) -> None:
    tag = get_tag(ctx, owner, tag_id)
    ctx.session.execute(delete(ContactTag).where(ContactTag.tag_id == tag.id))
    ctx.session.delete(tag)
    ctx.session.flush()


# -- One contact ----------------------------------------------------------------------------


def find_contact(ctx: Ctx, owner_id: int, other_id: int) -> Contact | None:
    return ctx.session.scalar(
        select(Contact).where(Contact.owner_id == owner_id, Contact.other_id == other_id)
    )


def _contact(ctx: Ctx, owner_id: int, other_id: int) -> Contact:
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
    _require_connection(ctx, owner, other)
    ensure_default_tiers(ctx, owner)
    return _contact(ctx, owner.id, other.id)


def _existing(ctx: Ctx, owner: Member, other: Person) -> Contact | None:
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
    contact.cadence_days = _cadence(days)
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
    contact = _existing(ctx, owner, other)
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


def _touch(contact: Contact, when: datetime) -> None:
    if contact.last_interaction_at is None or contact.last_interaction_at < when:
        contact.last_interaction_at = when


def log_interaction(
    ctx: Ctx,
    owner: Member,
    other: Person,
    kind: str,
    *,
    occurred_at: datetime | None = None,
    note: str = "",
) -> Interaction:
    """Log a meeting, call or event with a connection or a private contact (now, or
    on a past date)."""
    if kind not in INTERACTION_KINDS:
        raise Invalid(
            "Log a meeting, a call, an event or something else ("
            + ", ".join(INTERACTION_KINDS)
            + ").",
            code="invalid_interaction",
        )
    now = ctx.clock.now()
    when = occurred_at or now
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when > now + timedelta(minutes=5):
        raise Invalid("An interaction can't be in the future.", code="invalid_interaction")
    note = (note or "").strip()
    if len(note) > INTERACTION_NOTE_MAX:
        raise Invalid(
            f"Describe it in at most {INTERACTION_NOTE_MAX:,} characters.",
            code="invalid_interaction",
        )
    contact = contact_for_editing(ctx, owner, other)
    interaction = Interaction(
        contact_id=contact.id,
        kind=kind,
        note=note,
        occurred_at=when,
        day=when.date(),
        automatic=False,
        count=1,
        created_at=now,
    )
    ctx.session.add(interaction)
    _touch(contact, when)
    contact.snoozed_until = None
    ctx.session.flush()
    return interaction


def get_interaction(ctx: Ctx, owner: Member, interaction_id: int) -> Interaction:
    row = ctx.session.execute(
        select(Interaction)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Interaction.id == interaction_id, Contact.owner_id == owner.id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("There is no such interaction.", code="interaction_not_found")
    return row


def delete_interaction(ctx: Ctx, owner: Member, interaction_id: int) -> None:
    """Delete a logged interaction (automatic message entries can't be deleted)."""
    interaction = get_interaction(ctx, owner, interaction_id)
    if interaction.automatic:
        raise Conflict(
            "Message entries come from your conversation and can't be deleted.",
            code="interaction_automatic",
        )
    contact = ctx.session.get_one(Contact, interaction.contact_id)
    ctx.session.delete(interaction)
    ctx.session.flush()
    latest = ctx.session.scalar(
        select(func.max(Interaction.occurred_at)).where(Interaction.contact_id == contact.id)
    )
    contact.last_interaction_at = latest
    ctx.session.flush()


def record_message_interaction(ctx: Ctx, owner_id: int, other_id: int, when: datetime) -> None:
    """A message between the two: the owner's last interaction moves, and the log gets
    (or counts up) one automatic entry for the day."""
    contact = _contact(ctx, owner_id, other_id)
    _touch(contact, when)
    contact.last_message_at = when
    contact.snoozed_until = None
    day = when.date()
    entry = ctx.session.scalar(
        select(Interaction).where(
            Interaction.contact_id == contact.id,
            Interaction.automatic.is_(True),
            Interaction.day == day,
        )
    )
    if entry is None:
        ctx.session.add(
            Interaction(
                contact_id=contact.id,
                kind="message",
                note="",
                occurred_at=when,
                day=day,
                automatic=True,
                count=1,
                created_at=when,
            )
        )
    else:
        entry.count += 1
        entry.occurred_at = when
    ctx.session.flush()


def interactions(ctx: Ctx, owner: Member, other: Person, req: PageRequest) -> Page[Interaction]:
    contact = _existing(ctx, owner, other)
    if contact is None:
        return Page([], 0, req.page, req.per_page)
    stmt = (
        select(Interaction)
        .where(Interaction.contact_id == contact.id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


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


def _notes(ctx: Ctx, contact: Contact) -> list[ContactNote]:
    return list(
        ctx.session.scalars(
            select(ContactNote)
            .where(ContactNote.contact_id == contact.id)
            .order_by(ContactNote.created_at.desc(), ContactNote.id.desc())
        )
    )


def _cadence_of(contact: Contact) -> tuple[int | None, str]:
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
        notes = _notes(ctx, contact)
        cadence, source = _cadence_of(contact)
        if cadence is not None and connection is not None:
            base = contact.last_interaction_at or connection.created_at
            due_at = base + timedelta(days=cadence)
    return ContactView(other, connection, contact, notes, cadence, source, due_at)


# -- Private contacts -----------------------------------------------------------------------
# People the owner knows from elsewhere (an imported LinkedIn export, or added by hand):
# a Contact row with ``other_id`` NULL. The same tools work on them (tier, tags, notes,
# how we met, cadence, snooze, the interaction log), addressed by the contact's id.

CONTACT_FIELDS_MAX = {"name": 200, "email": 320, "company": 200, "title": 200, "url": 500}
PRIVATE_SORTS = ("name", "recent", "oldest", "last_interaction", "least_interaction")


def fold_email(value: str) -> str:
    """How a private contact's email address is stored: trimmed and in lower case, so
    that matching a new member's address is one lookup in ``ix_contacts_email``."""
    return (value or "").strip().lower()


def _clean_field(value: str | None, what: str) -> str:
    text = " ".join((value or "").split())
    limit = CONTACT_FIELDS_MAX[what]
    if len(text) > limit:
        raise Invalid(
            f"A contact's {what} can be at most {limit} characters.", code="invalid_contact"
        )
    return text


def _clean_name(value: str | None) -> str:
    name = _clean_field(value, "name")
    if not name:
        raise Invalid("A contact needs a name.", code="invalid_contact")
    return name


def _clean_email(value: str | None) -> str:
    email = fold_email(value or "")
    if not email:
        return ""
    if len(email) > CONTACT_FIELDS_MAX["email"]:
        raise Invalid("That email address is too long.", code="invalid_email")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(f"That is not a valid email address: {exc}", code="invalid_email") from exc
    return email


def _clean_url(value: str | None) -> str:
    url = _clean_field(value, "url")
    if url and not url.lower().startswith(("https://", "http://")):
        raise Invalid("A contact's URL starts with https:// or http://.", code="invalid_contact")
    return url


def get_private_contact(ctx: Ctx, owner: Member, contact_id: int) -> Contact:
    """One of the owner's private contacts; anyone else's id (or a contact that has
    become a connection's record) is ``contact_not_found``."""
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.owner_id != owner.id or contact.other_id is not None:
        raise NotFound(CONTACT_NOT_FOUND, code="contact_not_found")
    return contact


def private_contacts(ctx: Ctx, owner: Member, contact_ids: Sequence[int]) -> list[Contact]:
    """Several of the owner's private contacts (for bulk actions): all of them, or
    ``contact_not_found`` if any id is not one."""
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        raise Invalid("Choose at least one contact.", code="nothing_selected")
    found = {
        c.id: c
        for c in ctx.session.scalars(
            select(Contact).where(
                Contact.id.in_(ids), Contact.owner_id == owner.id, Contact.other_id.is_(None)
            )
        )
    }
    if len(found) != len(ids):
        raise NotFound(CONTACT_NOT_FOUND, code="contact_not_found")
    return [found[i] for i in ids]


def create_private_contact(
    ctx: Ctx,
    owner: Member,
    *,
    name: str,
    email: str = "",
    company: str = "",
    title: str = "",
    url: str = "",
) -> Contact:
    """Add someone the owner knows from elsewhere, by hand (``source`` "")."""
    contact = Contact(
        owner_id=owner.id,
        other_id=None,
        name=_clean_name(name),
        email=_clean_email(email),
        company=_clean_field(company, "company"),
        title=_clean_field(title, "title"),
        url=_clean_url(url),
        source="",
        source_key=f"manual:{uuid.uuid4().hex}",
        created_at=ctx.clock.now(),
    )
    ensure_default_tiers(ctx, owner)
    ctx.session.add(contact)
    ctx.session.flush()
    return contact


def update_private_contact(
    ctx: Ctx,
    owner: Member,
    contact_id: int,
    *,
    name: str | None = None,
    email: str | None = None,
    company: str | None = None,
    title: str | None = None,
) -> Contact:
    """Correct who a private contact is (``None`` leaves a field as it is). A changed
    email address undoes a match that was made by the old one."""
    contact = get_private_contact(ctx, owner, contact_id)
    if name is not None:
        contact.name = _clean_name(name)
    if email is not None:
        folded = _clean_email(email)
        if folded != contact.email and contact.match == "email":
            contact.matched_member_id, contact.match = None, None
        contact.email = folded
    if company is not None:
        contact.company = _clean_field(company, "company")
    if title is not None:
        contact.title = _clean_field(title, "title")
    ctx.session.flush()
    return contact


def delete_private_contact(ctx: Ctx, owner: Member, contact_id: int) -> None:
    """Forget a private contact with its tags, notes and interactions."""
    contact = get_private_contact(ctx, owner, contact_id)
    ctx.session.execute(delete(ContactTag).where(ContactTag.contact_id == contact.id))
    ctx.session.execute(delete(ContactNote).where(ContactNote.contact_id == contact.id))
    ctx.session.execute(delete(Interaction).where(Interaction.contact_id == contact.id))
    ctx.session.expire(contact, ["tags"])
    ctx.session.delete(contact)
    ctx.session.flush()


@dataclass
class PrivateContactView:
    contact: Contact
    notes: list[ContactNote]
    cadence_days: int | None
    cadence_source: str
    due_at: datetime | None
    on_kith: Member | None  # the member they were recognised as, if the owner may see them

    @property
    def tags(self) -> list[Tag]:
        return list(self.contact.tags)

    @property
    def tier(self) -> Tier | None:
        return self.contact.tier


def _visible_match(ctx: Ctx, owner: Member, contact: Contact) -> Member | None:
    if contact.matched_member_id is None or contact.matched_member_id == owner.id:
        return None
    member = ctx.session.get(Member, contact.matched_member_id)
    if member is None or not member.is_active:
        return None
    if blocked_between(ctx.session, owner.id, member.id):
        return None
    return member


def private_contact_view(ctx: Ctx, owner: Member, contact_id: int) -> PrivateContactView:
    """Everything the owner keeps about one private contact."""
    contact = get_private_contact(ctx, owner, contact_id)
    cadence, source = _cadence_of(contact)
    due_at = None
    if cadence is not None:
        due_at = (contact.last_interaction_at or contact.created_at) + timedelta(days=cadence)
    return PrivateContactView(
        contact=contact,
        notes=_notes(ctx, contact),
        cadence_days=cadence,
        cadence_source=source,
        due_at=due_at,
        on_kith=_visible_match(ctx, owner, contact),
    )


@dataclass
class PrivateContactFilter:
    tag_id: int | None = None
    tier_id: int | None = None
    company: str = ""
    q: str = ""
    on_kith: bool = False  # only those recognised as members
    sort: str = "name"


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` holds ``text`` ignoring case; ``%`` and ``_`` typed are literal."""
    cond: ColumnElement[bool] = func.lower(column).contains(
        text.strip().lower()[:100], autoescape=True
    )
    return cond


def _by_tag_and_tier(ctx: Ctx, owner: Member, stmt: Any, flt: Any) -> Any:
    """Keep the owner's contacts with ``flt.tag_id`` and in ``flt.tier_id`` (either may
    be None); another owner's tag or tier is ``*_not_found``."""
    if flt.tag_id is not None:
        tag = get_tag(ctx, owner, flt.tag_id)
        stmt = stmt.where(
            select(ContactTag.contact_id)
            .where(ContactTag.contact_id == Contact.id, ContactTag.tag_id == tag.id)
            .exists()
        )
    if flt.tier_id is not None:
        stmt = stmt.where(Contact.tier_id == get_tier(ctx, owner, flt.tier_id).id)
    return stmt


def list_private_contacts(
    ctx: Ctx, owner: Member, flt: PrivateContactFilter, req: PageRequest
) -> Page[Contact]:
    """The owner's private contacts: filter by tag, tier, company, words in the name
    (or email), recognised on Kith; sort by name, date added or last interaction."""
    if flt.sort not in PRIVATE_SORTS:
        raise Invalid(
            "Sort by name, recent, oldest, last_interaction or least_interaction.",
            code="invalid_sort",
        )
    stmt = (
        select(Contact)
        .where(Contact.owner_id == owner.id, Contact.other_id.is_(None))
        .options(selectinload(Contact.tags), selectinload(Contact.tier))
    )
    stmt = _by_tag_and_tier(ctx, owner, stmt, flt)
    if flt.company.strip():
        stmt = stmt.where(_contains(Contact.company, flt.company))
    if flt.q.strip():
        stmt = stmt.where(or_(_contains(Contact.name, flt.q), _contains(Contact.email, flt.q)))
    if flt.on_kith:
        stmt = stmt.where(Contact.matched_member_id.is_not(None))
    never = Contact.last_interaction_at.is_(None)
    order = {
        "name": (func.lower(Contact.name), Contact.id),
        "recent": (Contact.created_at.desc(), Contact.id.desc()),
        "oldest": (Contact.created_at.asc(), Contact.id),
        "last_interaction": (never.asc(), Contact.last_interaction_at.desc(), Contact.id),
        "least_interaction": (never.desc(), Contact.last_interaction_at.asc(), Contact.id),
    }[flt.sort]
    rows, total = paginate_rows(ctx.session, stmt.order_by(*order), req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


# -- Keep in touch --------------------------------------------------------------------------


@dataclass
class DueEntry:
    """Someone due to reconnect: a connection (``member``) or a private contact
    (``member`` is None; ``contact_id``, ``name``, ``email``, ``company`` and ``title``
    say who). ``connected_at`` is when the clock first started: the connection date,
    or when the private contact was added."""

    member: Member | None
    connected_at: datetime
    last_interaction_at: datetime | None
    cadence_days: int
    due_at: datetime
    overdue_days: int
    tier: str | None = None
    contact_id: int | None = None
    name: str = ""
    email: str = ""
    company: str = ""
    title: str = ""

    @property
    def kind(self) -> Literal["member", "contact"]:
        return "member" if self.member is not None else "contact"

    @property
    def display_name(self) -> str:
        return self.member.name if self.member is not None else self.name


def _tag_cadences(owner_id: int) -> Any:
    return (
        select(
            ContactTag.contact_id.label("contact_id"),
            func.min(Tag.cadence_days).label("cadence"),
        )
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Tag.owner_id == owner_id, Tag.cadence_days.is_not(None))
        .group_by(ContactTag.contact_id)
        .subquery()
    )


def _owner_connections(owner_id: int) -> Any:
    """SQL: (other, connected_at) for each of ``owner_id``'s connections; each half of
    the union uses one of the pair indexes."""
    lo = select(
        Connection.member_hi_id.label("other"), Connection.created_at.label("connected_at")
    ).where(Connection.member_lo_id == owner_id)
    hi = select(
        Connection.member_lo_id.label("other"), Connection.created_at.label("connected_at")
    ).where(Connection.member_hi_id == owner_id)
    return union_all(lo, hi).subquery("mine")


def _silent_since(mine: Any) -> Any:
    """SQL: when the owner last interacted with a connection, else when they connected."""
    return func.coalesce(Contact.last_interaction_at, mine.c.connected_at)


@dataclass(frozen=True)
class InteractionCounts:
    connections: int  # active connections
    recent: int  # interacted with within the recent window
    dormant: int  # silent for ``dormant_days`` (the pruning rule)


def interaction_counts(ctx: Ctx, owner: Member, *, recent_days: int) -> InteractionCounts:
    """How many of ``owner``'s connections they interacted with in the last
    ``recent_days``, and how many are dormant as pruning defines it. One statement."""
    now = ctx.clock.now()
    mine = _owner_connections(owner.id)
    silent_since = _silent_since(mine)
    recent_cut = now - timedelta(days=recent_days)
    dormant_cut = now - timedelta(days=ctx.settings.dormant_days)
    row = ctx.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((Contact.last_interaction_at >= recent_cut, 1), else_=0)), 0
            ),
            func.coalesce(func.sum(case((silent_since <= dormant_cut, 1), else_=0)), 0),
        )
        .select_from(mine)
        .join(Member, Member.id == mine.c.other)
        .outerjoin(Contact, and_(Contact.owner_id == owner.id, Contact.other_id == Member.id))
        .where(Member.is_active.is_(True))
    ).one()
    return InteractionCounts(int(row[0]), int(row[1]), int(row[2]))


def _least(a: Any, b: Any) -> Any:
    """SQL: the smaller of two nullable integers, ignoring nulls."""
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def _plus_days(ctx: Ctx, when: Any, days: Any) -> Any:
    """SQL: ``when`` + ``days`` days, comparable with :func:`_instant` on both backends."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return func.julianday(when) + days
    return when + func.make_interval(0, 0, 0, days)


def _instant(ctx: Ctx, when: datetime) -> Any:
    if ctx.session.get_bind().dialect.name == "sqlite":
        naive = when.astimezone(UTC).replace(tzinfo=None)
        return func.julianday(literal(naive.isoformat(sep=" ")))
    return literal(when, UTCDateTime())


def due_to_reconnect(ctx: Ctx, owner: Member, req: PageRequest) -> Page[DueEntry]:
    """Connections and private contacts whose keep-in-touch cadence has run out, most
    overdue first.

    The cadence in force is the person's own, else the shortest of their tier's and
    their tags'; it runs from the last interaction (or the connection date; for a
    private contact, the day they were added). Filtered, ordered, counted (a window
    count) and paginated in the database: one statement at any size.
    """
    now = ctx.clock.now()
    tags = _tag_cadences(owner.id)
    mine = _owner_connections(owner.id)
    started = func.coalesce(mine.c.connected_at, Contact.created_at)
    since = func.coalesce(Contact.last_interaction_at, started)
    # Each contact's figures once (a materialized CTE), then the due rule on top. A
    # member's contact counts while they are a connection; a private contact always.
    base = (
        select(
            Contact.id.label("contact_id"),
            Contact.other_id.label("other_id"),
            Contact.last_interaction_at.label("last"),
            type_coerce(since, UTCDateTime()).label("since"),
            type_coerce(started, UTCDateTime()).label("connected"),
            Contact.cadence_days.label("own"),
            Tier.cadence_days.label("tier_cadence"),
            Tier.name.label("tier"),
            tags.c.cadence.label("tag_cadence"),
            Contact.name.label("name"),
            Contact.email.label("email"),
            Contact.company.label("company"),
            Contact.title.label("title"),
        )
        .select_from(Contact)
        .outerjoin(mine, mine.c.other == Contact.other_id)
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .outerjoin(tags, tags.c.contact_id == Contact.id)
        .where(
            Contact.owner_id == owner.id,
            or_(mine.c.other.is_not(None), Contact.other_id.is_(None)),
            or_(Contact.snoozed_until.is_(None), Contact.snoozed_until <= now),
        )
        .cte("due_base")
        .prefix_with("MATERIALIZED")
    )
    cadence = func.coalesce(base.c.own, _least(base.c.tier_cadence, base.c.tag_cadence))
    due_at = _plus_days(ctx, base.c.since, cadence)
    where = (
        or_(base.c.other_id.is_(None), Member.is_active.is_(True)),
        cadence.is_not(None),
        due_at <= _instant(ctx, now),
    )
    private_last = case((base.c.other_id.is_(None), 1), else_=0)
    stmt = (
        select(
            Member,
            base.c.last,
            base.c.since,
            cadence,
            base.c.tier,
            func.count().over().label("total"),
            base.c.connected,
            base.c.contact_id,
            base.c.name,
            base.c.email,
            base.c.company,
            base.c.title,
        )
        .select_from(base)
        .outerjoin(Member, Member.id == base.c.other_id)
        .where(*where)
        .order_by(due_at, private_last, Member.id, base.c.contact_id)
        .limit(req.per_page)
        .offset(req.offset)
    )
    rows = ctx.session.execute(stmt).all()
    if rows:
        total = int(rows[0][5])
    elif req.page > 1:  # past the end: count separately
        total = int(
            ctx.session.scalar(
                select(func.count())
                .select_from(base)
                .outerjoin(Member, Member.id == base.c.other_id)
                .where(*where)
            )
            or 0
        )
    else:
        total = 0
    items = []
    for row in rows:
        member, last, since_at, days, tier, _total, connected_at = row[:7]
        contact_id, name, email, company, title = row[7:]
        due = as_utc(since_at) + timedelta(days=int(days))
        items.append(
            DueEntry(
                member=member,
                connected_at=as_utc(connected_at),
                last_interaction_at=None if last is None else as_utc(last),
                cadence_days=int(days),
                due_at=due,
                overdue_days=(now - due).days,
                tier=tier,
                contact_id=int(contact_id),
                name=name if member is None else "",
                email=email if member is None else "",
                company=company if member is None else "",
                title=title if member is None else "",
            )
        )
    return Page(items, total, req.page, req.per_page)


@dataclass
class FollowUpEntry:
    follow_up: FollowUp
    other: Member
    note: str
    context: str
    invited_by_you: bool


def follow_ups(ctx: Ctx, owner: Member, *, limit: int = 20) -> list[FollowUpEntry]:
    """New connections to thank or follow up with, newest first, with the invitation's
    note and context; each prompt lasts ``follow_up_days`` or until you write."""
    since = ctx.clock.now() - timedelta(days=ctx.settings.follow_up_days)
    rows = ctx.session.execute(
        select(FollowUp, Invitation)
        .outerjoin(Invitation, Invitation.id == FollowUp.invitation_id)
        .join(Member, Member.id == FollowUp.other_id)
        .join(Connection, _connection_join(owner.id, FollowUp.other_id))
        .where(
            FollowUp.owner_id == owner.id,
            FollowUp.closed_at.is_(None),
            FollowUp.created_at > since,
            Member.is_active.is_(True),
            ~block_exists(owner.id, FollowUp.other_id),
        )
        .options(selectinload(FollowUp.other))
        .order_by(FollowUp.created_at.desc(), FollowUp.id.desc())
        .limit(limit)
    ).all()
    return [
        FollowUpEntry(
            follow_up=f,
            other=f.other,
            note=inv.note if inv else "",
            context=inv.context if inv else "",
            invited_by_you=f.invited_by_owner,
        )
        for f, inv in rows
    ]


def follow_up_with(ctx: Ctx, owner: Member, other: Member) -> FollowUpEntry | None:
    for entry in follow_ups(ctx, owner, limit=100):
        if entry.other.id == other.id:
            return entry
    return None


def dismiss_follow_up(ctx: Ctx, owner: Member, follow_up_id: int) -> FollowUp:
    follow_up = ctx.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.owner_id != owner.id:
        raise NotFound("There is no such follow-up.", code="follow_up_not_found")
    if follow_up.closed_at is None:
        follow_up.closed_at = ctx.clock.now()
        follow_up.outcome = "dismissed"
        ctx.session.flush()
    return follow_up


# -- Moments --------------------------------------------------------------------------------


@dataclass
class Moment:
    member: Member
    kind: Literal["anniversary", "new_position"]
    title: str
    company: str
    years: int
    started: date

    @property
    def suggestion(self) -> str:
        if self.kind == "anniversary":
            plural = "year" if self.years == 1 else "years"
            return (
                f"Congratulations on {self.years} {plural} at {self.company}, "
                f"{self.member.first_name}!"
            )
        return f"Congratulations on your new role as {self.title} at {self.company}!"


def moments(ctx: Ctx, owner: Member, *, limit: int = 50) -> list[Moment]:
    """Work anniversaries this month and positions started in the last
    ``new_position_days`` among one's connections, from their profile dates."""
    now = ctx.clock.now()
    recent = (now - timedelta(days=ctx.settings.new_position_days)).date()
    stmt = (
        select(Position, Member, Company.name)
        .join(Member, Member.id == Position.member_id)
        .join(Company, Company.id == Position.company_id)
        .where(
            Position.member_id.in_(connected_ids(owner.id)),
            Position.end_year.is_(None),
            Member.is_active.is_(True),
            or_(
                and_(Position.start_month == now.month, Position.start_year < now.year),
                Position.start_year >= recent.year,
            ),
        )
    )
    found: list[Moment] = []
    for position, member, company in ctx.session.execute(stmt):
        started = date(position.start_year, position.start_month or 1, 1)
        if started >= date(recent.year, recent.month, 1) and started <= now.date():
            found.append(Moment(member, "new_position", position.title, company, 0, started))
        elif position.start_month == now.month and position.start_year < now.year:
            years = now.year - position.start_year
            found.append(Moment(member, "anniversary", position.title, company, years, started))
    found.sort(key=lambda m: (m.kind != "new_position", -m.started.toordinal(), m.member.id))
    return found[:limit]


# -- Pruning --------------------------------------------------------------------------------


@dataclass
class PruneCandidate:
    member_id: int
    name: str
    handle: str
    headline: str
    connected_at: datetime
    last_interaction_at: datetime | None
    mutual: int
    shared: list[str]
    messaged: bool
    reasons: list[str] = field(default_factory=list)


def _months(delta: timedelta) -> int:
    return max(1, int(delta.days // 30.44))


def prune_suggestions(ctx: Ctx, owner: Member, req: PageRequest) -> Page[PruneCandidate]:
    """Dormant connections (no interaction for ``dormant_days``), weakest first: fewest
    shared companies/schools/industry, fewest mutual connections (from the network
    engine), never messaged, longest silent. Each says why.

    Four statements at any size: the dormant connections, shared companies, shared
    schools, and the members on the requested page.
    """
    now = ctx.clock.now()
    cutoff = now - timedelta(days=ctx.settings.dormant_days)
    mine = _owner_connections(owner.id)
    silent_since = _silent_since(mine)
    stmt = (
        select(
            Member.id,
            Member.industry,
            # Raw, unconverted: only a sort key (all datetimes, or all ISO strings).
            type_coerce(silent_since, NullType()),
            Contact.last_message_at.is_not(None),
        )
        .select_from(mine)
        .join(Member, Member.id == mine.c.other)
        .outerjoin(Contact, and_(Contact.owner_id == owner.id, Contact.other_id == Member.id))
        .where(Member.is_active.is_(True), silent_since <= cutoff)
    )
    rows = ctx.session.execute(stmt).all()
    if not rows:
        return Page([], 0, req.page, req.per_page)
    ids = [int(r[0]) for r in rows]
    mutual = mutual_counts(ctx, owner, ids)
    dormant = select(mine.c.other)
    company_rows = ctx.session.execute(
        select(Position.member_id, func.min(Company.name))
        .join(Company, Company.id == Position.company_id)
        .where(
            Position.member_id.in_(dormant),
            Position.company_id.in_(
                select(Position.company_id).where(Position.member_id == owner.id)
            ),
        )
        .group_by(Position.member_id)
    )
    companies = {int(m): str(n) for m, n in company_rows}
    school_rows = ctx.session.execute(
        select(Education.member_id, func.min(School.name))
        .join(School, School.id == Education.school_id)
        .where(
            Education.member_id.in_(dormant),
            Education.school_id.in_(
                select(Education.school_id).where(Education.member_id == owner.id)
            ),
        )
        .group_by(Education.member_id)
    )
    schools = {int(m): str(n) for m, n in school_rows}
    industry = owner.industry

    def shared_with(mid: int, their_industry: str) -> list[str]:
        shared = []
        if mid in companies:
            shared.append(f"Both worked at {companies[mid]}")
        if mid in schools:
            shared.append(f"Both studied at {schools[mid]}")
        if industry and their_industry == industry:
            shared.append(f"Both in {industry}")
        return shared

    ranked = sorted(
        (
            (
                (mid in companies) + (mid in schools) + bool(industry and ind == industry),
                mutual.get(mid, 0),
                bool(messaged),
                since,
                mid,
                ind,
            )
            for mid, ind, since, messaged in rows
        )
    )
    window = ranked[req.offset : req.offset + req.per_page]
    page_rows = ctx.session.execute(
        select(Member, mine.c.connected_at, Contact.last_interaction_at)
        .select_from(mine)
        .join(Member, Member.id == mine.c.other)
        .outerjoin(Contact, and_(Contact.owner_id == owner.id, Contact.other_id == Member.id))
        .where(Member.id.in_([w[4] for w in window]))
    ).all()
    details = {row[0].id: (row[0], row[1], row[2]) for row in page_rows}
    items = []
    for _, m, messaged, _since, mid, ind in window:
        member, connected, last_at = details[mid]
        connected = as_utc(connected)
        reasons = []
        if last_at is None:
            reasons.append(
                f"No interaction since you connected {_months(now - connected)} months ago"
            )
        else:
            reasons.append(f"No interaction for {_months(now - last_at)} months")
        if m == 0:
            reasons.append("No shared connections")
        elif m < 5:
            reasons.append(f"Only {m} shared connection{'s' if m != 1 else ''}")
        else:
            reasons.append(f"{m} shared connections")
        shared = shared_with(mid, ind)
        if not shared:
            reasons.append("No shared company, school or industry")
        if not messaged:
            reasons.append("You have never messaged each other")
        items.append(
            PruneCandidate(
                member_id=mid,
                name=member.name,
                handle=member.handle,
                headline=member.headline,
                connected_at=connected,
                last_interaction_at=last_at,
                mutual=m,
                shared=shared,
                messaged=bool(messaged),
                reasons=reasons,
            )
        )
    return Page(items, len(ranked), req.page, req.per_page)


@dataclass
class RemovalPreview:
    member: Member
    connected_at: datetime
    you_follow: bool
    follows_you: bool

    @property
    def sentence(self) -> str:
        follows = []
        if self.you_follow:
            follows.append(f"you stop following {self.member.first_name}")
        if self.follows_you:
            follows.append(f"{self.member.first_name} stops following you")
        tail = f"; {' and '.join(follows)}" if follows else ""
        return (
            f"Your connection with {self.member.name} (since {self.connected_at:%d %b %Y}) "
            f"is removed{tail}; endorsements and recommendations between you are hidden."
        )


PRUNE_EXPLANATION = (
    "Removing a connection is silent: they are not told. The connection goes, the "
    "follows both ways go, and any endorsements and recommendations between you are "
    "hidden. Your private tags and notes about them stay with you."
)


def removal_preview(ctx: Ctx, owner: Member, others: Sequence[Member]) -> list[RemovalPreview]:
    """Exactly what removing these connections will do, for the confirmation."""
    if not others:
        raise Invalid("Choose at least one connection to remove.", code="nothing_selected")
    out = []
    for other in others:
        connection = _require_connection(ctx, owner, other)
        out.append(
            RemovalPreview(
                member=other,
                connected_at=connection.created_at,
                you_follow=is_following(ctx.session, owner.id, other.id),
                follows_you=is_following(ctx.session, other.id, owner.id),
            )
        )
    return out


def remove_connections(ctx: Ctx, owner: Member, others: Sequence[Member]) -> int:
    """Bulk removal: the one connection-removal rule, applied to each, in this unit of
    work (all or nothing)."""
    if not others:
        raise Invalid("Choose at least one connection to remove.", code="nothing_selected")
    seen: set[int] = set()
    for other in others:
        if other.id in seen:
            continue
        seen.add(other.id)
        remove_connection(ctx, owner, other)
    return len(seen)


# -- My connections, organized ---------------------------------------------------------------


@dataclass
class ContactRow:
    member: Member
    connected_at: datetime
    contact: Contact | None


@dataclass
class ContactFilter:
    tag_id: int | None = None
    tier_id: int | None = None
    company: str = ""
    industry: str = ""
    location: str = ""
    q: str = ""
    sort: str = "name"


def list_contacts(
    ctx: Ctx, owner: Member, flt: ContactFilter, req: PageRequest
) -> Page[ContactRow]:
    """One's connections with their private data: filter by tag, tier, company,
    industry, location or name; sort by name, connected date or last interaction."""
    if flt.sort not in CONTACT_SORTS:
        raise Invalid(
            "Sort by name, recent, oldest, last_interaction or least_interaction.",
            code="invalid_sort",
        )
    other_col = case(
        (Connection.member_lo_id == owner.id, Connection.member_hi_id),
        else_=Connection.member_lo_id,
    )
    stmt = (
        select(Member, Connection.created_at, Contact)
        .select_from(Connection)
        .join(Member, Member.id == other_col)
        .outerjoin(Contact, and_(Contact.owner_id == owner.id, Contact.other_id == Member.id))
        .where(
            or_(Connection.member_lo_id == owner.id, Connection.member_hi_id == owner.id),
            Member.is_active.is_(True),
        )
        .options(selectinload(Contact.tags), selectinload(Contact.tier))
    )
    stmt = _by_tag_and_tier(ctx, owner, stmt, flt)
    if flt.company.strip():
        stmt = stmt.where(
            select(Position.id)
            .join(Company, Company.id == Position.company_id)
            .where(
                Position.member_id == Member.id,
                Position.end_year.is_(None),
                _contains(Company.name, flt.company),
            )
            .exists()
        )
    if flt.industry.strip():
        stmt = stmt.where(func.lower(Member.industry) == flt.industry.strip().lower())
    if flt.location.strip():
        stmt = stmt.where(_contains(Member.location, flt.location))
    if flt.q.strip():
        stmt = stmt.where(
            or_(
                _contains(Member.first_name + literal(" ") + Member.last_name, flt.q),
                _contains(Member.headline, flt.q),
            )
        )
    never = Contact.last_interaction_at.is_(None)
    order = {
        "name": (func.lower(Member.last_name), func.lower(Member.first_name), Member.id),
        "recent": (Connection.created_at.desc(), Member.id),
        "oldest": (Connection.created_at.asc(), Member.id),
        "last_interaction": (never.asc(), Contact.last_interaction_at.desc(), Member.id),
        "least_interaction": (never.desc(), Contact.last_interaction_at.asc(), Member.id),
    }[flt.sort]
    stmt = stmt.order_by(*order)
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([ContactRow(r[0], r[1], r[2]) for r in rows], total, req.page, req.per_page)
