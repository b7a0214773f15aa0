"""Private contacts: people the owner knows from elsewhere (an imported LinkedIn
export, or added by hand), kept as a Contact row with ``other_id`` NULL. The record
actions (:mod:`kith.relationships.records`) work on them as on connections, addressed
by the contact's id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import selectinload

from kith.connections.queries import blocked_between
from kith.errors import Invalid, NotFound
from kith.models import Contact, ContactNote, ContactTag, Interaction, Member, Tag, Tier
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.queries import contains_text
from kith.relationships.records import CONTACT_NOT_FOUND, cadence_of, notes_of
from kith.relationships.tiers_tags import ensure_default_tiers, with_tag_and_tier
from kith.uow import Ctx

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
    cadence, source = cadence_of(contact)
    due_at = None
    if cadence is not None:
        due_at = (contact.last_interaction_at or contact.created_at) + timedelta(days=cadence)
    return PrivateContactView(
        contact=contact,
        notes=notes_of(ctx, contact),
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
    stmt = with_tag_and_tier(ctx, owner, stmt, flt)
    if flt.company.strip():
        stmt = stmt.where(contains_text(Contact.company, flt.company))
    if flt.q.strip():
        stmt = stmt.where(
            or_(contains_text(Contact.name, flt.q), contains_text(Contact.email, flt.q))
        )
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
