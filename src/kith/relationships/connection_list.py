"""My connections, organized: the owner's connections with their private data,
filtered by tag, tier, company, industry, location or name, and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import selectinload

from kith.errors import Invalid
from kith.models import Company, Connection, Contact, Member, Position
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.queries import contains_text
from kith.relationships.tiers_tags import with_tag_and_tier
from kith.uow import Ctx

ContactSort = Literal["name", "recent", "oldest", "last_interaction", "least_interaction"]
CONTACT_SORTS = ("name", "recent", "oldest", "last_interaction", "least_interaction")


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
    stmt = with_tag_and_tier(ctx, owner, stmt, flt)
    if flt.company.strip():
        stmt = stmt.where(
            select(Position.id)
            .join(Company, Company.id == Position.company_id)
            .where(
                Position.member_id == Member.id,
                Position.end_year.is_(None),
                contains_text(Company.name, flt.company),
            )
            .exists()
        )
    if flt.industry.strip():
        stmt = stmt.where(func.lower(Member.industry) == flt.industry.strip().lower())
    if flt.location.strip():
        stmt = stmt.where(contains_text(Member.location, flt.location))
    if flt.q.strip():
        stmt = stmt.where(
            or_(
                contains_text(Member.first_name + literal(" ") + Member.last_name, flt.q),
                contains_text(Member.headline, flt.q),
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
