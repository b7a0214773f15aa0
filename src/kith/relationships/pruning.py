"""Pruning: dormant connections suggested for removal, weakest first, each with its
reasons; exactly what removing them does; and the bulk removal itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, type_coerce
from sqlalchemy.types import NullType

from kith.clock import as_utc, day_text
from kith.connections.queries import is_following, lock_members
from kith.connections.service import remove_connection
from kith.endorsements.service import counts_between as endorsement_counts
from kith.errors import Invalid
from kith.graph.service import mutual_counts
from kith.models import Company, Contact, Education, Member, Position, School
from kith.pagination import Page, PageRequest
from kith.recommendations.visibility import between_counts
from kith.relationships.queries import owner_connections, require_connection, silent_since_expr
from kith.uow import Ctx

# Statements each list sends, whatever the size of the network (the tests and the
# benchmark assert them): the due list counts and reads one page in one statement;
# pruning reads the dormant connections, shared companies and schools, then one page.

PRUNE_QUERY_COUNT = 4


@dataclass(frozen=True)
class InteractionCounts:
    connections: int  # active connections
    recent: int  # interacted with within the recent window
    dormant: int  # silent for ``dormant_days`` (the pruning rule)


def interaction_counts(ctx: Ctx, owner: Member, *, recent_days: int) -> InteractionCounts:
    """How many of ``owner``'s connections they interacted with in the last
    ``recent_days``, and how many are dormant as pruning defines it. One statement."""
    now = ctx.clock.now()
    mine = owner_connections(owner.id)
    silent_since = silent_since_expr(mine)
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
    mine = owner_connections(owner.id)
    rows = _dormant(ctx, owner, mine, now - timedelta(days=ctx.settings.dormant_days))
    if not rows:
        return Page([], 0, req.page, req.per_page)
    mutual = mutual_counts(ctx, owner, [int(r[0]) for r in rows])
    common = _in_common(ctx, owner, mine)
    ranked = sorted(
        (common.score(mid, ind), mutual.get(mid, 0), bool(messaged), since, mid, ind)
        for mid, ind, since, messaged in rows
    )
    window = ranked[req.offset : req.offset + req.per_page]
    details = _page_details(ctx, owner, mine, [w[4] for w in window])
    items = []
    for _, m, messaged, _since, mid, ind in window:
        member, connected, last_at = details[mid]
        shared = common.shared_with(mid, ind)
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
                messaged=messaged,
                reasons=_reasons(
                    now - (last_at or connected), last_at is None, m, shared, messaged
                ),
            )
        )
    return Page(items, len(ranked), req.page, req.per_page)


def _dormant(ctx: Ctx, owner: Member, mine: Any, cutoff: datetime) -> list[Any]:
    """(member id, industry, silent since, ever messaged) for each connection silent
    since ``cutoff`` or longer."""
    silent_since = silent_since_expr(mine)
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
    return list(ctx.session.execute(stmt).all())


@dataclass
class _InCommon:
    """What the owner shares with their dormant connections: a company worked at, a
    school attended (by member id, one name each), the owner's industry."""

    companies: dict[int, str]
    schools: dict[int, str]
    industry: str

    def score(self, mid: int, their_industry: str) -> int:
        return len(self.shared_with(mid, their_industry))

    def shared_with(self, mid: int, their_industry: str) -> list[str]:
        shared = []
        if mid in self.companies:
            shared.append(f"Both worked at {self.companies[mid]}")
        if mid in self.schools:
            shared.append(f"Both studied at {self.schools[mid]}")
        if self.industry and their_industry == self.industry:
            shared.append(f"Both in {self.industry}")
        return shared


def _in_common(ctx: Ctx, owner: Member, mine: Any) -> _InCommon:
    """Shared companies and schools of the owner's connections (two statements)."""
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
    return _InCommon(
        companies={int(m): str(n) for m, n in company_rows},
        schools={int(m): str(n) for m, n in school_rows},
        industry=owner.industry,
    )


def _page_details(
    ctx: Ctx, owner: Member, mine: Any, ids: list[int]
) -> dict[int, tuple[Member, datetime, datetime | None]]:
    """The members on one page: each with when they connected and the last interaction."""
    rows = ctx.session.execute(
        select(Member, mine.c.connected_at, Contact.last_interaction_at)
        .select_from(mine)
        .join(Member, Member.id == mine.c.other)
        .outerjoin(Contact, and_(Contact.owner_id == owner.id, Contact.other_id == Member.id))
        .where(Member.id.in_(ids))
    ).all()
    return {member.id: (member, as_utc(connected), last) for member, connected, last in rows}


def _reasons(
    silent: timedelta, never: bool, mutual: int, shared: list[str], messaged: bool
) -> list[str]:
    """Why a dormant connection is suggested, in words."""
    if never:
        reasons = [f"No interaction since you connected {_months(silent)} months ago"]
    else:
        reasons = [f"No interaction for {_months(silent)} months"]
    if mutual == 0:
        reasons.append("No shared connections")
    elif mutual < 5:
        reasons.append(f"Only {mutual} shared connection{'s' if mutual != 1 else ''}")
    else:
        reasons.append(f"{mutual} shared connections")
    if not shared:
        reasons.append("No shared company, school or industry")
    if not messaged:
        reasons.append("You have never messaged each other")
    return reasons


@dataclass
class RemovalPreview:
    member: Member
    connected_at: datetime
    you_follow: bool
    follows_you: bool
    # Shown now between the two, both directions: hidden by the removal.
    endorsements: int = 0
    recommendations: int = 0

    @property
    def hidden_counts(self) -> str:
        """What the removal hides, counted: "2 endorsements and no recommendations"."""
        e, r = self.endorsements, self.recommendations
        return (
            f"{e or 'no'} endorsement{'' if e == 1 else 's'} and "
            f"{r or 'no'} recommendation{'' if r == 1 else 's'}"
        )

    @property
    def sentence(self) -> str:
        follows = []
        if self.you_follow:
            follows.append(f"you stop following {self.member.first_name}")
        if self.follows_you:
            follows.append(f"{self.member.first_name} stops following you")
        tail = f"; {' and '.join(follows)}" if follows else ""
        return (
            f"Your connection with {self.member.name} (since {day_text(self.connected_at)}) "
            f"is removed{tail}; {self.hidden_counts} between you are hidden."
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
    ids = [other.id for other in others]
    counted = endorsement_counts(ctx, owner.id, ids)
    recommendations = between_counts(ctx, owner.id, ids)
    for other in others:
        connection = require_connection(ctx, owner, other)
        out.append(
            RemovalPreview(
                member=other,
                connected_at=connection.created_at,
                you_follow=is_following(ctx.session, owner.id, other.id),
                follows_you=is_following(ctx.session, other.id, owner.id),
                endorsements=counted[other.id],
                recommendations=recommendations[other.id],
            )
        )
    return out


def remove_connections(ctx: Ctx, owner: Member, others: Sequence[Member]) -> int:
    """Bulk removal: the one connection-removal rule, applied to each, in this unit of
    work (all or nothing)."""
    if not others:
        raise Invalid("Choose at least one connection to remove.", code="nothing_selected")
    # Every row lock up front, in id order: taken pair by pair in the order chosen,
    # they could cross another action's locks and deadlock.
    lock_members(ctx.session, owner.id, *(other.id for other in others))
    seen: set[int] = set()
    for other in others:
        if other.id in seen:
            continue
        seen.add(other.id)
        remove_connection(ctx, owner, other)
    return len(seen)
