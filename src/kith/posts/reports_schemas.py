"""Report requests and the administrators' queue, as the API sends them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary
from kith.models import REPORT_REASONS, ContentReport, ModerationAction
from kith.posts.engagement_schemas import CommentId as CommentId
from kith.posts.reports import DETAIL_MAX, ReportedItem
from kith.posts.schemas import PostId as PostId
from kith.web.paging import Paged
from kith.web.params import id_path, stated

#: A reported post or comment in the queue's paths (beyond any id: ``report_not_found``).
ReportedId = Annotated[int, id_path("report")]


class ReportIn(BaseModel):
    reason: str = Field(
        description="One of: " + ", ".join(REPORT_REASONS),
        json_schema_extra={"enum": list(REPORT_REASONS)},
    )
    detail: str = Field(
        "",
        description="What is wrong, in your words (optional)",
        json_schema_extra=stated(max_length=DETAIL_MAX),
    )


class ReportOut(BaseModel):
    id: int
    post_id: int | None
    comment_id: int | None
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, r: ContentReport) -> ReportOut:
        return cls(
            id=r.id,
            post_id=r.post_id,
            comment_id=r.comment_id,
            reason=r.reason,
            created_at=r.created_at,
        )


class ReasonCount(BaseModel):
    reason: str
    count: int


class ReportedItemOut(BaseModel):
    subject: Literal["post", "comment"]
    id: int
    post_id: int = Field(description="The post, or the post the comment is on")
    author: MemberSummary
    body: str
    created_at: datetime
    first_reported_at: datetime
    reporters: int = Field(description="How many members reported it (never who)")
    reasons: list[ReasonCount]
    details: list[str] = Field(description="What reporters wrote, without their names")

    @classmethod
    def of(cls, item: ReportedItem) -> ReportedItemOut:
        return cls(
            subject=item.subject,
            id=item.id,
            post_id=item.post_id,
            author=MemberSummary.of(item.author),
            body=item.body,
            created_at=item.created_at,
            first_reported_at=item.first_reported_at,
            reporters=item.reporters,
            reasons=[ReasonCount(reason=r, count=n) for r, n in item.reasons],
            details=item.details,
        )


class ReportQueuePage(Paged):
    items: list[ReportedItemOut]


class ModerationOut(BaseModel):
    id: int
    action: str = Field(description="removed or dismissed")
    subject: str
    subject_id: int
    excerpt: str
    reports: int
    reasons: str
    created_at: datetime

    @classmethod
    def of(cls, a: ModerationAction) -> ModerationOut:
        return cls(
            id=a.id,
            action=a.action,
            subject=a.subject,
            subject_id=a.subject_id,
            excerpt=a.excerpt,
            reports=a.reports,
            reasons=a.reasons,
            created_at=a.created_at,
        )


class ModerationPage(Paged):
    items: list[ModerationOut]
