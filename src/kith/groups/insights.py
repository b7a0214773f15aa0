"""Groups in Community insights: how many groups of each kind, how many members belong
to at least one, and the largest listed groups (an unlisted group is never named)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from kith.models import Group, GroupMember, Member
from kith.uow import Ctx


@dataclass(frozen=True)
class GroupFigures:
    by_kind: dict[str, int]
    members_in_groups: int
    members: int
    memberships: int
    largest: list[tuple[int, str, int]]  # (id, name, members)

    @property
    def share(self) -> float:
        return self.members_in_groups / self.members if self.members else 0.0


def community_groups(ctx: Ctx, *, top: int = 10) -> GroupFigures:
    """The community's group figures, in four statements."""
    open_groups = Group.archived_at.is_(None)
    by_kind = {
        kind: int(n)
        for kind, n in ctx.session.execute(
            select(Group.kind, func.count()).where(open_groups).group_by(Group.kind)
        )
    }
    belonging = select(func.count(distinct(GroupMember.member_id)), func.count()).where(
        GroupMember.status == "member"
    )
    in_groups, memberships = ctx.session.execute(belonging).one()
    members = ctx.session.scalar(
        select(func.count()).where(Member.is_active.is_(True), Member.deleted_at.is_(None))
    )
    largest = [
        (gid, name, int(n))
        for gid, name, n in ctx.session.execute(
            select(Group.id, Group.name, Group.member_count)
            .where(open_groups, Group.kind != "unlisted")
            .order_by(Group.member_count.desc(), Group.id)
            .limit(top)
        )
    ]
    return GroupFigures(
        by_kind, int(in_groups or 0), int(members or 0), int(memberships or 0), largest
    )
