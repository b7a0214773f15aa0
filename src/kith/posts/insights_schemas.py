"""Post insights as the API sends them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary
from kith.posts.insights import DegreeFigures, Engager, PostInsights


class EngagerOut(BaseModel):
    member: MemberSummary
    reaction: str | None = Field(description="Their reaction, if they reacted")
    comments: int = Field(description="Comments and replies they wrote on the post")
    reposted: bool

    @classmethod
    def of(cls, e: Engager) -> EngagerOut:
        return cls(
            member=MemberSummary.of(e.member),
            reaction=e.reaction,
            comments=e.comments,
            reposted=e.reposted,
        )


class DegreeOut(BaseModel):
    degree: int = Field(description="1, 2, or 3 for 3rd and beyond (out of network too)")
    label: str
    impressions: int = Field(description="Times members of this degree saw the post")
    engaged: int = Field(description="Members of this degree who reacted, commented or reposted")
    reactions: int
    commenters: int
    reposts: int
    people: list[EngagerOut] = Field(description="Who engaged (the first 50 of each degree)")

    @classmethod
    def of(cls, d: DegreeFigures) -> DegreeOut:
        return cls(
            degree=d.degree,
            label=d.label,
            impressions=d.impressions,
            engaged=d.engaged,
            reactions=d.reactions,
            commenters=d.commenters,
            reposts=d.reposts,
            people=[EngagerOut.of(e) for e in d.people],
        )


class PostInsightsOut(BaseModel):
    post_id: int
    impressions: int = Field(description="Times other members saw it (yours not counted)")
    engaged: int
    reaction_count: int
    comment_count: int
    repost_count: int
    by_degree: list[DegreeOut]

    @classmethod
    def of(cls, i: PostInsights) -> PostInsightsOut:
        return cls(
            post_id=i.post.id,
            impressions=i.impressions,
            engaged=i.engaged,
            reaction_count=i.post.reaction_count,
            comment_count=i.post.comment_count,
            repost_count=i.post.repost_count,
            by_degree=[DegreeOut.of(d) for d in i.degrees],
        )
