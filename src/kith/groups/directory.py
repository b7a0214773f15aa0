"""A group's members as one viewer sees them, and how many of the viewer's
connections are in each of a page of groups.

Both are computed with the network engine: the viewer's connections come from the
engine's neighbour list (sorted int32 ids), and a page of members gets its degree
badges and shared-connection counts in two vectorized engine calls
(:func:`kith.graph.service.badges`). The viewer's connections in the group come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from kith.graph.service import Badge, badges, engine, hidden_ids
from kith.groups.access import readable_group
from kith.idlists import id_in, id_probe
from kith.models import GroupMember, Member
from kith.names import fold_name
from kith.pagination import Page, PageRequest
from kith.uow import Ctx


@dataclass(frozen=True)
class MemberPage:
    """One page of a group's members: who, their role, and how the viewer is connected
    to each; ``connections`` is how many of the viewer's connections are in the group
    (among those matching the search)."""

    page: Page[Member]
    roles: dict[int, str]
    badges: dict[int, Badge]
    connections: int


def _like(text: str) -> str:
    escaped = fold_name(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def members(
    ctx: Ctx, viewer: Member, group_id: int, req: PageRequest, query: str = ""
) -> MemberPage:
    """The group's members the viewer may see: their connections first, then everyone
    else, each part in the order they joined. ``query`` keeps the members whose name
    holds it.

    The viewer's connections in the group are one indexed read of at most their
    connections (the engine's neighbour list, bound as one parameter); the others are
    read a page at a time in the order they joined, the connections left out."""
    group = readable_group(ctx, viewer, group_id)
    base = select(GroupMember.member_id).where(
        GroupMember.group_id == group.id, GroupMember.status == "member"
    )
    query = query.strip()
    named = select(Member.id)
    if query:
        named = select(Member.id).where(Member.name_key.like(_like(query), escape="\\"))
        base = base.where(GroupMember.member_id.in_(named))
    order = (GroupMember.joined_at, GroupMember.member_id)
    neighbors = engine(ctx).neighbors(viewer.id).tolist()
    mine: list[int] = []
    if neighbors:
        # Driven by the connections (the member index), not by the group's rows: a
        # group of 50,000 holds far more rows than anyone has connections. ``+ 0``
        # keeps the planner off the group index.
        theirs = select(GroupMember.member_id).where(
            (GroupMember.group_id + 0) == group.id,
            GroupMember.status == "member",
            id_probe(ctx, GroupMember.member_id, neighbors),
        )
        if query:
            theirs = theirs.where(GroupMember.member_id.in_(named))
        mine = list(ctx.session.scalars(theirs.order_by(*order)))
    hidden = hidden_ids(ctx, viewer.id).tolist()
    if query:
        found = ctx.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    else:
        found = group.member_count
    if hidden:
        here = base.where(GroupMember.member_id.in_(hidden))
        found -= ctx.session.scalar(select(func.count()).select_from(here.subquery())) or 0
    total = max(int(found), len(mine))
    chosen = mine[req.offset : req.offset + req.per_page]
    wanted = req.per_page - len(chosen)
    if wanted > 0:
        skip = max(0, req.offset - len(mine))
        others = base
        left_out = mine + hidden
        if left_out:
            others = others.where(~id_in(ctx, GroupMember.member_id, left_out))
        chosen += list(ctx.session.scalars(others.order_by(*order).limit(wanted).offset(skip)))
    found_members = {
        m.id: m for m in ctx.session.scalars(select(Member).where(Member.id.in_(chosen)))
    }
    shown = [found_members[i] for i in chosen if i in found_members and found_members[i].is_active]
    roles = dict(
        ctx.session.execute(
            select(GroupMember.member_id, GroupMember.role).where(
                GroupMember.group_id == group.id, GroupMember.member_id.in_(chosen)
            )
        ).all()
    )
    return MemberPage(
        page=Page(shown, total, req.page, req.per_page),
        roles=roles,
        badges=badges(ctx, viewer, [m.id for m in shown]),
        connections=len(mine),
    )


def connection_counts(ctx: Ctx, viewer: Member, group_ids: Sequence[int]) -> dict[int, int]:
    """ "12 of your connections are members", for a page of group cards: one grouped
    count over the groups' memberships of the viewer's connections (the engine's
    neighbour list, bound as one parameter, each id one probe of the member index)."""
    if not group_ids:
        return {}
    neighbors = engine(ctx).neighbors(viewer.id)
    out = dict.fromkeys(group_ids, 0)
    if not neighbors.size:
        return out
    stmt = (
        select(GroupMember.group_id, func.count())
        .where(
            # Driven by the connections (the member index), never by the groups' rows;
            # ``+ 0`` keeps the planner off the group index.
            (GroupMember.group_id + 0).in_(list(group_ids)),
            GroupMember.status == "member",
            id_probe(ctx, GroupMember.member_id, neighbors.tolist()),
        )
        .group_by(GroupMember.group_id)
    )
    for group_id, n in ctx.session.execute(stmt):
        out[group_id] = int(n)
    return out
