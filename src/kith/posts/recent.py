"""A member's latest posts as another member may see them, for the relationship pages:
"Ana posted 2 days ago — say something", and the post a connection shared about a new
position or a work anniversary (where congratulations become comments)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from kith.idlists import id_in
from kith.models import Post
from kith.posts.audience import visible_to
from kith.uow import Ctx

#: The most recent posts per author looked at for a moment's post.
MOMENT_CANDIDATES = 5


def latest_visible(
    ctx: Ctx, viewer_id: int, author_ids: Sequence[int], since: datetime
) -> dict[int, Post]:
    """Each author's newest post since ``since`` that ``viewer_id`` may read (their own
    text, not a bare repost), in one statement."""
    if not author_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=Post.author_id, order_by=(Post.created_at.desc(), Post.id.desc()))
        .label("rank")
    )
    ranked = (
        select(Post.id, rank)
        .where(
            id_in(ctx, Post.author_id, sorted(set(author_ids))),
            Post.created_at >= since,
            Post.body != "",
            visible_to(viewer_id),
        )
        .subquery()
    )
    posts = ctx.session.scalars(
        select(Post).join(ranked, ranked.c.id == Post.id).where(ranked.c.rank == 1)
    )
    return {p.author_id: p for p in posts}


def moment_posts(
    ctx: Ctx, viewer_id: int, moments: Sequence[tuple[int, datetime, str]]
) -> dict[int, Post]:
    """For each ``(author, since, company)``: the author's newest post since then that
    ``viewer_id`` may read and that names the company — their news, shared — in one
    statement."""
    if not moments:
        return {}
    earliest = min(since for _, since, _ in moments)
    wanted = {author: (since, company.casefold()) for author, since, company in moments}
    rank = (
        func.row_number()
        .over(partition_by=Post.author_id, order_by=(Post.created_at.desc(), Post.id.desc()))
        .label("rank")
    )
    ranked = (
        select(Post.id, rank)
        .where(
            id_in(ctx, Post.author_id, sorted(wanted)),
            Post.created_at >= earliest,
            Post.repost_of_id.is_(None),
            visible_to(viewer_id),
        )
        .subquery()
    )
    found: dict[int, Post] = {}
    for post in ctx.session.scalars(
        select(Post)
        .join(ranked, ranked.c.id == Post.id)
        .where(ranked.c.rank <= MOMENT_CANDIDATES)
        .order_by(Post.created_at.desc(), Post.id.desc())
    ):
        since, company = wanted[post.author_id]
        if (
            post.author_id not in found
            and post.created_at >= since
            and company in post.body.casefold()
        ):
            found[post.author_id] = post
    return found
