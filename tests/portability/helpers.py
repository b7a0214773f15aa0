"""Private contacts for tests: rows as the LinkedIn import leaves them, with the owner's
tags, notes and interactions added directly."""

from __future__ import annotations

from datetime import date, datetime

from kith.db import Ctx
from kith.models import Contact, ContactNote, ContactTag, Interaction, Member
from kith.relationships.tiers_tags import tag_named


def private_contact(
    ctx: Ctx,
    owner: Member,
    name: str,
    *,
    email: str = "",
    company: str = "",
    title: str = "",
    connected: date | None = None,
) -> Contact:
    slug = "-".join(name.lower().split())
    contact = Contact(
        owner_id=owner.id,
        other_id=None,
        name=name,
        source="linkedin",
        source_key=f"linkedin:{slug}",
        url=f"https://www.linkedin.com/in/{slug}",
        email=email,
        company=company,
        title=title,
        connected_elsewhere_on=connected,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(contact)
    ctx.session.flush()
    return contact


def tag_private(ctx: Ctx, owner: Member, contact: Contact, name: str) -> None:
    tag = tag_named(ctx, owner, name)
    ctx.session.add(ContactTag(contact_id=contact.id, tag_id=tag.id))
    ctx.session.flush()


def note_private(ctx: Ctx, contact: Contact, body: str) -> None:
    now = ctx.clock.now()
    ctx.session.add(ContactNote(contact_id=contact.id, body=body, created_at=now, updated_at=now))
    ctx.session.flush()


def meet_private(ctx: Ctx, contact: Contact, when: datetime, note: str = "") -> None:
    ctx.session.add(
        Interaction(
            contact_id=contact.id,
            kind="meeting",
            note=note,
            occurred_at=when,
            day=when.date(),
            automatic=False,
            count=1,
            created_at=ctx.clock.now(),
        )
    )
    contact.last_interaction_at = when
    ctx.session.flush()
