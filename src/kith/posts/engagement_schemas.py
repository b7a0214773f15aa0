"""Request and response models for reactions, comments, reposts and a post's
notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary
from kith.models import Comment, Post, Reaction
from kith.posts.engagement import COMMENT_MAX, COMMENT_NOT_FOUND, REPOST_TEXT_MAX
from kith.posts.schemas import PostId as PostId
from kith.web.paging import Paged
from kith.web.params import Flag, Id, id_path

#: A comment in a path; beyond any id, the same 404 as one that does not exist.
CommentId = Annotated[int, id_path("comment", COMMENT_NOT_FOUND)]
ReactionKind = Annotated[
    str,
    Field(max_length=20, description="like, celebrate, support, love, insightful or funny"),
]


class ReactionIn(BaseModel):
    kind: ReactionKind


class ReactionOut(BaseModel):
    kind: str
    created_at: datetime
    post_id: int | None
    comment_id: int | None

    @classmethod
    def of(cls, r: Reaction) -> ReactionOut:
        return cls(kind=r.kind, created_at=r.created_at, post_id=r.post_id, comment_id=r.comment_id)


class ReactorOut(BaseModel):
    member: MemberSummary
    kind: str


class ReactorPage(Paged):
    items: list[ReactorOut]
    headline: str = Field(description='"Ana Silva and 12 others": the first listed, and the rest')


class CommentIn(BaseModel):
    body: str = Field(max_length=COMMENT_MAX * 4, description=f"Up to {COMMENT_MAX:,} characters")


class CommentOut(BaseModel):
    id: int
    post_id: int
    parent_id: int | None = Field(description="The comment this replies to (one level deep)")
    author: MemberSummary
    body: str
    reaction_count: int
    reply_count: int
    my_reaction: str | None
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def of(cls, c: Comment, author: MemberSummary, my_reaction: str | None = None) -> CommentOut:
        return cls(
            id=c.id,
            post_id=c.post_id,
            parent_id=c.parent_id,
            author=author,
            body=c.body,
            reaction_count=c.reaction_count,
            reply_count=c.reply_count,
            my_reaction=my_reaction,
            created_at=c.created_at,
            edited_at=c.edited_at,
        )


class ThreadOut(BaseModel):
    comment: CommentOut
    replies: list[CommentOut]


class ThreadPage(BaseModel):
    items: list[ThreadOut]
    next_before: int | None = Field(
        description="Pass as ?before= for the next (older) threads; null at the end"
    )


class RepostIn(BaseModel):
    body: str = Field("", max_length=REPOST_TEXT_MAX * 4, description="Your own text, optional")
    audience: str = Field(
        "anyone", max_length=20, description="anyone, connections, tier, tag or only_me"
    )
    tier_id: Id | None = Field(None, description="One of your tiers, for audience=tier")
    tag_id: Id | None = Field(None, description="One of your tags, for audience=tag")


class RepostOut(BaseModel):
    id: int
    repost_of_id: int
    body: str
    audience: str
    created_at: datetime

    @classmethod
    def of(cls, p: Post) -> RepostOut:
        return cls(
            id=p.id,
            repost_of_id=p.repost_of_id or 0,
            body=p.body,
            audience=p.audience,
            created_at=p.created_at,
        )


class NotifyIn(BaseModel):
    on: Flag = Field(description="true to hear about reactions, comments and reposts")


class NotifyOut(BaseModel):
    post_id: int
    on: bool
