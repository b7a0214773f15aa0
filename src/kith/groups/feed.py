"""A group's posts: its feed (the pinned post first), the posts waiting for approval,
what managers do to posts (approve, pin, delete: each in the audit log), reports on
the group's posts for its managers, and "new in your groups" for the home feed.

Which posts a member may read is :func:`kith.posts.audience.visible_to`, as
everywhere; a post outside it is ``post_not_found``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, ColumnElement, and_, bindparam, func, or_, select, update

from kith.errors import NotFound
from kith.groups.access import is_manager, managed_group, membership, readable_group
from kith.groups.service import audit
from kith.models import ContentReport, Group, GroupAudit, GroupMember, Member, Post
from kith.notifications.service import notify
from kith.pagination import Page, PageRequest, paginate_rows
from kith.posts.audience import post_not_found, visible_to
from kith.posts.reports import excerpt
from kith.posts.service import delete_post
from kith.uow import Ctx


def _in_group(group_id: int) -> ColumnElement[bool]:
    return and_(Post.audience == "group", Post.audience_group_id == group_id)


_VIEWER = bindparam("viewer_id", type_=Post.author_id.type)
_GROUP_ID = bindparam("group_id", type_=Post.id.type)
#: A page of a group's feed (built once: the audience rule is a large statement).
_FEED = (
    select(Post)
    .where(
        Post.audience == "group",
        Post.audience_group_id == _GROUP_ID,
        Post.id != bindparam("pinned_id", type_=Post.id.type),
        visible_to(_VIEWER),
    )
    .order_by(Post.created_at.desc(), Post.id.desc())
    .limit(bindparam("limit", type_=Post.id.type))
    .offset(bindparam("offset", type_=Post.id.type))
)
#: How many posts the feed's pages hold: every post of the group but those waiting for
#: approval (the viewer's own and, for a manager, all of them, included): the count
#: leaves the rest of the audience rule aside, which only a block or a deactivated
#: author narrows further.
_FEED_SIZE = select(func.count()).where(
    Post.audience == "group",
    Post.audience_group_id == _GROUP_ID,
    Post.id != bindparam("pinned_id", type_=Post.id.type),
    or_(
        Post.awaiting_approval.is_(False),
        Post.author_id == _VIEWER,
        bindparam("managing", type_=Boolean()),
    ),
)


def group_feed(ctx: Ctx, viewer: Member, group_id: int, req: PageRequest) -> Page[Post]:
    """The group's posts the viewer may read, newest first; on the first page the
    pinned post comes first (and is not repeated below)."""
    group = readable_group(ctx, viewer, group_id)
    pinned = pinned_post(ctx, viewer, group)
    params = {
        "viewer_id": viewer.id,
        "group_id": group.id,
        "pinned_id": pinned.id if pinned is not None else 0,
        "limit": req.per_page,
        "offset": req.offset,
    }
    items = list(ctx.session.scalars(_FEED, params))
    managing = is_manager(membership(ctx, group.id, viewer.id))
    total = int(ctx.session.scalar(_FEED_SIZE, params | {"managing": managing}) or 0)
    if pinned is not None and req.page == 1:
        items.insert(0, pinned)
    return Page(items, total + (1 if pinned is not None else 0), req.page, req.per_page)


def pinned_post(ctx: Ctx, viewer: Member, group: Group) -> Post | None:
    if group.pinned_post_id is None:
        return None
    return ctx.session.scalar(
        select(Post).where(
            Post.id == group.pinned_post_id,
            _in_group(group.id),
            Post.awaiting_approval.is_(False),
            visible_to(viewer.id),
        )
    )


def mark_seen(ctx: Ctx, member: Member, group_id: int) -> None:
    """The member opened the group's feed: what came before is no longer new."""
    ctx.session.execute(
        update(GroupMember)
        .where(GroupMember.group_id == group_id, GroupMember.member_id == member.id)
        .values(seen_at=ctx.clock.now())
    )


def _group_post(ctx: Ctx, manager: Member, group: Group, post_id: int) -> Post:
    post = ctx.session.scalar(
        select(Post).where(
            Post.id == post_id,
            _in_group(group.id),
            visible_to(manager.id),
        )
    )
    if post is None:
        raise post_not_found()
    return post


def awaiting(ctx: Ctx, manager: Member, group_id: int, req: PageRequest) -> Page[Post]:
    """New members' posts waiting for a manager's approval, oldest first."""
    group, _row = managed_group(ctx, manager, group_id)
    stmt = (
        select(Post)
        .where(_in_group(group.id), Post.awaiting_approval.is_(True))
        .order_by(Post.created_at, Post.id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def approve_post(ctx: Ctx, manager: Member, group_id: int, post_id: int) -> Post:
    group, _row = managed_group(ctx, manager, group_id)
    post = _group_post(ctx, manager, group, post_id)
    if post.awaiting_approval:
        post.awaiting_approval = False
        ctx.session.execute(
            update(GroupMember)
            .where(GroupMember.group_id == group.id, GroupMember.member_id == post.author_id)
            .values(approved_posts=GroupMember.approved_posts + 1)
        )
        audit(ctx, group, manager, "approve_post", subject_id=post.author_id, post_id=post.id)
    ctx.session.flush()
    return post


def remove_post(ctx: Ctx, manager: Member, group_id: int, post_id: int) -> None:
    """A manager deletes a post in the group (its author is told, as when an
    administrator removes one); the audit log keeps its first words."""
    group, _row = managed_group(ctx, manager, group_id)
    post = _group_post(ctx, manager, group, post_id)
    words = excerpt(post.body) if post.body else "a repost"
    author = post.author
    audit(ctx, group, manager, "delete_post", subject_id=author.id, post_id=post.id, detail=words)
    if group.pinned_post_id == post.id:
        group.pinned_post_id = None
    delete_post(ctx, author, post.id)
    if author.id != manager.id:
        notify(ctx, author.id, "post_removed", actor_id=None, detail=f"your post “{words}”"[:200])
    ctx.session.flush()


def pin(ctx: Ctx, manager: Member, group_id: int, post_id: int | None) -> Group:
    """Pin a post of the group (``None`` unpins)."""
    group, _row = managed_group(ctx, manager, group_id)
    if post_id is None:
        if group.pinned_post_id is not None:
            audit(ctx, group, manager, "unpin_post", post_id=group.pinned_post_id)
        group.pinned_post_id = None
    else:
        post = _group_post(ctx, manager, group, post_id)
        if post.awaiting_approval:
            raise NotFound("Approve the post before pinning it.", code="post_awaiting_approval")
        group.pinned_post_id = post.id
        audit(ctx, group, manager, "pin_post", post_id=post.id)
    ctx.session.flush()
    return group


@dataclass(frozen=True)
class Reported:
    post: Post
    reports: int


def reports(ctx: Ctx, manager: Member, group_id: int, req: PageRequest) -> Page[Reported]:
    """The group's posts with open reports, most reported first (never who reported)."""
    group, _row = managed_group(ctx, manager, group_id)
    count = func.count(ContentReport.id)
    stmt = (
        select(Post, count)
        .join(ContentReport, ContentReport.post_id == Post.id)
        .where(_in_group(group.id), ContentReport.resolved_at.is_(None))
        .group_by(Post.id)
        .order_by(count.desc(), Post.id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([Reported(r[0], int(r[1])) for r in rows], total, req.page, req.per_page)


def audit_log(ctx: Ctx, manager: Member, group_id: int, req: PageRequest) -> Page[GroupAudit]:
    """What the group's owner and managers did, newest first (for them only)."""
    group, _row = managed_group(ctx, manager, group_id)
    stmt = select(GroupAudit).where(GroupAudit.group_id == group.id).order_by(GroupAudit.id.desc())
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


@dataclass(frozen=True)
class NewInGroup:
    group_id: int
    name: str
    posts: int


def new_in_groups(ctx: Ctx, member: Member, *, limit: int = 5) -> list[NewInGroup]:
    """ "New in your groups": for each of the member's groups, how many posts by others
    they may read came since they last opened its feed; busiest first. The home feed
    shows this one digest instead of a notification per post."""
    mine = (
        select(GroupMember.group_id, GroupMember.seen_at)
        .where(GroupMember.member_id == member.id, GroupMember.status == "member")
        .subquery()
    )
    count = func.count(Post.id)
    stmt = (
        select(Group.id, Group.name, count)
        .join(mine, mine.c.group_id == Group.id)
        .join(Post, Post.audience_group_id == Group.id)
        .where(
            Post.audience == "group",
            Post.author_id != member.id,
            Post.created_at > func.coalesce(mine.c.seen_at, Group.created_at),
            visible_to(member.id),
        )
        .group_by(Group.id, Group.name)
        .order_by(count.desc(), Group.id)
        .limit(limit)
    )
    return [NewInGroup(gid, name, int(n)) for gid, name, n in ctx.session.execute(stmt)]
