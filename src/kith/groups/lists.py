"""Lists of groups and of what waits in them: one's groups, finding groups, groups you
may like, invitations, a group's requests and bans, and the groups two members share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from kith.graph.service import engine
from kith.groups.access import found_by_search, listed_to, managed_group
from kith.idlists import id_in
from kith.models import Group, GroupInvitation, GroupMember, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.uow import Ctx


def _page(rows: list[object], total: int, req: PageRequest) -> Page[Group]:
    return Page([r[0] for r in rows], total, req.page, req.per_page)  # type: ignore[index]


def my_groups(ctx: Ctx, member: Member, req: PageRequest) -> Page[Group]:
    """The groups the member belongs to by name, archived ones last."""
    stmt = (
        select(Group)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.member_id == member.id, GroupMember.status == "member")
        .order_by(Group.archived_at.is_not(None), Group.name, Group.id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return _page(rows, total, req)


def _escaped(text: str) -> str:
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(query: str) -> ColumnElement[bool]:
    like = f"%{_escaped(query)}%"
    return or_(
        func.lower(Group.name).like(like, escape="\\"),
        func.lower(Group.description).like(like, escape="\\"),
        func.lower(Group.industry).like(like, escape="\\"),
    )


def discover(ctx: Ctx, viewer: Member, req: PageRequest, query: str = "") -> Page[Group]:
    """Public and private groups (never an unlisted or archived one) whose name,
    description or industry holds ``query``; the largest first."""
    if "\x00" in query:
        query = query.replace("\x00", "")
    stmt = select(Group).where(found_by_search())
    if query.strip():
        stmt = stmt.where(_matches(query.strip()))
    stmt = stmt.order_by(Group.member_count.desc(), Group.id)
    rows, total = paginate_rows(ctx.session, stmt, req)
    return _page(rows, total, req)


@dataclass(frozen=True)
class Liked:
    group: Group
    connections: int


def you_may_like(ctx: Ctx, viewer: Member, *, limit: int = 6) -> list[Liked]:
    """ "Groups you may like": listed groups that many of the viewer's connections are
    in and the viewer is not (nor banned from), most connections first."""
    neighbors = engine(ctx).neighbors(viewer.id)
    if not neighbors.size:
        return []
    mine = select(GroupMember.group_id).where(GroupMember.member_id == viewer.id)
    count = func.count()
    stmt = (
        select(GroupMember.group_id, count)
        .join(Group, Group.id == GroupMember.group_id)
        .where(
            GroupMember.status == "member",
            id_in(ctx, GroupMember.member_id, neighbors.tolist()),
            found_by_search(),
            GroupMember.group_id.not_in(mine),
        )
        .group_by(GroupMember.group_id)
        .order_by(count.desc(), GroupMember.group_id)
        .limit(limit)
    )
    counted = [(int(g), int(n)) for g, n in ctx.session.execute(stmt)]
    groups = {
        g.id: g
        for g in ctx.session.scalars(select(Group).where(Group.id.in_([g for g, _ in counted])))
    }
    return [Liked(groups[g], n) for g, n in counted if g in groups]


def invitations(ctx: Ctx, member: Member) -> list[tuple[Group, Member]]:
    """Invitations waiting for the member: the group and who invited them."""
    stmt = (
        select(Group, Member)
        .join(GroupInvitation, GroupInvitation.group_id == Group.id)
        .join(Member, Member.id == GroupInvitation.inviter_id)
        .where(
            GroupInvitation.invitee_id == member.id,
            GroupInvitation.status == "pending",
            Group.archived_at.is_(None),
            listed_to(member.id),
        )
        .order_by(GroupInvitation.created_at.desc())
    )
    return [(g, m) for g, m in ctx.session.execute(stmt)]


def requests(ctx: Ctx, manager: Member, group_id: int, req: PageRequest) -> Page[GroupMember]:
    """Requests waiting for an answer, oldest first (a declined one is not listed)."""
    group, _row = managed_group(ctx, manager, group_id)
    stmt = (
        select(GroupMember)
        .where(
            GroupMember.group_id == group.id,
            GroupMember.status == "requested",
            GroupMember.declined_at.is_(None),
        )
        .order_by(GroupMember.requested_at, GroupMember.member_id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def banned(ctx: Ctx, manager: Member, group_id: int, req: PageRequest) -> Page[GroupMember]:
    group, _row = managed_group(ctx, manager, group_id)
    stmt = (
        select(GroupMember)
        .where(GroupMember.group_id == group.id, GroupMember.status == "banned")
        .order_by(GroupMember.banned_at.desc(), GroupMember.member_id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def shared_groups(ctx: Ctx, a: int, b: int, *, limit: int = 3) -> list[Group]:
    """Groups both members belong to, the smallest first (the more telling)."""
    other = aliased(GroupMember)
    stmt = (
        select(Group)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .join(other, other.group_id == Group.id)
        .where(
            and_(GroupMember.member_id == a, GroupMember.status == "member"),
            and_(other.member_id == b, other.status == "member"),
        )
        .order_by(Group.member_count, Group.id)
        .limit(limit)
    )
    return list(ctx.session.scalars(stmt))
