"""What the home feed knows about the viewer's ties to the people in it: the
viewer's own relationship records (tier, tags, last interaction), connections,
follows, "see fewer" choices, shared connections from the network engine, and
which of the viewer's connections engaged with a post.

Everything here is read from the viewer's side only: another member's tiers, tags
or notes never enter a score or a reason.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import CompoundSelect, Select, distinct, func, literal, select, union_all

from kith.clock import as_utc
from kith.idlists import id_in
from kith.models import (
    Comment,
    Connection,
    Contact,
    ContactTag,
    FeedFewer,
    Follow,
    Post,
    Reaction,
    Tag,
    Tier,
)
from kith.uow import Ctx


@dataclass
class Tie:
    """The viewer's tie to one author."""

    tier: str | None = None
    tier_rank: int | None = None  # the tier's position among the viewer's (0 = first)
    tags: list[str] = field(default_factory=list)
    last_interaction_at: datetime | None = None
    connected: bool = False
    follows: bool = False
    fewer: bool = False
    mutual: int = 0


@dataclass(frozen=True)
class Engaged:
    """How many of the viewer's connections reacted to and commented on a post."""

    reacted: int = 0
    commented: int = 0

    @property
    def total(self) -> int:
        return self.reacted + self.commented


def connections_of(viewer_id: int) -> CompoundSelect[Any]:
    """SQL: the ids of the viewer's connections."""
    return union_all(
        select(Connection.member_hi_id).where(Connection.member_lo_id == viewer_id),
        select(Connection.member_lo_id).where(Connection.member_hi_id == viewer_id),
    )


def followees_of(viewer_id: int) -> Select[Any]:
    """SQL: the ids of the members the viewer follows (connecting follows both ways)."""
    return select(Follow.followee_id).where(Follow.follower_id == viewer_id)


def ties(ctx: Ctx, viewer_id: int, author_ids: Collection[int]) -> dict[int, Tie]:
    """The viewer's tie to each author, in three small queries and one engine call."""
    ids = sorted(set(author_ids) - {viewer_id})
    out = {a: Tie() for a in ids}
    if not ids:
        return out
    s = ctx.session
    rows = s.execute(
        select(Contact.other_id, Contact.last_interaction_at, Tier.name, Tier.position)
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .where(Contact.owner_id == viewer_id, id_in(ctx, Contact.other_id, ids))
    )
    for other, last, tier_name, position in rows:
        tie = out[int(other or 0)]
        tie.last_interaction_at = as_utc(last) if last is not None else None
        tie.tier, tie.tier_rank = tier_name, position
    for other, tag in s.execute(
        select(Contact.other_id, Tag.name)
        .join(ContactTag, ContactTag.contact_id == Contact.id)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Contact.owner_id == viewer_id, id_in(ctx, Contact.other_id, ids))
        .order_by(Tag.name)
    ):
        out[int(other or 0)].tags.append(tag)
    kinds: CompoundSelect[Any] = union_all(
        select(literal("c"), Connection.member_hi_id).where(
            Connection.member_lo_id == viewer_id, id_in(ctx, Connection.member_hi_id, ids)
        ),
        select(literal("c"), Connection.member_lo_id).where(
            Connection.member_hi_id == viewer_id, id_in(ctx, Connection.member_lo_id, ids)
        ),
        select(literal("f"), Follow.followee_id).where(
            Follow.follower_id == viewer_id, id_in(ctx, Follow.followee_id, ids)
        ),
        select(literal("x"), FeedFewer.author_id).where(
            FeedFewer.member_id == viewer_id, id_in(ctx, FeedFewer.author_id, ids)
        ),
    )
    for kind, other in s.execute(kinds):
        tie = out[int(other)]
        if kind == "c":
            tie.connected = True
        elif kind == "f":
            tie.follows = True
        else:
            tie.fewer = True
    if ctx.graph is not None:
        counts = ctx.graph.engine.mutual_counts(viewer_id, np.asarray(ids, dtype=np.int64))
        for i, other in enumerate(ids):
            out[other].mutual = int(counts[i])
    return out


def engagement_columns(viewer_id: int, until: datetime) -> tuple[Any, Any]:
    """SQL columns for a query on posts: how many of the viewer's connections reacted
    to and commented on the post up to ``until`` — engagement from the viewer's own
    network, never from strangers. Correlated on the post, so each is a few index
    lookups per post whatever the size of the viewer's network."""
    mine = connections_of(viewer_id)
    reacted = (
        select(func.count())
        .where(
            Reaction.post_id == Post.id,
            Reaction.created_at <= until,
            Reaction.member_id.in_(mine),
        )
        .correlate(Post)
        .scalar_subquery()
    )
    commented = (
        select(func.count(distinct(Comment.author_id)))
        .where(
            Comment.post_id == Post.id,
            Comment.created_at <= until,
            Comment.author_id.in_(mine),
        )
        .correlate(Post)
        .scalar_subquery()
    )
    return reacted.label("reacted"), commented.label("commented")


def affinity(tie: Tie, now: datetime) -> float:
    """How much the viewer's own records say this author matters to them (0 and up)."""
    score = 0.0
    if tie.tier_rank is not None:
        score += max(0.4, 1.5 - 0.45 * tie.tier_rank)
    if tie.tags:
        score += 0.3
    if tie.last_interaction_at is not None:
        days = max(0.0, (now - tie.last_interaction_at).total_seconds() / 86400)
        if days < 90:
            score += 0.8 * (1 - days / 90)
    if tie.connected:
        score += 0.3
    elif tie.follows:
        score += 0.1
    score += 0.25 * min(1.0, math.log1p(tie.mutual) / math.log1p(100))
    return score


def days_ago(when: datetime, now: datetime) -> str:
    days = (now.date() - as_utc(when).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"
