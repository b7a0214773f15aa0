"""Engaging with a post: reactions, comments with one level of replies, reposts, and
the author's choice to hear about them.

Every action starts from :func:`kith.posts.audience.visible_post`: a member who may not
read the post gets ``post_not_found`` from each of them, exactly as if it did not exist.

Counts are exact under concurrency. The reaction row itself is the truth (one per
member per post or comment, by unique constraint, inserted with ``ON CONFLICT DO
NOTHING``); a count moves only when a row was really inserted or deleted, by an
atomic ``count = count + 1`` in the database, never by a value read earlier. Each
action also takes the acting member's row lock (:func:`lock_members`), so one
member's actions run one after another, and the post's row lock (taken by the count
update) orders the notifications of one post.

A comment or reaction on a connection's post is the day's automatic interaction in
the actor's private log (:func:`record_engagement_interaction`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kith.connections.queries import (
    block_exists,
    blocked_between,
    connection_between,
    lock_members,
)
from kith.errors import Conflict, Forbidden, Invalid, NotFound
from kith.models import REACTIONS, Comment, Member, Notification, Post, Reaction
from kith.notifications.service import notify, notify_grouped
from kith.posts.audience import post_not_found, visible_post, visible_to
from kith.posts.cursor import Cursor, older_than
from kith.posts.service import Audience, check_audience, check_body, record_mentions
from kith.relationships.interactions import record_engagement_interaction
from kith.uow import Ctx

REACTION_LABELS = {
    "like": "Like",
    "celebrate": "Celebrate",
    "support": "Support",
    "love": "Love",
    "insightful": "Insightful",
    "funny": "Funny",
}
assert tuple(REACTION_LABELS) == REACTIONS
COMMENT_MAX = 1_250
REPOST_TEXT_MAX = 3_000
# How far an audience reaches, to refuse a repost wider than its original.
_REACH = {"anyone": 4, "connections": 3, "tier": 2, "tag": 2, "only_me": 1}
COMMENT_NOT_FOUND = "There is no such comment, or it isn't shared with you."


def comment_not_found() -> NotFound:
    return NotFound(COMMENT_NOT_FOUND, code="comment_not_found")


# -- shared steps -----------------------------------------------------------------


def _insert_ignoring_duplicate(ctx: Ctx, values: dict[str, Any]) -> bool:
    """Insert one reaction unless the member already has one there; True if inserted."""
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Reaction).values(**values).on_conflict_do_nothing().returning(Reaction.id)
    return ctx.session.execute(stmt).scalar_one_or_none() is not None


def _bump(ctx: Ctx, row: Post | Comment, **deltas: int) -> None:
    """Add to counts on ``row`` in the database (row-locking it until commit), then
    read the exact values back."""
    model = type(row)
    values = {name: getattr(model, name) + delta for name, delta in deltas.items()}
    ctx.session.execute(
        update(model)
        .where(model.id == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    ctx.session.refresh(row, list(deltas))


def _engaged(ctx: Ctx, actor: Member, post: Post) -> None:
    """A comment or reaction on a connection's post: the actor's log counts it."""
    if post.author_id != actor.id and connection_between(ctx.session, actor.id, post.author_id):
        record_engagement_interaction(ctx, actor.id, post.author_id, ctx.clock.now())


def _may_notify(ctx: Ctx, member_id: int, actor_id: int, post: Post) -> bool:
    """Tell ``member_id`` about ``actor_id``'s action on ``post``: never about oneself,
    never across a block, and only while the member may read the post."""
    if member_id == actor_id:
        return False
    blocked = blocked_between(ctx.session, member_id, actor_id)
    return not blocked and bool(
        ctx.session.scalar(select(exists().where(Post.id == post.id, visible_to(member_id))))
    )


def _clean_text(body: str, limit: int, *, what: str, code: str, required: bool = True) -> str:
    body = (body or "").strip()
    if required and not body:
        raise Invalid(f"Write something in your {what}.", code=code)
    if len(body) > limit:
        raise Invalid(f"Keep your {what} to {limit:,} characters.", code=code)
    return body


def check_kind(kind: str) -> None:
    if kind not in REACTIONS:
        raise Invalid(
            "Choose a reaction: " + ", ".join(REACTION_LABELS.values()) + ".",
            code="invalid_reaction",
        )


# -- reactions --------------------------------------------------------------------


def react(ctx: Ctx, member: Member, post_id: int, kind: str) -> Reaction:
    """React to a post, or change one's reaction to it."""
    check_kind(kind)
    post = visible_post(ctx, member.id, post_id)
    lock_members(ctx.session, member.id)
    now = ctx.clock.now()
    values = {"member_id": member.id, "post_id": post.id, "kind": kind, "created_at": now}
    if _insert_ignoring_duplicate(ctx, values):
        _bump(ctx, post, reaction_count=1)
        _engaged(ctx, member, post)
        if post.notify and _may_notify(ctx, post.author_id, member.id, post):
            notify_grouped(
                ctx,
                post.author_id,
                "post_reaction",
                actor_id=member.id,
                post_id=post.id,
                size=_reactors_since_read(ctx, post.author_id, post),
            )
    else:
        ctx.session.execute(
            update(Reaction)
            .where(Reaction.member_id == member.id, Reaction.post_id == post.id)
            .values(kind=kind)
            .execution_options(synchronize_session=False)
        )
    return ctx.session.scalars(
        select(Reaction)
        .where(Reaction.member_id == member.id, Reaction.post_id == post.id)
        .execution_options(populate_existing=True)
    ).one()


def unreact(ctx: Ctx, member: Member, post_id: int) -> bool:
    """Take back one's reaction to a post (nothing to take back is not an error)."""
    post = visible_post(ctx, member.id, post_id)
    lock_members(ctx.session, member.id)
    gone = ctx.session.execute(
        delete(Reaction).where(Reaction.member_id == member.id, Reaction.post_id == post.id)
    ).rowcount  # type: ignore[attr-defined]
    if gone:
        _bump(ctx, post, reaction_count=-1)
    return bool(gone)


def react_to_comment(ctx: Ctx, member: Member, comment_id: int, kind: str) -> Reaction:
    """React to a comment or a reply, or change one's reaction to it."""
    check_kind(kind)
    comment, post = visible_comment(ctx, member.id, comment_id)
    lock_members(ctx.session, member.id)
    values = {
        "member_id": member.id,
        "comment_id": comment.id,
        "kind": kind,
        "created_at": ctx.clock.now(),
    }
    if _insert_ignoring_duplicate(ctx, values):
        _bump(ctx, comment, reaction_count=1)
        _engaged(ctx, member, post)
        if _may_notify(ctx, comment.author_id, member.id, post):
            notify_grouped(
                ctx,
                comment.author_id,
                "comment_reaction",
                actor_id=member.id,
                post_id=post.id,
                comment_id=comment.id,
                size=_reactors_since_read(ctx, comment.author_id, post, comment),
            )
    else:
        ctx.session.execute(
            update(Reaction)
            .where(Reaction.member_id == member.id, Reaction.comment_id == comment.id)
            .values(kind=kind)
            .execution_options(synchronize_session=False)
        )
    return ctx.session.scalars(
        select(Reaction)
        .where(Reaction.member_id == member.id, Reaction.comment_id == comment.id)
        .execution_options(populate_existing=True)
    ).one()


def unreact_to_comment(ctx: Ctx, member: Member, comment_id: int) -> bool:
    comment, _post = visible_comment(ctx, member.id, comment_id)
    lock_members(ctx.session, member.id)
    gone = ctx.session.execute(
        delete(Reaction).where(Reaction.member_id == member.id, Reaction.comment_id == comment.id)
    ).rowcount  # type: ignore[attr-defined]
    if gone:
        _bump(ctx, comment, reaction_count=-1)
    return bool(gone)


# -- comments ---------------------------------------------------------------------


def visible_comment(ctx: Ctx, viewer_id: int, comment_id: int) -> tuple[Comment, Post]:
    """A comment and its post, if the viewer may read the post; otherwise
    ``comment_not_found``, the same whether there is no such comment or its post is not
    shared with the viewer (a comment's id tells nothing of a post one cannot see)."""
    found = ctx.session.execute(
        select(Comment, Post)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.id == comment_id, visible_to(viewer_id))
    ).first()
    if found is None:
        raise comment_not_found()
    return found[0], found[1]


def add_comment(
    ctx: Ctx, member: Member, post_id: int, body: str, *, reply_to: int | None = None
) -> Comment:
    """Comment on a post, or reply to a comment on it. A reply to a reply joins the
    thread of the comment it answers (replies go one level deep)."""
    body = _clean_text(body, COMMENT_MAX, what="comment", code="invalid_comment")
    post = visible_post(ctx, member.id, post_id)
    lock_members(ctx.session, member.id)
    parent: Comment | None = None
    if reply_to is not None:
        parent = ctx.session.get(Comment, reply_to)
        if parent is None or parent.post_id != post.id:
            raise comment_not_found()
        if parent.parent_id is not None:
            parent = ctx.session.get_one(Comment, parent.parent_id)
        # Counting the reply first locks the thread: a thread deleted meanwhile is gone.
        counted = ctx.session.execute(
            update(Comment)
            .where(Comment.id == parent.id)
            .values(reply_count=Comment.reply_count + 1)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not counted:
            raise comment_not_found()
        ctx.session.refresh(parent, ["reply_count"])
    now = ctx.clock.now()
    comment = Comment(
        post_id=post.id,
        parent_id=parent.id if parent else None,
        author_id=member.id,
        body=body,
        created_at=now,
    )
    ctx.session.add(comment)
    ctx.session.flush()
    _bump(ctx, post, comment_count=1)
    _engaged(ctx, member, post)
    _notify_comment(ctx, member, post, comment, parent)
    record_mentions(ctx, post, comment)
    return comment


def _notify_comment(
    ctx: Ctx, member: Member, post: Post, comment: Comment, parent: Comment | None
) -> None:
    replied_to = parent.author_id if parent is not None else None
    if replied_to is not None and _may_notify(ctx, replied_to, member.id, post):
        notify(
            ctx,
            replied_to,
            "comment_reply",
            actor_id=member.id,
            post_id=post.id,
            comment_id=comment.id,
        )
    if (
        post.notify
        and post.author_id != replied_to
        and _may_notify(ctx, post.author_id, member.id, post)
    ):
        notify(
            ctx,
            post.author_id,
            "post_comment",
            actor_id=member.id,
            post_id=post.id,
            comment_id=comment.id,
        )


def edit_comment(ctx: Ctx, member: Member, comment_id: int, body: str) -> Comment:
    """Change the text of one's own comment (marked edited)."""
    body = _clean_text(body, COMMENT_MAX, what="comment", code="invalid_comment")
    comment, post = visible_comment(ctx, member.id, comment_id)
    if comment.author_id != member.id:
        raise Forbidden("You can edit only your own comments.", code="comment_not_yours")
    if comment.body != body:
        comment.body = body
        comment.edited_at = ctx.clock.now()
        ctx.session.flush()
        record_mentions(ctx, post, comment)
    return comment


def delete_comment(ctx: Ctx, member: Member, comment_id: int) -> int:
    """Delete one's own comment, or any comment on one's own post; a comment goes with
    its replies. Returns how many comments went."""
    comment, post = visible_comment(ctx, member.id, comment_id)
    if member.id not in (comment.author_id, post.author_id):
        raise Forbidden(
            "You can delete your own comments and comments on your posts.",
            code="comment_not_yours",
        )
    lock_members(ctx.session, member.id)
    # Lock the comment first, so that no reply joins it while it goes.
    locked = ctx.session.scalar(
        select(Comment.id).where(Comment.id == comment.id).with_for_update()
    )
    if locked is None:
        raise comment_not_found()
    parent_id = comment.parent_id
    thread = (Comment.id == comment.id) | (Comment.parent_id == comment.id)
    gone = int(ctx.session.scalar(select(func.count()).where(thread)) or 0)
    ctx.session.execute(delete(Comment).where(thread).execution_options(synchronize_session=False))
    ctx.session.expunge(comment)
    _bump(ctx, post, comment_count=-gone)
    if parent_id is not None:
        ctx.session.execute(
            update(Comment)
            .where(Comment.id == parent_id)
            .values(reply_count=Comment.reply_count - 1)
            .execution_options(synchronize_session=False)
        )
    return gone


@dataclass(frozen=True)
class Thread:
    """A top-level comment with its replies (oldest first)."""

    comment: Comment
    replies: list[Comment]


def _readable_comments(viewer_id: int) -> Any:
    """Comments whose author is active and not separated from the viewer by a block."""
    return (
        select(Comment)
        .join(Member, Member.id == Comment.author_id)
        .where(Member.is_active.is_(True), ~block_exists(viewer_id, Comment.author_id))
    )


def comment_threads(
    ctx: Ctx, viewer: Member, post_id: int, *, before: int | None = None, limit: int = 20
) -> tuple[list[Thread], bool]:
    """A post's comments, newest thread first, each with its replies; ``before`` a
    comment id for the next page. Returns the threads and whether more remain."""
    post = visible_post(ctx, viewer.id, post_id)
    stmt = _readable_comments(viewer.id).where(
        Comment.post_id == post.id, Comment.parent_id.is_(None)
    )
    if before is not None:
        stmt = stmt.where(Comment.id < before)
    tops = list(ctx.session.scalars(stmt.order_by(Comment.id.desc()).limit(limit + 1)))
    more = len(tops) > limit
    tops = tops[:limit]
    replies: dict[int, list[Comment]] = {c.id: [] for c in tops}
    if tops:
        found = ctx.session.scalars(
            _readable_comments(viewer.id)
            .where(Comment.parent_id.in_(list(replies)))
            .order_by(Comment.id)
        )
        for reply in found:
            replies[reply.parent_id or 0].append(reply)
    return [Thread(c, replies[c.id]) for c in tops], more


def my_comment_reactions(ctx: Ctx, viewer: Member, comment_ids: Sequence[int]) -> dict[int, str]:
    """The viewer's reaction on each of these comments that has one."""
    if not comment_ids:
        return {}
    rows = ctx.session.execute(
        select(Reaction.comment_id, Reaction.kind).where(
            Reaction.member_id == viewer.id, Reaction.comment_id.in_(list(comment_ids))
        )
    )
    return {int(cid or 0): kind for cid, kind in rows}


# -- reposts ----------------------------------------------------------------------


def repost(
    ctx: Ctx,
    member: Member,
    post_id: int,
    body: str = "",
    *,
    audience: str = "anyone",
    tier_id: int | None = None,
    tag_id: int | None = None,
) -> Post:
    """Repost a post one may read, with or without text of one's own. A repost of a
    repost reposts its original; the repost may not reach further than the original
    (and the read rule shows it only to those who may read both)."""
    body = check_body(ctx, body, has_images=True)  # a repost's own text is optional
    target = visible_post(ctx, member.id, post_id)
    original = (
        target if target.repost_of_id is None else visible_post(ctx, member.id, target.repost_of_id)
    )
    chosen = check_audience(ctx, member, Audience(audience, tier_id=tier_id, tag_id=tag_id))
    if _REACH[chosen.kind] > _REACH[original.audience]:
        raise Conflict(
            "A repost can't reach further than the original post: choose a narrower audience.",
            code="repost_audience_wider",
        )
    lock_members(ctx.session, member.id)
    post = Post(
        author_id=member.id,
        body=body,
        audience=chosen.kind,
        audience_tier_id=chosen.tier_id,
        audience_tag_id=chosen.tag_id,
        repost_of_id=original.id,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(post)
    ctx.session.flush()
    _bump(ctx, original, repost_count=1)
    if original.notify and _may_notify(ctx, original.author_id, member.id, original):
        notify(ctx, original.author_id, "post_repost", actor_id=member.id, post_id=original.id)
    return post


def set_notify(ctx: Ctx, member: Member, post_id: int, on: bool) -> Post:
    """The author turns notifications about their post on or off."""
    post = visible_post(ctx, member.id, post_id)
    if post.author_id != member.id:
        raise Forbidden(
            "Only the post's author can choose its notifications.", code="post_not_yours"
        )
    post.notify = on
    ctx.session.flush()
    return post


def _reactors_since_read(
    ctx: Ctx, author_id: int, post: Post, comment: Comment | None = None
) -> int:
    """How many members' reactions on ``post`` (or on ``comment``) its author
    ``author_id`` has not yet read about: those made after the author last read a
    reaction notification for it (each member once, however often they changed or took
    back their reaction), blocks left out."""
    kind = "comment_reaction" if comment is not None else "post_reaction"
    about = (
        Notification.comment_id == comment.id
        if comment is not None
        else Notification.post_id == post.id
    )
    read_up_to = (
        select(func.max(Notification.read_at))
        .where(Notification.member_id == author_id, Notification.kind == kind, about)
        .scalar_subquery()
    )
    on = Reaction.comment_id == comment.id if comment is not None else Reaction.post_id == post.id
    return int(
        ctx.session.scalar(
            select(func.count())
            .select_from(Reaction)
            .where(
                on,
                Reaction.member_id != author_id,
                ~block_exists(author_id, Reaction.member_id),
                or_(read_up_to.is_(None), Reaction.created_at > read_up_to),
            )
        )
        or 0
    )


# -- profile activity -------------------------------------------------------------


@dataclass(frozen=True)
class ActivityItem:
    """One of a member's comments or reactions, on a post the viewer may read."""

    kind: str  # "comment" | "reaction"
    at: datetime
    post_id: int
    comment: Comment | None = None
    reaction: str | None = None
    id: int = 0  # the comment's or the reaction's own id (with ``at``, the cursor)


def activity_items(
    ctx: Ctx, viewer: Member, member: Member, before: datetime | Cursor | None, limit: int
) -> list[ActivityItem]:
    """``member``'s comments and reactions on posts ``viewer`` may read, newest first,
    older than ``before`` when given (a time, or the cursor of the last item shown: its
    time and its comment's or reaction's id), at most ``limit``."""
    if viewer.id != member.id and blocked_between(ctx.session, viewer.id, member.id):
        return []
    comments = (
        select(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.author_id == member.id, visible_to(viewer.id))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    reactions = (
        select(Reaction)
        .join(Post, Post.id == Reaction.post_id)
        .where(Reaction.member_id == member.id, visible_to(viewer.id))
        .order_by(Reaction.created_at.desc(), Reaction.id.desc())
        .limit(limit)
    )
    if isinstance(before, Cursor):
        comments = comments.where(older_than(before, Comment.created_at, Comment.id))
        reactions = reactions.where(older_than(before, Reaction.created_at, Reaction.id))
    elif before is not None:
        comments = comments.where(Comment.created_at < before)
        reactions = reactions.where(Reaction.created_at < before)
    items = [
        ActivityItem("comment", c.created_at, c.post_id, comment=c, id=c.id)
        for c in ctx.session.scalars(comments)
    ]
    items += [
        ActivityItem("reaction", r.created_at, r.post_id or 0, reaction=r.kind, id=r.id)
        for r in ctx.session.scalars(reactions)
    ]
    items.sort(key=lambda i: (i.at, i.id), reverse=True)
    return items[:limit]


__all__ = [
    "COMMENT_MAX",
    "REACTION_LABELS",
    "ActivityItem",
    "Thread",
    "activity_items",
    "add_comment",
    "check_kind",
    "comment_threads",
    "delete_comment",
    "edit_comment",
    "my_comment_reactions",
    "post_not_found",
    "react",
    "react_to_comment",
    "repost",
    "set_notify",
    "unreact",
    "unreact_to_comment",
    "visible_comment",
]
