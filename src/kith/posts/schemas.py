"""Post request parameters and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from kith.members.photos import POST, media_url
from kith.members.schemas import MemberSummary
from kith.models import AUDIENCES
from kith.posts.audience import POST_NOT_FOUND
from kith.posts.cursor import CURSOR_REFUSAL
from kith.posts.images import ALT_MAX
from kith.posts.views import ImageView, PostCard
from kith.web.params import Flag, Id, Refusal, id_path, stated

#: A post in a path; beyond any id, the same 404 as one that does not exist.
PostId = Annotated[int, id_path("post", POST_NOT_FOUND)]
CursorParam = Annotated[
    str | None,
    Query(max_length=64, description="The `next_cursor` of the page before"),
    Refusal("invalid_cursor", CURSOR_REFUSAL),
]
AUDIENCE_DOC = (
    "anyone | connections | tier | tag | only_me | group; a tier or tag audience names one "
    "of your own with `tier_id` or `tag_id`, a group audience one of your groups with "
    "`group_id`"
)
_AUDIENCE: dict[str, Any] = {"enum": list(AUDIENCES)}
_BODY = stated(max_length=3000)


class PostIn(BaseModel):
    body: str = Field(
        "",
        description="Up to 3,000 characters (KITH_POST_MAX_LENGTH); @handle mentions a "
        "member, links become clickable. Blank only for a post whose images come next.",
        json_schema_extra=_BODY,
    )
    audience: str = Field("anyone", description=AUDIENCE_DOC, json_schema_extra=_AUDIENCE)
    tier_id: Id | None = None
    tag_id: Id | None = None
    group_id: Id | None = None
    notify: Flag = Field(True, description="Tell me about reactions, comments and reposts")


class PostPatch(BaseModel):
    body: str | None = Field(None, json_schema_extra=_BODY)
    audience: str | None = Field(None, description=AUDIENCE_DOC, json_schema_extra=_AUDIENCE)
    tier_id: Id | None = None
    tag_id: Id | None = None
    group_id: Id | None = None
    notify: Flag | None = None


class ImageOut(BaseModel):
    urls: dict[str, str] = Field(description="The image by width: 600 and 1200 pixels")
    width: int = Field(description="The largest file's width in pixels")
    height: int
    alt: str = Field(description=f"Alt text, up to {ALT_MAX} characters")

    @classmethod
    def of(cls, image: ImageView) -> ImageOut:
        urls = {str(w): media_url(image.key, w) for w in POST.widths}
        return cls(urls=urls, width=image.width, height=image.height, alt=image.alt)


class PostOut(BaseModel):
    id: int
    url: str
    author: MemberSummary
    body: str
    audience: str = Field(
        description="anyone, connections, group or only_me; for your own posts also tier or tag "
        "(with `audience_name`); a post shared with one of its author's tiers or tags "
        "reads `selected` to everyone else, who never learn which"
    )
    audience_name: str | None = Field(None, description="Your own tier's or tag's name")
    tier_id: int | None = None
    tag_id: int | None = None
    group_id: int | None = Field(None, description="A group post: the group's id")
    group_name: str | None = Field(None, description="A group post: the group's name")
    awaiting_approval: bool = Field(
        False, description="A group post waiting for a manager's approval"
    )
    images: list[ImageOut]
    reaction_count: int
    comment_count: int
    repost_count: int
    my_reaction: str | None = Field(None, description="Your own reaction, if any")
    repost_of: PostOut | None = Field(None, description="The original post of a repost")
    created_at: datetime
    edited_at: datetime | None
    edited: bool
    notify: bool | None = Field(None, description="Your own posts: notifications on")

    @classmethod
    def of(cls, card: PostCard) -> PostOut:
        return cls(
            id=card.id,
            url=card.url,
            author=MemberSummary.of(card.author_member, card.author_badge),
            body=card.body,
            audience=card.audience,
            audience_name=card.audience_label
            if card.mine and card.audience in ("tier", "tag")
            else None,
            tier_id=card.audience_tier_id,
            tag_id=card.audience_tag_id,
            group_id=card.audience_group_id,
            group_name=card.audience_label if card.audience_group_id else None,
            awaiting_approval=card.awaiting_approval,
            images=[ImageOut.of(i) for i in card.images],
            reaction_count=card.reaction_count,
            comment_count=card.comment_count,
            repost_count=card.repost_count,
            my_reaction=card.my_reaction,
            repost_of=None if card.original is None else cls.of(card.original),
            created_at=card.created_at,
            edited_at=card.edited_at,
            edited=card.edited,
            notify=card.notify if card.mine else None,
        )


class ActivityOut(BaseModel):
    items: list[PostOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page")


class EngagementItemOut(BaseModel):
    kind: str = Field(description="comment or reaction")
    at: datetime
    post_id: int = Field(description="The post commented on or reacted to")
    comment_id: int | None = Field(None, description="The comment (for a comment)")
    body: str | None = Field(None, description="The comment's text (for a comment)")
    reaction: str | None = Field(None, description="The reaction's kind (for a reaction)")


class EngagementOut(BaseModel):
    items: list[EngagementItemOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page")
