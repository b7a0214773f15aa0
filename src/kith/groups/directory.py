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

import numpy as np
from sqlalchemy import case, func, select

from kith.graph.service import Badge, badges, engine, hidden_ids
from kith.groups.access import readable_group
from kith.idlists import id_in
from kith.models import GroupMember, Member
from kith.names import fold_name
from kith.pagination import Page, PageRequest
from kith.uow import Ctx

_ROLE_ORDER = case((GroupMember.role == "owner", 0), (GroupMember.role == "manager", 1), else_=2)


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
    else; within each the owner, the managers, then by when they joined. ``query``
    keeps the members whose name holds it."""
    group = readable_group(ctx, viewer, group_id)
    stmt = select(GroupMember.member_id, GroupMember.role).where(
        GroupMember.group_id == group.id, GroupMember.status == "member"
    )
    query = query.strip()
    if query:
        key = select(Member.id).where(Member.name_key.like(_like(query), escape="\\"))
        stmt = stmt.where(GroupMember.member_id.in_(key))
    stmt = stmt.order_by(_ROLE_ORDER, GroupMember.joined_at, GroupMember.member_id)
    rows = ctx.session.execute(stmt).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    hidden = hidden_ids(ctx, viewer.id)
    keep = ~np.isin(ids, hidden) if hidden.size else np.ones(ids.size, dtype=bool)
    mine = np.isin(ids, engine(ctx).neighbors(viewer.id), assume_unique=True) & keep
    ordered = np.concatenate((ids[mine], ids[keep & ~mine]))
    chosen = ordered[req.offset : req.offset + req.per_page].tolist()
    found = {m.id: m for m in ctx.session.scalars(select(Member).where(Member.id.in_(chosen)))}
    shown = [found[i] for i in chosen if i in found and found[i].is_active]
    roles = {r[0]: r[1] for r in rows if r[0] in found}
    return MemberPage(
        page=Page(shown, int(ordered.size), req.page, req.per_page),
        roles=roles,
        badges=badges(ctx, viewer, [m.id for m in shown]),
        connections=int(mine.sum()),
    )


def connection_counts(ctx: Ctx, viewer: Member, group_ids: Sequence[int]) -> dict[int, int]:
    """ "12 of your connections are members", for a page of group cards: one grouped
    count over the groups' memberships of the viewer's connections (the engine's
    neighbour list, bound as one parameter)."""
    if not group_ids:
        return {}
    neighbors = engine(ctx).neighbors(viewer.id)
    out = dict.fromkeys(group_ids, 0)
    if not neighbors.size:
        return out
    stmt = (
        select(GroupMember.group_id, func.count())
        .where(
            GroupMember.group_id.in_(list(group_ids)),
            GroupMember.status == "member",
            id_in(ctx, GroupMember.member_id, neighbors.tolist()),
        )
        .group_by(GroupMember.group_id)
    )
    for group_id, n in ctx.session.execute(stmt):
        out[group_id] = int(n)
    return out
