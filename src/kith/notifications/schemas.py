"""Notification request parameters and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary
from kith.models import Notification
from kith.notifications.service import group_size
from kith.web.paging import Paged
from kith.web.params import id_path

NotificationId = Annotated[int, id_path("notification")]


class NotificationOut(BaseModel):
    id: int
    kind: str
    actor: MemberSummary | None
    invitation_id: int | None
    post_id: int | None = None
    comment_id: int | None = None
    introduction_id: int | None = None
    recommendation_id: int | None = None
    group_id: int | None = None
    count: int = Field(
        1,
        description=(
            "For post_reaction, comment_reaction and skill_endorsed: how many members it stands for"
        ),
    )
    skill: str = Field("", description="For skill_endorsed: the skill's name")
    detail: str = Field(
        "",
        description="For post_removed: which post or comment, by its first words; for "
        "introductions: the name of the other member of the introduction; for "
        "group_request, group_approved and group_invitation: the group's name",
    )
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, n: Notification, actor: MemberSummary | None) -> NotificationOut:
        """A notification; ``actor`` is the summary of who caused it, when someone did."""
        return cls(
            id=n.id,
            kind=n.kind,
            actor=actor,
            invitation_id=n.invitation_id,
            post_id=n.post_id,
            comment_id=n.comment_id,
            recommendation_id=n.recommendation_id,
            introduction_id=n.introduction_id,
            group_id=n.group_id,
            count=group_size(n),
            skill=n.skill.name if n.skill is not None else "",
            detail=n.detail if n.kind == "post_removed" or n.introduction_id or n.group_id else "",
            created_at=n.created_at,
            read=n.read_at is not None,
        )


class NotificationPage(Paged):
    items: list[NotificationOut]
    unread: int


class Marked(BaseModel):
    marked: int
