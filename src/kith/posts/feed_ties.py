"""What the home feed knows about the viewer's ties to the people in it: the
viewer's own relationship records (tier, tags, last interaction), connections,
follows, "see fewer" choices, shared connections from the network engine, and
which of the viewer's connections engaged with a post.

Everything here is read from the viewer's side only: another member's tiers, tags
or notes never enter a score or a reason.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime

import numpy as np
from sqlalchemy import CompoundSelect, Select, select, union_all

from kith.clock import as_utc
from kith.models import (
    Comment,
    Connection,
    Contact,
    ContactTag,
    FeedFewer,
    Follow,
    Reaction,
    Tag,
    Tier,
)
from kith.uow import Ctx


@dataclass
class Tie:
    """The viewer's tie to one author."""

    tier: str | None = None
    tier_rank: int | None = None  # 0 = the viewer's first tier
    tags: list[str] = field(default_factory=list)
    last_interaction_at: datetime | None = None
    connected: bool = False
    follows: bool = False
    fewer: bool = False
    mutual: int = 0


@dataclass
class Engaged:
    """Which of the viewer's connections reacted to or commented on a post."""

    reacted: set[int] = field(default_factory=set)
    commented: set[int] = field(default_factory=set)

    @property
    def people(self) -> int:
        return len(self.reacted | self.commented)


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
    """The viewer's tie to each author, in five small queries and one engine call."""
    ids = sorted(set(author_ids) - {viewer_id})
    out = {a: Tie() for a in ids}
    if not ids:
        return out
    s = ctx.session
    tier_rank = {
        tier_id: rank
        for rank, tier_id in enumerate(
            s.scalars(
                select(Tier.id).where(Tier.owner_id == viewer_id).order_by(Tier.position, Tier.id)
            )
        )
    }
    rows = s.execute(
        select(Contact.other_id, Contact.last_interaction_at, Contact.tier_id, Tier.name)
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .where(Contact.owner_id == viewer_id, Contact.other_id.in_(ids))
    )
    for other, last, tier_id, tier_name in rows:
        tie = out[int(other or 0)]
        tie.last_interaction_at = as_utc(last) if last is not None else None
        if tier_id is not None:
            tie.tier, tie.tier_rank = tier_name, tier_rank.get(tier_id)
    for other, tag in s.execute(
        select(Contact.other_id, Tag.name)
        .join(ContactTag, ContactTag.contact_id == Contact.id)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Contact.owner_id == viewer_id, Contact.other_id.in_(ids))
        .order_by(Tag.name)
    ):
        out[int(other or 0)].tags.append(tag)
    linked: CompoundSelect[Any] = union_all(
        select(Connection.member_hi_id).where(
            Connection.member_lo_id == viewer_id, Connection.member_hi_id.in_(ids)
        ),
        select(Connection.member_lo_id).where(
            Connection.member_hi_id == viewer_id, Connection.member_lo_id.in_(ids)
        ),
    )
    for linked_id in s.scalars(linked):
        out[int(linked_id)].connected = True
    for followed in s.scalars(followees_of(viewer_id).where(Follow.followee_id.in_(ids))):
        out[int(followed)].follows = True
    for other in s.scalars(
        select(FeedFewer.author_id).where(
            FeedFewer.member_id == viewer_id, FeedFewer.author_id.in_(ids)
        )
    ):
        out[other].fewer = True
    if ctx.graph is not None:
        counts = ctx.graph.engine.mutual_counts(viewer_id, np.asarray(ids, dtype=np.int64))
        for i, other in enumerate(ids):
            out[other].mutual = int(counts[i])
    return out


def engaged(
    ctx: Ctx, viewer_id: int, post_ids: Iterable[int], until: datetime
) -> dict[int, Engaged]:
    """For each post, the viewer's connections who reacted or commented up to ``until``:
    engagement from the viewer's own network, never from strangers."""
    ids = sorted(set(post_ids))
    out: dict[int, Engaged] = {}
    if not ids:
        return out
    mine = connections_of(viewer_id)
    for post_id, member_id in ctx.session.execute(
        select(Reaction.post_id, Reaction.member_id).where(
            Reaction.post_id.in_(ids),
            Reaction.created_at <= until,
            Reaction.member_id.in_(mine),
        )
    ):
        if post_id is not None:
            out.setdefault(post_id, Engaged()).reacted.add(member_id)
    for post_id, member_id in ctx.session.execute(
        select(Comment.post_id, Comment.author_id).where(
            Comment.post_id.in_(ids),
            Comment.created_at <= until,
            Comment.author_id.in_(mine),
        )
    ):
        out.setdefault(post_id, Engaged()).commented.add(member_id)
    return out


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
