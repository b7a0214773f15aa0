"""People you may know: candidates from the network engine (2nd degree, by shared
connections) joined with attribute candidates (overlapping tenure at a company,
overlapping years at a school, shared groups, same industry and location), one scoring
function,
and a reason for every suggestion. See docs/search.md.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import CompoundSelect, Integer, and_, bindparam, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from kith.connections.queries import block_exists, expiry_cutoff, reads_pending_to_sender
from kith.connections.service import policy_refusal
from kith.errors import Invalid
from kith.graph import service as graph
from kith.members.service import MAX_POSITIONS, view_member
from kith.models import (
    OPEN_STATUSES,
    Education,
    Group,
    GroupMember,
    Invitation,
    Member,
    Position,
    SuggestionSeen,
)
from kith.models.types import UTCDateTime
from kith.uow import Ctx

ATTRIBUTE_CANDIDATES = 150  # per source: company, school, place

# The scoring function (docs/search.md): every term is explainable in one sentence.
MUTUAL_WEIGHT = 2.0  # x log2(1 + shared connections)
COMPANY_POINTS = 2.0  # worked at the same company at the same time
SCHOOL_POINTS = 1.5  # studied at the same school in the same years
OVERLAP_YEAR_POINTS = 0.25  # per year of overlap, up to OVERLAP_YEARS_COUNTED
OVERLAP_YEARS_COUNTED = 4
PLACE_POINTS = 1.0  # same industry and same location
GROUP_POINTS = 1.25  # members of the same group (its smallest shared group named)


@dataclass
class _Overlap:
    name: str
    start: int  # first year of the overlap
    end: int | None  # last year; None = still together
    months: int

    @property
    def years(self) -> float:
        return self.months / 12


@dataclass
class _Candidate:
    member_id: int
    mutual: int = 0
    company: _Overlap | None = None
    school: _Overlap | None = None
    place: bool = False
    group: str | None = None  # a group both belong to


@dataclass(frozen=True)
class Suggestion:
    member: Member
    badge: graph.Badge
    score: float
    reasons: list[str]  # the first explains the suggestion best
    shared: list[Member] = field(default_factory=list)  # shared connections shown


def score(
    mutual: int,
    company_years: float | None = None,
    school_years: float | None = None,
    same_place: bool = False,
    shared_group: bool = False,
) -> float:
    """The one scoring function of people you may know.

    ``2 x log2(1 + mutual)`` for shared connections (diminishing: the 10th shared
    connection adds less than the 2nd); ``2 + 0.25 per overlapping year (up to 4)``
    for an overlapping tenure at a company; ``1.5 + 0.25 per year (up to 4)`` for
    overlapping years at a school; ``1`` for the same industry and location;
    ``1.25`` for a group both belong to.
    """
    points = MUTUAL_WEIGHT * math.log2(1 + max(0, mutual))
    if company_years is not None:
        points += COMPANY_POINTS + OVERLAP_YEAR_POINTS * min(company_years, OVERLAP_YEARS_COUNTED)
    if school_years is not None:
        points += SCHOOL_POINTS + OVERLAP_YEAR_POINTS * min(school_years, OVERLAP_YEARS_COUNTED)
    if same_place:
        points += PLACE_POINTS
    if shared_group:
        points += GROUP_POINTS
    return round(points, 4)


def _hidden(ctx: Ctx, viewer: Member) -> set[int]:
    """Members never suggested: invitations open either way (the viewer's own as long as
    they read pending to the viewer, so an ignored and a declined one look alike),
    members the viewer said they don't know, those the viewer withdrew an invitation
    from within the cooldown, dismissed suggestions and faded ones."""
    now = ctx.clock.now()
    cutoff = expiry_cutoff(now, ctx.settings.invitation_expiry_days)
    cooldown = now - timedelta(days=ctx.settings.withdraw_cooldown_days)
    rows = ctx.session.execute(
        select(Invitation.sender_id, Invitation.recipient_id).where(
            or_(Invitation.sender_id == viewer.id, Invitation.recipient_id == viewer.id),
            or_(
                and_(Invitation.sender_id == viewer.id, reads_pending_to_sender(cutoff)),
                and_(
                    Invitation.recipient_id == viewer.id,
                    Invitation.status.in_(OPEN_STATUSES),
                    Invitation.created_at > cutoff,
                ),
                and_(
                    Invitation.recipient_id == viewer.id,
                    Invitation.reported_at.is_not(None),
                ),
                and_(Invitation.sender_id == viewer.id, Invitation.withdrawn_at > cooldown),
            ),
        )
    ).all()
    hidden = {s if s != viewer.id else r for s, r in rows}
    hidden.update(
        ctx.session.scalars(
            select(SuggestionSeen.member_id).where(
                SuggestionSeen.viewer_id == viewer.id,
                or_(
                    SuggestionSeen.dismissed_at.is_not(None),
                    SuggestionSeen.shown >= ctx.settings.suggestion_fade_after,
                ),
            )
        )
    )
    return hidden


def _months(year: int, month: int | None, *, end: bool) -> int:
    return year * 12 + ((month or (12 if end else 1)) - 1)


@functools.lru_cache(maxsize=MAX_POSITIONS)
def _colleagues_statement(positions: int) -> CompoundSelect[Any]:
    """Per position ``i`` of the viewer (parameters ``company_i``, ``start_i``,
    ``last_i``, and ``viewer``): the colleagues still there (newest first), then
    those who left during it (latest leavers first), each bounded and read in index
    order (ix_positions_company_end), however large the company. Built once per
    number of positions: the statement is the same for every viewer."""
    columns = (
        Position.member_id,
        Position.company_id,
        Position.start_year,
        Position.start_month,
        Position.end_year,
        Position.end_month,
    )
    viewer = bindparam("viewer", type_=Integer)
    parts = []
    for i in range(positions):
        company = bindparam(f"company_{i}", type_=Integer)
        start = bindparam(f"start_{i}", type_=Integer)
        last = bindparam(f"last_{i}", type_=Integer)
        at = (Position.company_id == company, Position.member_id != viewer)
        parts.append(
            select(*columns)
            .where(*at, Position.end_year.is_(None), Position.start_year <= last)
            .order_by(Position.start_year.desc())
            .limit(ATTRIBUTE_CANDIDATES)
            .subquery()
        )
        parts.append(
            select(*columns)
            .where(*at, Position.end_year >= start, Position.start_year <= last)
            .order_by(Position.end_year.desc())
            .limit(ATTRIBUTE_CANDIDATES)
            .subquery()
        )
    return union_all(*(select(part) for part in parts))


def _company_overlaps(ctx: Ctx, viewer: Member, now: datetime) -> dict[int, _Overlap]:
    """Members whose tenure at one of the viewer's companies overlapped the viewer's
    (months, not just the same name); the longest overlap per member."""
    mine = list(viewer.positions)
    if not mine:
        return {}
    today = now.year * 12 + now.month - 1
    params: dict[str, int] = {"viewer": viewer.id}
    for i, p in enumerate(mine):
        params[f"company_{i}"] = p.company_id
        params[f"start_{i}"] = p.start_year
        params[f"last_{i}"] = p.end_year or now.year
    rows = ctx.session.execute(_colleagues_statement(len(mine)), params).all()
    names = {p.company_id: p.company.name for p in mine}
    # (company, first month, last month, current) of each of the viewer's positions
    spans: dict[int, list[tuple[int, int, bool]]] = {}
    for p in mine:
        spans.setdefault(p.company_id, []).append(
            (
                _months(p.start_year, p.start_month, end=False),
                today if p.end_year is None else _months(p.end_year, p.end_month, end=True),
                p.end_year is None,
            )
        )
    best: dict[int, _Overlap] = {}
    for member_id, company_id, sy, sm, ey, em in rows:
        start = _months(sy, sm, end=False)
        end = today if ey is None else _months(ey, em, end=True)
        for our_start, our_end, current in spans.get(company_id, ()):
            lo, hi = max(our_start, start), min(our_end, end)
            if lo > hi:
                continue
            both_current = ey is None and current
            overlap = _Overlap(
                names[company_id], lo // 12, None if both_current else hi // 12, hi - lo + 1
            )
            if member_id not in best or overlap.months > best[member_id].months:
                best[member_id] = overlap
    return best


def _years(start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is None and end is None:
        return None
    if start is None:
        return (end, end) if end is not None else None
    return (start, end if end is not None else start)


def _school_overlaps(ctx: Ctx, viewer: Member) -> dict[int, _Overlap]:
    """Members who were at one of the viewer's schools in overlapping years."""
    mine: list[tuple[Education, tuple[int, int]]] = []
    for e in viewer.education:
        span = _years(e.start_year, e.end_year)
        if span is not None:
            mine.append((e, span))
    if not mine:
        return {}
    conds = []
    for e, (s, t) in mine:
        conds.append(
            and_(
                Education.school_id == e.school_id,
                or_(Education.start_year.is_(None), Education.start_year <= t),
                or_(Education.end_year.is_(None), Education.end_year >= s),
            )
        )
    rows = ctx.session.execute(
        select(Education.member_id, Education.school_id, Education.start_year, Education.end_year)
        .where(Education.member_id != viewer.id, or_(*conds))
        .order_by(Education.end_year.desc())
        .limit(ATTRIBUTE_CANDIDATES * 2)
    ).all()
    names = {e.school_id: e.school.name for e, _ in mine}
    best: dict[int, _Overlap] = {}
    for member_id, school_id, sy, ey in rows:
        theirs = _years(sy, ey)
        if theirs is None:
            continue
        for e, ours in mine:
            if e.school_id != school_id:
                continue
            lo, hi = max(ours[0], theirs[0]), min(ours[1], theirs[1])
            if lo > hi:
                continue
            overlap = _Overlap(names[school_id], lo, hi, (hi - lo + 1) * 12)
            if member_id not in best or overlap.months > best[member_id].months:
                best[member_id] = overlap
    return best


def _same_place(ctx: Ctx, viewer: Member) -> list[int]:
    if not viewer.location or not viewer.industry:
        return []
    return list(
        ctx.session.scalars(
            select(Member.id)
            .where(
                Member.industry == viewer.industry,
                Member.location == viewer.location,
                Member.id != viewer.id,
                Member.is_active.is_(True),
            )
            .order_by(Member.id.desc())
            .limit(ATTRIBUTE_CANDIDATES)
        )
    )


#: Groups read by one statement in :func:`_group_fellows` (SQLite allows 500 terms in
#: a compound select).
GROUPS_PER_STATEMENT = 50


def _group_fellows(ctx: Ctx, viewer: Member) -> dict[int, str]:
    """Members of the viewer's groups, the smallest groups first (a shared group of
    twelve says more than one of fifty thousand), newest members first in each, until
    ATTRIBUTE_CANDIDATES rows are in hand. Each group is read from its newest members
    down on the (group, status, joined) index, at most the rows still wanted, all of
    them in one statement (a union of one limited read per group; past
    GROUPS_PER_STATEMENT groups, one statement per that many). Joining the viewer's
    groups to all their members and sorting them read every member of a large group:
    23 ms for a group of 45,000 on PostgreSQL."""
    groups = ctx.session.execute(
        select(Group.id, Group.name)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.member_id == viewer.id, GroupMember.status == "member")
        .order_by(Group.member_count, Group.id)
    ).all()
    found: dict[int, str] = {}
    room = ATTRIBUTE_CANDIDATES
    for first in range(0, len(groups), GROUPS_PER_STATEMENT):
        chunk = groups[first : first + GROUPS_PER_STATEMENT]
        rows = ctx.session.execute(_newest_fellows([g for g, _ in chunk], viewer.id, room))
        for place, member_id in rows:
            found.setdefault(member_id, chunk[place][1])
            room -= 1
        if room <= 0:
            break
    return found


def _newest_fellows(group_ids: list[int], viewer_id: int, room: int) -> Any:
    """SQL: (the group's place in ``group_ids``, member) for each group's newest
    ``room`` members but the viewer, in the groups' order, newest first in each."""
    reads = []
    for place, group_id in enumerate(group_ids):
        newest = (
            select(literal(place).label("place"), GroupMember.member_id, GroupMember.joined_at)
            .where(
                GroupMember.group_id == group_id,
                GroupMember.status == "member",
                GroupMember.member_id != viewer_id,
            )
            .order_by(GroupMember.joined_at.desc())
            .limit(room)
            .subquery()
        )
        reads.append(select(newest.c.place, newest.c.member_id, newest.c.joined_at))
    both = union_all(*reads).subquery()
    return (
        select(both.c.place, both.c.member_id)
        .order_by(both.c.place, both.c.joined_at.desc())
        .limit(room)
    )


def _span(o: _Overlap, *, present: str, past: str) -> str:
    if o.end is None:
        return f"You both {present} at {o.name} (since {o.start})"
    years = str(o.start) if o.start == o.end else f"{o.start}–{o.end}"
    return f"You both {past} at {o.name} {years}"


def _reasons(c: _Candidate, shared: list[Member], viewer: Member, member: Member) -> list[str]:
    reasons: list[tuple[float, str]] = []
    if c.mutual:
        text = f"{c.mutual} shared connection{'s' if c.mutual != 1 else ''}"
        if shared:
            text += f", including {shared[0].name}"
        reasons.append((score(c.mutual), text))
    if c.company is not None:
        reasons.append((score(0, c.company.years), _span(c.company, present="work", past="worked")))
    if c.school is not None:
        reasons.append(
            (score(0, None, c.school.years), _span(c.school, present="study", past="studied"))
        )
    if c.place:
        reasons.append((PLACE_POINTS, f"Also in {member.industry}, {member.location}"))
    if c.group is not None:
        reasons.append((GROUP_POINTS, f"You are both members of {c.group}"))
    reasons.sort(key=lambda r: -r[0])
    return [text for _, text in reasons]


def people_you_may_know(
    ctx: Ctx, viewer: Member, *, limit: int | None = None, record: bool = True
) -> list[Suggestion]:
    """Suggestions for ``viewer``, best first, each explaining itself.

    Never suggests: oneself, a connection, a member with an open invitation either
    way, a member blocked either way or deactivated, a dismissed or faded
    suggestion, or a member whose invitation setting would refuse the viewer.
    ``record`` counts this as one showing of each suggestion returned.
    """
    limit = ctx.settings.suggestion_count if limit is None else limit
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 suggestions.", code="invalid_page")
    now = ctx.clock.now()
    hidden = _hidden(ctx, viewer)
    connected = set(graph.neighbors(ctx, viewer.id).tolist())
    candidates: dict[int, _Candidate] = {}
    for member_id, mutual in graph.suggestions(
        ctx, viewer, exclude=hidden, limit=ctx.settings.suggestion_candidates
    ):
        candidates[member_id] = _Candidate(member_id, mutual=mutual)
    skip = hidden | connected | {viewer.id}
    for member_id, overlap in _company_overlaps(ctx, viewer, now).items():
        if member_id not in skip:
            candidates.setdefault(member_id, _Candidate(member_id)).company = overlap
    for member_id, overlap in _school_overlaps(ctx, viewer).items():
        if member_id not in skip:
            candidates.setdefault(member_id, _Candidate(member_id)).school = overlap
    for member_id in _same_place(ctx, viewer):
        if member_id not in skip:
            candidates.setdefault(member_id, _Candidate(member_id)).place = True
    for member_id, group_name in _group_fellows(ctx, viewer).items():
        if member_id not in skip:
            candidates.setdefault(member_id, _Candidate(member_id)).group = group_name
    if not candidates:
        return []
    # Shared connections for the attribute candidates too (engine, vectorized).
    unknown = [i for i, c in candidates.items() if c.mutual == 0]
    if unknown:
        counts = graph.engine(ctx).mutual_counts(viewer.id, np.asarray(unknown, dtype=np.int64))
        for i, n in zip(unknown, counts.tolist(), strict=True):
            candidates[i].mutual = int(n)
    points = {
        c.member_id: score(
            c.mutual,
            c.company.years if c.company else None,
            c.school.years if c.school else None,
            c.place,
            c.group is not None,
        )
        for c in candidates.values()
    }
    scored = sorted(
        candidates.values(), key=lambda c: (-points[c.member_id], -c.mutual, c.member_id)
    )
    chosen: list[tuple[_Candidate, Member]] = []
    # Load in score order, a batch at a time, only members the viewer may see
    # (active, no block either way), until enough pass the invitation settings.
    for start in range(0, len(scored), limit * 2):
        batch = scored[start : start + limit * 2]
        members = {
            m.id: m
            for m in ctx.session.scalars(
                select(Member).where(
                    Member.id.in_([c.member_id for c in batch]),
                    Member.is_active.is_(True),
                    ~block_exists(viewer.id, Member.id),
                )
            )
        }
        batch = [c for c in batch if c.member_id in members]
        for c in batch:
            member = members[c.member_id]
            if policy_refusal(ctx, viewer, member, None, mutual=c.mutual) is None:
                chosen.append((c, member))
        if len(chosen) >= limit:
            break
    chosen = chosen[:limit]
    if not chosen:
        return []
    members_out = [m for _, m in chosen]
    found = graph.badges(ctx, viewer, [m.id for m in members_out])
    preview = graph.mutual_preview(ctx, viewer, members_out, per_member=3)
    out = []
    for c, member in chosen:
        shared = preview.get(member.id, [])
        out.append(
            Suggestion(
                member=member,
                badge=found[member.id],
                score=points[c.member_id],
                reasons=_reasons(c, shared, viewer, member),
                shared=shared,
            )
        )
    if record:
        _record_showing(ctx, viewer, [s.member.id for s in out], now)
    return out


@functools.cache
def _showing_statement(dialect_name: str) -> Any:
    """The upsert of one showing (parameters ``viewer``, ``member``, ``shown_at``,
    ``cutoff``), run for many rows at once."""
    seen = SuggestionSeen.__table__
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    shown_at = bindparam("shown_at", type_=UTCDateTime())
    stmt = dialect.insert(seen).values(
        viewer_id=bindparam("viewer"),
        member_id=bindparam("member"),
        shown=1,
        first_shown_at=shown_at,
        last_shown_at=shown_at,
    )
    return stmt.on_conflict_do_update(
        index_elements=[seen.c.viewer_id, seen.c.member_id],
        set_={"shown": seen.c.shown + 1, "last_shown_at": stmt.excluded.last_shown_at},
        where=or_(
            seen.c.last_shown_at.is_(None),
            seen.c.last_shown_at <= bindparam("cutoff", type_=UTCDateTime()),
        ),
    )


def _record_showing(ctx: Ctx, viewer: Member, member_ids: list[int], now: datetime) -> None:
    """One more showing of each (at most one per ``suggestion_impression_minutes``):
    one cached upsert, executed for all the rows at once."""
    if not member_ids:
        return
    ctx.session.flush()
    cutoff = now - timedelta(minutes=ctx.settings.suggestion_impression_minutes)
    rows = [
        {"viewer": viewer.id, "member": member_id, "shown_at": now, "cutoff": cutoff}
        for member_id in member_ids
    ]
    ctx.session.execute(_showing_statement(ctx.session.get_bind().dialect.name), rows)
    # rows of suggestions_seen already in the session now read from the database again
    for obj in list(ctx.session.identity_map.values()):
        if isinstance(obj, SuggestionSeen):
            ctx.session.expire(obj)


def dismiss(ctx: Ctx, viewer: Member, handle: str) -> Member:
    """Never suggest this member again."""
    member = view_member(ctx, viewer, handle)
    if member.id == viewer.id:
        raise Invalid("You are never suggested to yourself.", code="self_dismiss")
    row = ctx.session.get(SuggestionSeen, {"viewer_id": viewer.id, "member_id": member.id})
    now = ctx.clock.now()
    if row is None:
        ctx.session.add(
            SuggestionSeen(viewer_id=viewer.id, member_id=member.id, shown=0, dismissed_at=now)
        )
    elif row.dismissed_at is None:
        row.dismissed_at = now
    ctx.session.flush()
    return member
