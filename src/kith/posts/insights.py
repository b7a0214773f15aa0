"""Post insights, for a post's author: how many saw it and who engaged, by degree.

Impressions come from :mod:`kith.posts.impressions` (the stored counts plus this
process's views not yet written). Engagement is every member who reacted to the
post, commented on it (or replied) or reposted it, each placed by their degree to
the author: 1st, 2nd, 3rd and beyond. Members the author blocked, or who blocked the
author, are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select

from kith.connections.queries import block_exists
from kith.errors import Forbidden
from kith.graph import service as graph
from kith.models import Comment, Member, Post, PostImpression, Reaction
from kith.posts.audience import visible_post
from kith.posts.impressions import DEGREES, sql_degrees
from kith.uow import Ctx

#: Engaged members listed per degree (all are counted).
LISTED = 50
DEGREE_WORDS = {1: "1st", 2: "2nd", 3: "3rd+"}


@dataclass
class Engager:
    member: Member
    reaction: str | None = None
    comments: int = 0
    reposted: bool = False


@dataclass
class DegreeFigures:
    degree: int
    impressions: int = 0
    reactions: int = 0
    commenters: int = 0
    reposts: int = 0
    engaged: int = 0
    people: list[Engager] = field(default_factory=list)

    @property
    def label(self) -> str:
        return DEGREE_WORDS[self.degree]


@dataclass
class PostInsights:
    post: Post
    degrees: list[DegreeFigures]

    @property
    def impressions(self) -> int:
        return sum(d.impressions for d in self.degrees)

    @property
    def engaged(self) -> int:
        return sum(d.engaged for d in self.degrees)


def degrees_to(ctx: Ctx, member: Member, ids: Sequence[int]) -> dict[int, int]:
    """``member``'s degree to each of ``ids``: 1, 2, or 3 for 3rd and beyond."""
    if not ids:
        return {}
    if ctx.graph is None:
        return sql_degrees(ctx, member.id, ids)
    found = graph.degrees(ctx, member, np.asarray(ids, dtype=np.int64))
    return {int(m): int(d) if d in (1, 2) else 3 for m, d in zip(ids, found, strict=True)}


def post_insights(
    ctx: Ctx, viewer: Member, post_id: int, pending: Mapping[int, int] | None = None
) -> PostInsights:
    """Insights into one of ``viewer``'s own posts. A post they cannot see is
    ``post_not_found``; someone else's post ``not_post_author``.

    ``pending``: this process's views not yet written, by degree."""
    post = visible_post(ctx, viewer.id, post_id)
    if post.author_id != viewer.id:
        raise Forbidden("Only a post's author sees its insights.", code="not_post_author")
    figures = {d: DegreeFigures(d) for d in DEGREES}
    for degree, count in ctx.session.execute(
        select(PostImpression.degree, PostImpression.count).where(PostImpression.post_id == post.id)
    ):
        if degree in figures:
            figures[degree].impressions += count
    for degree, count in (pending or {}).items():
        figures[degree].impressions += count

    reactions: dict[int, str] = dict(
        ctx.session.execute(
            select(Reaction.member_id, Reaction.kind).where(
                Reaction.post_id == post.id,
                Reaction.member_id != viewer.id,
                ~block_exists(viewer.id, Reaction.member_id),
            )
        ).all()
    )
    comments: dict[int, int] = {
        member_id: int(n)
        for member_id, n in ctx.session.execute(
            select(Comment.author_id, func.count())
            .where(
                Comment.post_id == post.id,
                Comment.author_id != viewer.id,
                ~block_exists(viewer.id, Comment.author_id),
            )
            .group_by(Comment.author_id)
        )
    }
    reposted = set(
        ctx.session.scalars(
            select(Post.author_id).where(
                Post.repost_of_id == post.id,
                Post.author_id != viewer.id,
                ~block_exists(viewer.id, Post.author_id),
            )
        )
    )
    ids = sorted(set(reactions) | set(comments) | reposted)
    degree_of = degrees_to(ctx, viewer, ids)
    members = {
        m.id: m
        for m in ctx.session.scalars(select(Member).where(Member.id.in_(ids)))
        if m.deleted_at is None
    }
    for member_id in ids:
        if member_id not in members:
            continue
        who = Engager(
            member=members[member_id],
            reaction=reactions.get(member_id),
            comments=comments.get(member_id, 0),
            reposted=member_id in reposted,
        )
        fig = figures[degree_of[member_id]]
        fig.engaged += 1
        fig.reactions += who.reaction is not None
        fig.commenters += who.comments > 0
        fig.reposts += who.reposted
        if len(fig.people) < LISTED:
            fig.people.append(who)
    for fig in figures.values():
        fig.people.sort(key=lambda e: (e.member.last_name.lower(), e.member.first_name.lower()))
    return PostInsights(post=post, degrees=[figures[d] for d in DEGREES])
