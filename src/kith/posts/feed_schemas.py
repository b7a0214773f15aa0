"""Response models for the home feed: each item is a post card (as the feed, the
permalink and activity draw it) with the reason it is in the feed."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, BeforeValidator, Field

from kith.members.schemas import MemberSummary
from kith.posts.feed import INVALID_CURSOR, MAX_LIMIT, FeedPage
from kith.posts.views import PostCard
from kith.web.params import Refusal

Order = Annotated[
    str,
    Query(description="'for_you' (ranked by your relationships) or 'recent' (by time)"),
]
Cursor = Annotated[
    str | None,
    Query(max_length=200, description="next_cursor from the previous page"),
    Refusal("invalid_cursor", INVALID_CURSOR),
]
Limit = Annotated[
    int | None,
    Query(ge=1, le=MAX_LIMIT, description="Posts per page (default 20)"),
    Refusal("invalid_limit", f"Ask for between 1 and {MAX_LIMIT} posts at a time."),
]


class FeedPostOut(BaseModel):
    """A post as the viewer sees it."""

    id: int
    url: str
    author: MemberSummary
    body: str
    audience: str = Field(description="anyone, connections, tier, tag, only_me, or 'selected'")
    audience_label: str
    images: list[dict[str, str | int]]
    reaction_count: int
    comment_count: int
    repost_count: int
    my_reaction: str | None
    created_at: datetime
    edited_at: datetime | None
    repost_of: FeedPostOut | None = Field(None, description="The original, for a repost")

    @classmethod
    def of(cls, card: PostCard) -> FeedPostOut:
        return cls(
            id=card.id,
            url=card.url,
            author=MemberSummary.of(card.author_member, card.author_badge),
            body=card.body,
            audience=card.audience,
            audience_label=card.audience_label,
            images=[
                {"url": i.urls.get("lg", ""), "width": i.width, "height": i.height, "alt": i.alt}
                for i in card.images
            ],
            reaction_count=card.reaction_count,
            comment_count=card.comment_count,
            repost_count=card.repost_count,
            my_reaction=card.my_reaction,
            created_at=card.created_at,
            edited_at=card.edited_at,
            repost_of=cls.of(card.original) if card.original is not None else None,
        )


class FeedItemOut(BaseModel):
    post: FeedPostOut
    reason: str = Field(description="Why the post is in your feed, in words")
    via: MemberSummary | None = Field(
        None, description="The connection whose comment or reaction brought the post"
    )
    via_kind: str | None = Field(None, description="'commented' or 'reacted'")


class FeedOut(BaseModel):
    order: str
    items: list[FeedItemOut]
    next_cursor: str | None = Field(None, description="Pass as cursor for the next page")
    newest_at: datetime | None = Field(
        None, description="On a first page: ask GET /feed/new?since= for newer posts"
    )

    @classmethod
    def of(
        cls,
        page: FeedPage,
        cards: dict[int, PostCard],
        vias: dict[int, MemberSummary],
    ) -> FeedOut:
        return cls(
            order=page.order,
            items=[
                FeedItemOut(
                    post=FeedPostOut.of(cards[i.post.id]),
                    reason=i.reason,
                    via=vias.get(i.via.id) if i.via is not None else None,
                    via_kind=i.via_kind,
                )
                for i in page.items
                if i.post.id in cards
            ],
            next_cursor=page.next_cursor,
            newest_at=page.newest_at,
        )


def _date_and_time(value: object) -> object:
    """A number is not a moment here (pydantic would read it as seconds since 1970)."""
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9.]+\s*", value):
        raise ValueError("a date and time, not a number")
    return value


Since = Annotated[
    datetime,
    BeforeValidator(_date_and_time),
    Query(description="newest_at from the first page"),
    Refusal("invalid_since", "Give 'since' as a date and time, like 2026-12-07T09:30:00Z."),
]


class NewPostsOut(BaseModel):
    count: int = Field(description="Posts newer than 'since' (at most 100)")
