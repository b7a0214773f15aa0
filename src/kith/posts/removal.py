"""Taking posts, comments and reactions away with the counts they are part of.

Every count on a post or a comment (reactions, comments, reposts, replies) is kept in
its row; whatever removes content here lowers exactly the counts that counted it,
with ``count = count - n`` so that reactions and comments made at the same moment by
others keep their own increments. A post's ``comment_count`` counts its comments and
their replies.

:func:`delete_member_content` takes everything one member wrote or reacted when
their account is deleted, set-wise (a member with thousands of reactions goes in a
few statements); one post or comment is deleted by its own service
(:func:`kith.posts.service.delete_post`, :func:`kith.posts.engagement.delete_comment`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, or_, select, update

from kith.models import (
    Comment,
    ContentReport,
    FeedFewer,
    FeedHide,
    Post,
    PostImage,
    PostMention,
    Reaction,
)
from kith.posts import images
from kith.uow import Ctx

__all__ = ["delete_member_content"]


def _lower(ctx: Ctx, column: Any, by: Mapping[int, int]) -> None:
    """``column -= n`` for each row id in ``by`` (one statement per distinct n)."""
    table = column.class_
    groups: dict[int, list[int]] = {}
    for row_id, n in by.items():
        if n:
            groups.setdefault(n, []).append(row_id)
    for n, ids in groups.items():
        for chunk in _chunks(ids):
            ctx.session.execute(
                update(table)
                .where(table.id.in_(chunk))
                .values({column.key: column - n})
                .execution_options(synchronize_session=False)
            )


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def delete_member_content(ctx: Ctx, member_id: int) -> None:
    """Everything ``member_id`` wrote or reacted, and every count elsewhere that
    counted it: their reactions, their comments (with the replies under them), their
    posts (with everything on them and the reposts of them), their reports, mentions
    of them and their feed choices."""
    m = member_id
    own_posts = set(ctx.session.scalars(select(Post.id).where(Post.author_id == m)))

    # Reactions they gave, on posts and comments that stay.
    posts_reacted = Counter(
        ctx.session.scalars(
            select(Reaction.post_id).where(Reaction.member_id == m, Reaction.post_id.is_not(None))
        )
    )
    comments_reacted = Counter(
        ctx.session.scalars(
            select(Reaction.comment_id).where(
                Reaction.member_id == m, Reaction.comment_id.is_not(None)
            )
        )
    )

    # Their comments, and the replies of others under them (which go with them).
    theirs = ctx.session.execute(
        select(Comment.id, Comment.post_id, Comment.parent_id).where(Comment.author_id == m)
    ).all()
    top_ids = [cid for cid, _, parent in theirs if parent is None]
    under: list[Any] = []
    for chunk in _chunks(top_ids):
        under += ctx.session.execute(
            select(Comment.id, Comment.post_id, Comment.parent_id).where(
                Comment.parent_id.in_(chunk), Comment.author_id != m
            )
        ).all()
    going = {cid: (post_id, parent) for cid, post_id, parent in [*theirs, *under]}
    comments_lost: Counter[int] = Counter()
    replies_lost: Counter[int] = Counter()
    for post_id, parent in going.values():
        comments_lost[post_id] += 1
        if parent is not None and parent not in going:
            replies_lost[parent] += 1

    # Their reposts lower the originals' counts (reposts of their own posts go with them).
    reposted = Counter(
        ctx.session.scalars(
            select(Post.repost_of_id).where(Post.author_id == m, Post.repost_of_id.is_not(None))
        )
    )

    def staying_posts(counts: Counter[Any]) -> dict[int, int]:
        return {k: v for k, v in counts.items() if k is not None and k not in own_posts}

    def staying_comments(counts: Counter[Any]) -> dict[int, int]:
        return {k: v for k, v in counts.items() if k is not None and k not in going}

    # The comments of other members' that go (replies under theirs) took reactions away
    # with them; those reactions counted only on the comments themselves.
    _lower(ctx, Post.reaction_count, staying_posts(posts_reacted))
    _lower(ctx, Comment.reaction_count, staying_comments(comments_reacted))
    _lower(ctx, Post.comment_count, staying_posts(comments_lost))
    _lower(ctx, Comment.reply_count, staying_comments(replies_lost))
    _lower(ctx, Post.repost_count, staying_posts(reposted))

    session = ctx.session
    session.execute(delete(Reaction).where(Reaction.member_id == m))
    for chunk in _chunks(list(going)):
        session.execute(
            delete(Comment).where(Comment.id.in_(chunk), Comment.parent_id.is_not(None))
        )
        session.execute(delete(Comment).where(Comment.id.in_(chunk)))
    session.execute(delete(ContentReport).where(ContentReport.reporter_id == m))
    session.execute(delete(PostMention).where(PostMention.member_id == m))
    session.execute(
        delete(FeedHide).where(or_(FeedHide.member_id == m, FeedHide.post_id.in_(own_posts)))
    )
    session.execute(
        delete(FeedFewer).where(or_(FeedFewer.member_id == m, FeedFewer.author_id == m))
    )
    # Reposts of their posts go first, then their own posts (with images, comments,
    # reactions on them, by the foreign keys' cascades); image files after the commit.
    for chunk in _chunks(sorted(own_posts)):
        gone = select(Post.id).where(or_(Post.id.in_(chunk), Post.repost_of_id.in_(chunk)))
        images.release(
            ctx, list(session.scalars(select(PostImage).where(PostImage.post_id.in_(gone))))
        )
        session.execute(delete(Post).where(Post.repost_of_id.in_(chunk)))
        session.execute(delete(PostImage).where(PostImage.post_id.in_(chunk)))
        session.execute(delete(Post).where(Post.id.in_(chunk)))
    session.expire_all()
