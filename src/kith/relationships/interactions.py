"""The interaction log with a person: meetings, calls and events the owner logs, and
one automatic entry a day for messages, comments and reactions on their posts; each
moves the person's last interaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from kith.errors import Conflict, Invalid, NotFound
from kith.models import Contact, Interaction, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.records import Person, contact_for_editing, existing_record, record_about
from kith.uow import Ctx

INTERACTION_NOTE_MAX = 1000
INTERACTION_KINDS = {
    "meeting": "Meeting",
    "call": "Call",
    "event": "Event",
    "introduction": "Introduction",
    "other": "Other",
}


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
    contact = record_about(ctx, owner_id, other_id)
    contact.last_message_at = when
    _automatic_entry(ctx, contact, when, "message")


def record_engagement_interaction(ctx: Ctx, owner_id: int, other_id: int, when: datetime) -> None:
    """The owner commented on or reacted to the other's post: the owner's last
    interaction moves, and the day's automatic entry counts it."""
    _automatic_entry(ctx, record_about(ctx, owner_id, other_id), when, "engagement")


def record_introduction_interaction(
    ctx: Ctx, owner_id: int, other_id: int, when: datetime, note: str
) -> None:
    """The owner introduced ``other_id`` to someone (or someone to them): an entry in
    the owner's log, saying so, that moves the last interaction."""
    contact = record_about(ctx, owner_id, other_id)
    ctx.session.add(
        Interaction(
            contact_id=contact.id,
            kind="introduction",
            note=note[:INTERACTION_NOTE_MAX],
            occurred_at=when,
            day=when.date(),
            automatic=False,
            count=1,
            created_at=when,
        )
    )
    _touch(contact, when)
    contact.snoozed_until = None
    ctx.session.flush()


def _automatic_entry(ctx: Ctx, contact: Contact, when: datetime, kind: str) -> None:
    """The one automatic entry of the day, created or counted up. Its kind is
    ``message``, ``engagement`` (comments and reactions), or ``mixed`` for a day with
    both. Callers hold the owner's member lock, so the day's entry is created once."""
    _touch(contact, when)
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
                kind=kind,
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
        entry.occurred_at = max(entry.occurred_at, when)
        if entry.kind != kind:
            entry.kind = "mixed"
    ctx.session.flush()


def interactions(ctx: Ctx, owner: Member, other: Person, req: PageRequest) -> Page[Interaction]:
    contact = existing_record(ctx, owner, other)
    if contact is None:
        return Page([], 0, req.page, req.per_page)
    stmt = (
        select(Interaction)
        .where(Interaction.contact_id == contact.id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)
