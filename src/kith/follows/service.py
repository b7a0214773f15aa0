"""Follow actions: anyone may follow a member unless they accept followers from
connections only; connecting makes both follow each other."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from kith.connections.queries import (
    block_exists,
    blocked_between,
    connection_between,
    is_following,
    lock_members,
    profile_counts,
)
from kith.errors import Forbidden, Invalid, NotFound
from kith.models import Follow, Member
from kith.notifications.service import notify
from kith.pagination import Page, PageRequest, paginate_rows
from kith.uow import Ctx


def follow(ctx: Ctx, follower: Member, followee: Member) -> bool:
    """Follow ``followee``; returns False when already following (nothing changes)."""
    if follower.id == followee.id:
        raise Invalid("You can't follow yourself.", code="self_follow")
    # The pair's lock, as for invitations and blocks: a block cannot slip in between
    # the check below and the insert.
    lock_members(ctx.session, follower.id, followee.id)
    if not followee.is_active or blocked_between(ctx.session, follower.id, followee.id):
        raise NotFound("There is no such member.", code="member_not_found")
    if is_following(ctx.session, follower.id, followee.id):
        return False
    if (
        followee.follow_policy == "connections"
        and connection_between(ctx.session, follower.id, followee.id) is None
    ):
        raise Forbidden(
            f"{followee.name} can be followed only by their connections.",
            code="follow_not_allowed",
        )
    ctx.session.add(
        Follow(follower_id=follower.id, followee_id=followee.id, created_at=ctx.clock.now())
    )
    ctx.session.flush()
    notify(ctx, followee.id, "new_follower", actor_id=follower.id)
    return True


def unfollow(ctx: Ctx, follower: Member, followee: Member) -> bool:
    """Stop following; a connection stays. Returns False when not following."""
    row = ctx.session.get(Follow, {"follower_id": follower.id, "followee_id": followee.id})
    if row is None:
        return False
    ctx.session.delete(row)
    ctx.session.flush()
    return True


def counts(ctx: Ctx, member: Member) -> tuple[int, int]:
    """(followers, following), active members only, as the lists show them."""
    followers, following, _ = profile_counts(ctx.session, member.id)
    return followers, following


def _list(ctx: Ctx, member: Member, req: PageRequest, *, followers: bool) -> Page[Member]:
    other = aliased(Member)
    mine, theirs = (
        (Follow.followee_id, Follow.follower_id)
        if followers
        else (Follow.follower_id, Follow.followee_id)
    )
    stmt = (
        select(other)
        .join(Follow, and_(theirs == other.id, mine == member.id))
        .where(other.is_active.is_(True), ~block_exists(member.id, other.id))
        .order_by(Follow.created_at.desc(), other.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def followers(ctx: Ctx, member: Member, req: PageRequest) -> Page[Member]:
    return _list(ctx, member, req, followers=True)


def following(ctx: Ctx, member: Member, req: PageRequest) -> Page[Member]:
    return _list(ctx, member, req, followers=False)
