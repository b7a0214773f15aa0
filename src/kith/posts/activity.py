"""A member's activity as another member may see it: their posts and reposts that
the viewer may read (:func:`kith.posts.audience.visible_to`), newest first, a page at
a time by keyset cursor. Blocks either way hide the member altogether
(``member_not_found``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, select

from kith.errors import Invalid
from kith.members.service import view_member
from kith.models import Member, Post
from kith.posts.audience import visible_to
from kith.posts.cursor import Cursor, older_than
from kith.posts.engagement import ActivityItem, activity_items
from kith.posts.text import first_words
from kith.uow import Ctx

__all__ = [
    "ActivityPage",
    "EngagementPage",
    "activity_preview",
    "latest_post",
    "member_activity",
    "member_engagement",
]

#: The most items one page of activity may hold.
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ActivityPage:
    member: Member
    posts: list[Post]
    next: Cursor | None  # the cursor of the page after this one; None at the end


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"Ask for between 1 and {MAX_LIMIT} items.", code="invalid_page")
    return limit


def member_activity(
    ctx: Ctx, viewer: Member, handle: str, *, before: Cursor | None = None, limit: int = 20
) -> ActivityPage:
    """One page of ``handle``'s posts that ``viewer`` may read, newest first."""
    member = view_member(ctx, viewer, handle)
    limit = _limit(limit)
    stmt = select(Post).where(Post.author_id == member.id, visible_to(viewer.id))
    if before is not None:
        stmt = stmt.where(older_than(before, Post.created_at, Post.id))
    stmt = stmt.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit + 1)
    posts = list(ctx.session.scalars(stmt))
    more = len(posts) > limit
    posts = posts[:limit]
    following = Cursor(posts[-1].created_at, posts[-1].id) if more and posts else None
    return ActivityPage(member, posts, following)


@dataclass(frozen=True, slots=True)
class EngagementPage:
    member: Member
    items: list[ActivityItem]
    posts: dict[int, Post]  # the posts the items are on
    next: Cursor | None


def member_engagement(
    ctx: Ctx, viewer: Member, handle: str, *, before: Cursor | None = None, limit: int = 20
) -> EngagementPage:
    """One page of ``handle``'s comments and reactions on posts ``viewer`` may read,
    newest first."""
    member = view_member(ctx, viewer, handle)
    limit = _limit(limit)
    items = activity_items(ctx, viewer, member, before, limit + 1)
    more = len(items) > limit
    items = items[:limit]
    wanted = {i.post_id for i in items}
    posts = (
        {p.id: p for p in ctx.session.scalars(select(Post).where(Post.id.in_(wanted)))}
        if wanted
        else {}
    )
    following = Cursor(items[-1].at, items[-1].id) if more and items else None
    return EngagementPage(member, items, posts, following)


#: SQL: the newest post of ``author_id`` that ``viewer_id`` may read (built once: every
#: profile asks it).
_LATEST = (
    select(Post)
    .where(
        Post.author_id == bindparam("author_id", type_=Integer),
        visible_to(bindparam("viewer_id", type_=Integer)),
    )
    .order_by(Post.created_at.desc(), Post.id.desc())
    .limit(1)
)


def latest_post(ctx: Ctx, viewer: Member, member: Member) -> Post | None:
    """The member's newest post that ``viewer`` may read (the profile's Activity part)."""
    return ctx.session.scalar(_LATEST, {"author_id": member.id, "viewer_id": viewer.id})


#: The characters of the newest post the profile's Activity part shows.
PREVIEW_LENGTH = 200


def activity_preview(ctx: Ctx, viewer: Member, member: Member) -> dict[str, Any]:
    """The profile's short Activity part: the newest post ``viewer`` may read (its
    first words, its day and its page), and where all of it is."""
    post = latest_post(ctx, viewer, member)
    latest = None
    if post is not None:
        words = first_words(post.body, PREVIEW_LENGTH)
        if not words:
            words = "Shared a post" if post.repost_of_id is not None else "Shared images"
        latest = {"text": words, "at": post.created_at, "url": f"/posts/{post.id}"}
    return {"latest": latest, "url": f"/in/{member.handle}/activity"}
