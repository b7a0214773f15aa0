"""The demo community's posts: believable, following the demo's relationships, every
count exact, and the demo member's connections active lately (both databases)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select

from kith.demo.service import DEMO_EMAIL, build_demo
from kith.models import (
    Comment,
    Connection,
    Member,
    Notification,
    Post,
    PostImpression,
    Reaction,
)
from kith.posts.audience import visible_to
from kith.uow import Ctx
from tests.fixtures.posts import assert_exact


def test_demo_posts_follow_relationships_with_exact_counts(ctx: Ctx) -> None:
    result = build_demo(ctx, members=300, seed=3)
    assert result.posts > 200
    assert result.comments > 100
    assert result.reactions > 1000
    assert_exact(ctx)
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    now = ctx.clock.now()

    # Mostly from the author's connections.
    connected = (
        select(Connection.id)
        .where(
            or_(
                (Connection.member_lo_id == Reaction.member_id)
                & (Connection.member_hi_id == Post.author_id),
                (Connection.member_hi_id == Reaction.member_id)
                & (Connection.member_lo_id == Post.author_id),
            )
        )
        .exists()
    )
    reactions = select(func.count()).select_from(Reaction).join(Post, Post.id == Reaction.post_id)
    total = ctx.session.scalar(reactions) or 0
    from_connections = ctx.session.scalar(reactions.where(connected)) or 0
    assert from_connections / total > 0.85

    # Replies go one level deep, and every comment is on a post its author may read.
    assert not ctx.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.parent_id.in_(select(Comment.id).where(Comment.parent_id.is_not(None))))
    )

    # The demo member's feed is alive: connections posted in the last two weeks, visible
    # to them, with articles' links, job changes, questions and mentions among them.
    mine = (
        select(Connection.member_hi_id)
        .where(Connection.member_lo_id == demo.id)
        .union(select(Connection.member_lo_id).where(Connection.member_hi_id == demo.id))
    )
    recent = ctx.session.scalars(
        select(Post).where(
            Post.author_id.in_(mine),
            Post.created_at >= now - timedelta(days=14),
            visible_to(demo.id),
        )
    ).all()
    assert len(recent) >= 10
    bodies = " ".join(p.body for p in ctx.session.scalars(select(Post)))
    assert "https://news.example.com/" in bodies
    assert "new position" in bodies or "joined" in bodies
    assert "@" in bodies
    assert all(p.created_at <= now for p in recent)
    # What happened on their own posts waits in their notifications.
    kinds = set(
        ctx.session.scalars(
            select(Notification.kind).where(
                Notification.member_id == demo.id, Notification.post_id.is_not(None)
            )
        )
    )
    assert kinds == {"post_comment", "post_reaction"}
    # Their own posts have impressions for their insights page.
    own = select(Post.id).where(Post.author_id == demo.id)
    assert ctx.session.scalar(
        select(func.sum(PostImpression.count)).where(PostImpression.post_id.in_(own))
    )
