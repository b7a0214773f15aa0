"""The demo community's groups: every kind, consistent counts, the demo member in them."""

from __future__ import annotations

from sqlalchemy import func, select

from kith.demo.service import DEMO_EMAIL, build_demo
from kith.groups import feed, service
from kith.models import Group, GroupInvitation, GroupMember, Member, Post
from kith.pagination import PageRequest
from kith.uow import Ctx


def test_the_demo_has_groups_of_every_kind_with_activity(ctx: Ctx) -> None:
    result = build_demo(ctx, members=300, seed=5)
    assert result.groups >= 6
    kinds = set(ctx.session.scalars(select(Group.kind)))
    assert kinds == {"public", "private", "unlisted"}
    for group in ctx.session.scalars(select(Group)):
        rows = select(func.count()).where(GroupMember.group_id == group.id)
        members = ctx.session.scalar(rows.where(GroupMember.status == "member"))
        waiting = ctx.session.scalar(rows.where(GroupMember.status == "requested"))
        owners = ctx.session.scalar(rows.where(GroupMember.role == "owner"))
        assert (group.member_count, group.request_count, owners) == (members, waiting, 1)
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    statuses = set(
        service.statuses(ctx, demo, list(ctx.session.scalars(select(Group.id)))).values()
    )
    assert {"owner", "manager", "member", "invited"} <= statuses
    owned = ctx.session.scalar(
        select(Group)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.member_id == demo.id, GroupMember.role == "owner")
    )
    assert owned is not None
    assert owned.kind == "private"
    assert owned.request_count > 0
    assert feed.group_feed(ctx, demo, owned.id, PageRequest(1, 20)).total > 0
    assert ctx.session.scalar(select(func.count()).where(Post.audience == "group")) > 0
    assert ctx.session.scalar(select(func.count()).select_from(GroupInvitation)) == 1
