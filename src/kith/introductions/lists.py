"""What each member reads of introductions: their lists, who can introduce them to
someone, how an intermediary knows each side, and the year's introductions.

The rules of what may be seen are those of :mod:`kith.introductions.service`; this
module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from kith.connections.queries import block_exists, connection_between
from kith.connections.service import needs_email
from kith.graph import service as graph
from kith.introductions.rules import IR, no_block_among_three, opted_out
from kith.introductions.service import open_request_to
from kith.models import Connection, Contact, IntroductionRequest, Member, Tier
from kith.pagination import Page, PageRequest, paginate_rows
from kith.posts.feed_ties import ties
from kith.uow import Ctx

_LOADED = (
    selectinload(IR.requester),
    selectinload(IR.intermediary),
    selectinload(IR.target),
    selectinload(IR.final_target),
)


def _connected(a: Any, b: Any) -> ColumnElement[bool]:
    return exists().where(
        or_(
            and_(Connection.member_lo_id == a, Connection.member_hi_id == b),
            and_(Connection.member_lo_id == b, Connection.member_hi_id == a),
        )
    )


def whole() -> ColumnElement[bool]:
    """SQL: the three members are active and there is no block between two of them
    (the rule of :func:`kith.introductions.rules.ended`, for lists)."""
    active = [aliased(Member) for _ in range(3)]
    columns = (IR.requester_id, IR.intermediary_id, IR.target_id)
    alive = [
        exists().where(m.id == c, m.is_active.is_(True))
        for m, c in zip(active, columns, strict=True)
    ]
    return and_(*alive, no_block_among_three())


def _page(ctx: Ctx, stmt, req: PageRequest) -> Page[IntroductionRequest]:  # type: ignore[no-untyped-def]
    rows, total = paginate_rows(ctx.session, stmt.options(*_LOADED), req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def made(ctx: Ctx, requester: Member, req: PageRequest) -> Page[IntroductionRequest]:
    """Every request the member made, newest first (each reads as
    :func:`~kith.introductions.service.requester_status` says)."""
    stmt = (
        select(IR)
        .where(IR.requester_id == requester.id)
        .order_by(IR.created_at.desc(), IR.id.desc())
    )
    return _page(ctx, stmt, req)


def asked(ctx: Ctx, intermediary: Member, req: PageRequest) -> Page[IntroductionRequest]:
    """Requests made of the member, newest first, without the ended ones: waiting ones
    only while they are connected to both sides."""
    still_connected = or_(
        IR.forwarded_at.is_not(None),
        and_(
            _connected(IR.intermediary_id, IR.requester_id),
            _connected(IR.intermediary_id, IR.target_id),
        ),
    )
    stmt = (
        select(IR)
        .where(
            IR.intermediary_id == intermediary.id,
            IR.status != "ended",
            ~block_exists(intermediary.id, IR.requester_id),
            ~block_exists(intermediary.id, IR.target_id),
            or_(IR.status != "pending", and_(whole(), still_connected)),
        )
        .order_by(IR.created_at.desc(), IR.id.desc())
    )
    return _page(ctx, stmt, req)


def received(ctx: Ctx, target: Member, req: PageRequest) -> Page[IntroductionRequest]:
    """Introductions forwarded to the member, newest first (never one before it was
    forwarded, nor one never delivered)."""
    stmt = (
        select(IR)
        .where(
            IR.target_id == target.id,
            IR.forwarded_at.is_not(None),
            IR.status.in_(("forwarded", "accepted", "ignored", "reported")),
            ~block_exists(target.id, IR.requester_id),
            ~block_exists(target.id, IR.intermediary_id),
            or_(IR.status != "forwarded", whole()),
        )
        .order_by(IR.forwarded_at.desc(), IR.id.desc())
    )
    return _page(ctx, stmt, req)


def thanks_due(ctx: Ctx, requester: Member) -> list[IntroductionRequest]:
    """Introductions that led to a connection whose intermediary the requester has not
    yet thanked (the prompt stays until dismissed); at most ten."""
    stmt = (
        select(IR)
        .where(IR.requester_id == requester.id, IR.status == "accepted", IR.thanked_at.is_(None))
        .order_by(IR.answered_at.desc())
        .limit(10)
        .options(*_LOADED)
    )
    return [r for r in ctx.session.scalars(stmt) if r.intermediary.is_active]


# -- asking: who can introduce me -----------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A connection of the requester who can introduce them to ``via`` (the target
    itself for a 2nd-degree member, the next member on the way for a 3rd-degree one)."""

    intermediary: Member
    via: Member
    tier: str | None
    last_interaction_at: datetime | None
    mutual: int


@dataclass(frozen=True)
class AskOptions:
    target: Member
    degree: int
    candidates: list[Candidate]
    declined: int  # members on the way who have turned introduction requests off
    open_request: IntroductionRequest | None
    email_required: bool


MAX_CANDIDATES = 20


def ask_options(ctx: Ctx, requester: Member, target: Member) -> AskOptions:
    """Who can introduce ``requester`` to ``target``: the first member of each of the
    engine's introduction paths, ranked by the requester's own relationship with them
    (tier, last interaction, shared connections), without those who take no requests."""
    badge = graph.badge(ctx, requester, target)
    degree = badge.degree or 0
    paths = []
    if degree in (2, 3):
        paths = graph.intro_paths(ctx, requester, target, limit=MAX_CANDIDATES * 3)
    firsts: dict[int, tuple[Member, Member]] = {}
    for path in paths:
        first = path.members[1]
        via = path.members[2] if degree == 3 else target
        firsts.setdefault(first.id, (first, via))
    off = opted_out(ctx, list(firsts))
    kept = {k: v for k, v in firsts.items() if k not in off}
    tie = ties(ctx, requester.id, list(kept))
    now = ctx.clock.now()

    def rank(item: tuple[Member, Member]) -> tuple[int, int, float, int, str]:
        t = tie[item[0].id]
        last = (now - t.last_interaction_at).total_seconds() if t.last_interaction_at else 1e12
        no_tier = 1 if t.tier_rank is None else 0
        return (no_tier, t.tier_rank or 0, last, -t.mutual, item[0].name.lower())

    ordered = sorted(kept.values(), key=rank)[:MAX_CANDIDATES]
    candidates = [
        Candidate(
            m,
            via,
            tie[m.id].tier,
            tie[m.id].last_interaction_at,
            tie[m.id].mutual,
        )
        for m, via in ordered
    ]
    return AskOptions(
        target=target,
        degree=degree,
        candidates=candidates,
        declined=len(off),
        open_request=open_request_to(ctx, requester, target.id),
        email_required=needs_email(ctx, requester, target),
    )


# -- the intermediary's context ---------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """How the intermediary knows one side, from their own records."""

    member: Member
    connected_at: datetime | None
    context: str
    how_we_met: str
    tier: str | None
    last_interaction_at: datetime | None


def sides(ctx: Ctx, intermediary: Member, request: IntroductionRequest) -> list[Side]:
    """The requester and the target as the intermediary knows them."""
    out = []
    for other in (request.requester, request.target):
        connection = connection_between(ctx.session, intermediary.id, other.id)
        row = ctx.session.execute(
            select(Contact.how_we_met, Contact.last_interaction_at, Tier.name)
            .outerjoin(Tier, Tier.id == Contact.tier_id)
            .where(Contact.owner_id == intermediary.id, Contact.other_id == other.id)
        ).first()
        out.append(
            Side(
                member=other,
                connected_at=connection.created_at if connection else None,
                context=connection.context if connection else "",
                how_we_met=row[0] if row else "",
                tier=row[2] if row else None,
                last_interaction_at=row[1] if row else None,
            )
        )
    return out


# -- insights ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A member's introductions in one year."""

    year: int
    made_for_others: int  # introductions they forwarded that led to a connection
    people_connected: int  # distinct members they brought together that way
    forwarded: int
    received: int  # connections they made through someone's introduction
    asked: int  # requests they made


def summary(ctx: Ctx, member: Member, year: int | None = None) -> Summary:
    year = year or ctx.clock.now().year
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    s = ctx.session
    made_rows = s.execute(
        select(IR.requester_id, IR.target_id).where(
            IR.intermediary_id == member.id,
            IR.status == "accepted",
            IR.answered_at >= start,
            IR.answered_at < end,
        )
    ).all()
    people = {m for row in made_rows for m in row}
    forwarded = s.scalar(
        select(func.count())
        .select_from(IR)
        .where(
            IR.intermediary_id == member.id,
            IR.forwarded_at >= start,
            IR.forwarded_at < end,
        )
    )
    got = s.scalar(
        select(func.count())
        .select_from(IR)
        .where(
            or_(IR.requester_id == member.id, IR.target_id == member.id),
            IR.status == "accepted",
            IR.answered_at >= start,
            IR.answered_at < end,
        )
    )
    asked_count = s.scalar(
        select(func.count())
        .select_from(IR)
        .where(IR.requester_id == member.id, IR.created_at >= start, IR.created_at < end)
    )
    return Summary(
        year=year,
        made_for_others=len(made_rows),
        people_connected=len(people),
        forwarded=int(forwarded or 0),
        received=int(got or 0),
        asked=int(asked_count or 0),
    )
