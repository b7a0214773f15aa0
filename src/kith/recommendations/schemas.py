"""Recommendation request parameters and response models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary
from kith.models import RECOMMENDATION_RELATIONSHIPS
from kith.pagination import Page
from kith.recommendations.service import MESSAGE_MAX, NOT_FOUND
from kith.recommendations.states import BOXES
from kith.recommendations.views import RecView
from kith.web.paging import Paged
from kith.web.params import MAX_ID, Flag, Id, Refusal, stated


def _rec_id() -> Any:
    path = Path(ge=1, le=MAX_ID, description="The recommendation's id")
    path.metadata.append(Refusal("recommendation_not_found", NOT_FOUND, 404))
    return path


RecommendationId = Annotated[int, _rec_id()]
_RELATION: dict[str, Any] = {"enum": list(RECOMMENDATION_RELATIONSHIPS)}
RELATION_DOC = (
    "How the writer knows the recipient: managed_directly (the writer managed them), "
    "same_team, reported_to (the writer reported to them), client (the writer was their "
    "client), studied_together, mentored (the writer mentored them)"
)
BOX_DOC = "One of: " + ", ".join(f"{k} ({v})" for k, v in BOXES.items())


class RequestIn(BaseModel):
    handle: str = Field(description="The connection you ask", max_length=60)
    relationship: str = Field(description=RELATION_DOC, json_schema_extra=_RELATION)
    position_id: Id | None = Field(None, description="One of your own positions")
    education_id: Id | None = Field(None, description="Or one of your own schools")
    message: str = Field(
        "",
        description=f"Up to {MESSAGE_MAX:,} characters",
        json_schema_extra=stated(max_length=MESSAGE_MAX),
    )


class WriteIn(BaseModel):
    handle: str = Field(description="The connection you recommend", max_length=60)
    relationship: str = Field(description=RELATION_DOC, json_schema_extra=_RELATION)
    position_id: Id | None = Field(None, description="One of their positions")
    education_id: Id | None = Field(None, description="Or one of their schools")
    body: str = Field(
        "",
        description="Up to 3,000 characters (KITH_RECOMMENDATION_MAX_LENGTH)",
        json_schema_extra=stated(max_length=3000),
    )
    send: Flag = Field(True, description="Send it now (else keep it as a draft)")


class RecommendationPatch(BaseModel):
    body: str | None = Field(None, json_schema_extra=stated(max_length=3000))
    relationship: str | None = Field(None, description=RELATION_DOC, json_schema_extra=_RELATION)
    send: Flag = Field(
        True,
        description="Send it (the recipient approves it again); false keeps a request or a "
        "draft as a draft",
    )


class RevisionIn(BaseModel):
    note: str = Field(
        description=f"What you would like changed, up to {MESSAGE_MAX:,} characters",
        json_schema_extra=stated(max_length=MESSAGE_MAX),
    )


class RecommendationOut(BaseModel):
    id: int
    url: str
    role: str = Field(description="author, recipient or reader: who you are to it")
    author: MemberSummary
    recipient: MemberSummary
    relationship: str
    relationship_text: str = Field(description="In words, with the names")
    about: str = Field(description="The position or school it is about, in words")
    message: str = Field(description="The request's message (its writer and recipient only)")
    body: str = Field(description="The text (for the recipient once it is sent)")
    status: str = Field(
        description="As you read it: requested, draft, pending, revision or accepted"
    )
    label: str = Field(description="The status in words (a sent one reads 'Sent')")
    hidden: bool = Field(description="Hidden from your profile (the recipient only)")
    revision_note: str = Field(description="What the recipient asked to change")
    imported_on: date | None = Field(
        None, description="The day it was written on LinkedIn, for one brought from there"
    )
    created_at: datetime
    written_at: datetime | None
    accepted_at: datetime | None

    @classmethod
    def of(cls, v: RecView, people: dict[int, MemberSummary]) -> RecommendationOut:
        """``v`` with the summaries of its two members (by id)."""
        return cls(
            id=v.id,
            url=f"/recommendations/{v.id}",
            role=v.role,
            author=people[v.author.id],
            recipient=people[v.recipient.id],
            relationship=v.relation,
            relationship_text=v.relation_text,
            about=v.about,
            message=v.message,
            body=v.body,
            status=v.status,
            label=v.label,
            hidden=v.hidden,
            revision_note=v.revision_note,
            imported_on=v.imported_on,
            created_at=v.created_at,
            written_at=v.written_at,
            accepted_at=v.accepted_at,
        )


class RecommendationPage(Paged):
    items: list[RecommendationOut]

    @classmethod
    def of_views(cls, page: Page[RecView], people: dict[int, MemberSummary]) -> RecommendationPage:
        return cls.of(page, [RecommendationOut.of(v, people) for v in page.items])
