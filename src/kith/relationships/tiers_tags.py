"""The owner's tiers and tags (DESIGN "Relationship management"): the default tiers,
creating, renaming and deleting them, each with an optional keep-in-touch cadence, and
the tag-and-tier filter the lists share. Every lookup by id is filtered by the owner,
so another member's ids answer ``tier_not_found``/``tag_not_found``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from kith.errors import Conflict, Invalid, NotFound
from kith.members.service import entity_key
from kith.models import Contact, ContactTag, Member, Tag, Tier
from kith.relationships.queries import connected_ids
from kith.uow import Ctx

NAME_MAX = 60

CADENCE_MAX_DAYS = 3650


def default_tiers(ctx: Ctx) -> list[tuple[str, int | None]]:
    s = ctx.settings
    return [
        ("Inner circle", s.inner_circle_cadence_days),
        ("Industry experts", s.industry_experts_cadence_days),
        ("Casual acquaintances", None),
    ]


def valid_name(value: str, what: str, code: str) -> tuple[str, str]:
    name = " ".join((value or "").split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(f"A {what} name needs 1 to {NAME_MAX} characters.", code=code)
    return name, entity_key(name) or name.lower()


def valid_cadence(days: int | None) -> int | None:
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
    name, key = valid_name(name, "tier", "invalid_tier")
    cadence = valid_cadence(cadence_days)
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
    _, key = valid_name(name, "tier", "invalid_tier")
    for tier in list_tiers(ctx, owner):
        if tier.key == key:
            return tier
    return create_tier(ctx, owner, name)


UNSET: Any = object()


def update_tier(
    ctx: Ctx, owner: Member, tier_id: int, *, name: str | None = None, cadence_days: Any = UNSET
) -> Tier:
    """Rename a tier or change its cadence (``None`` = no reminders)."""
    tier = get_tier(ctx, owner, tier_id)
    if name is not None:
        name, key = valid_name(name, "tier", "invalid_tier")
        clash = ctx.session.scalar(
            select(Tier.id).where(Tier.owner_id == owner.id, Tier.key == key, Tier.id != tier.id)
        )
        if clash is not None:
            raise Conflict(f"You already have a tier named “{name}”.", code="tier_exists")
        tier.name, tier.key = name, key
    if cadence_days is not UNSET:
        tier.cadence_days = valid_cadence(cadence_days)
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
    name, key = valid_name(name, "tag", "invalid_tag")
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
    cadence = valid_cadence(cadence_days)
    _, key = valid_name(name, "tag", "invalid_tag")
    if ctx.session.scalar(select(Tag.id).where(Tag.owner_id == owner.id, Tag.key == key)):
        raise Conflict(f"You already have a tag named “{name.strip()}”.", code="tag_exists")
    tag = tag_named(ctx, owner, name)
    tag.cadence_days = cadence
    ctx.session.flush()
    return tag


def update_tag(
    ctx: Ctx, owner: Member, tag_id: int, *, name: str | None = None, cadence_days: Any = UNSET
) -> Tag:
    tag = get_tag(ctx, owner, tag_id)
    if name is not None:
        name, key = valid_name(name, "tag", "invalid_tag")
        clash = ctx.session.scalar(
            select(Tag.id).where(Tag.owner_id == owner.id, Tag.key == key, Tag.id != tag.id)
        )
        if clash is not None:
            raise Conflict(f"You already have a tag named “{name}”.", code="tag_exists")
        tag.name, tag.key = name, key
    if cadence_days is not UNSET:
        tag.cadence_days = valid_cadence(cadence_days)
    ctx.session.flush()
    return tag


def delete_tag(ctx: Ctx, owner: Member, tag_id: int) -> None:
    tag = get_tag(ctx, owner, tag_id)
    ctx.session.execute(delete(ContactTag).where(ContactTag.tag_id == tag.id))
    ctx.session.delete(tag)
    ctx.session.flush()


def with_tag_and_tier(ctx: Ctx, owner: Member, stmt: Any, flt: Any) -> Any:
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
