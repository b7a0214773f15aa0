"""Group request parameters and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from kith.graph.service import Badge
from kith.groups.access import GROUP_NOT_FOUND
from kith.groups.service import GroupDraft
from kith.members.photos import photo_urls
from kith.members.schemas import MemberSummary
from kith.models import Group, GroupAudit, GroupMember, Member
from kith.web.paging import Paged
from kith.web.params import Flag, Id, Refusal, id_path, stated

GroupId = Annotated[int, id_path("group", GROUP_NOT_FOUND)]
Kind = Literal["public", "private", "unlisted"]
SearchText = Annotated[
    str,
    Query(max_length=200, description="Words to look for"),
    Refusal("invalid_search", "A search term can be at most 200 characters."),
]
Status = Literal["owner", "manager", "member", "requested", "invited", "banned", "none"]


class GroupIn(BaseModel):
    name: str = Field(description="Up to 100 characters", json_schema_extra=stated(max_length=100))
    description: str = Field("", json_schema_extra=stated(max_length=3000))
    rules: str = Field("", json_schema_extra=stated(max_length=3000))
    kind: Kind = Field(
        "public",
        description="public: anyone sees its posts and joins; private: listed, posts for "
        "members, joining needs approval; unlisted: by invitation only, found by no search",
    )
    industry: str = Field("", json_schema_extra=stated(max_length=100))
    topics: list[str] = Field(default_factory=list, max_length=10)
    questions: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="Private groups: what a member asking to join answers",
    )
    post_approval: Flag = Field(
        False, description="New members' first posts wait for a manager's approval"
    )

    def draft(self) -> GroupDraft:
        return GroupDraft(
            name=self.name,
            description=self.description,
            rules=self.rules,
            kind=self.kind,
            industry=self.industry,
            topics=list(self.topics),
            questions=list(self.questions),
            post_approval=self.post_approval,
        )


class JoinIn(BaseModel):
    answers: list[str] = Field(
        default_factory=list, max_length=10, description="Answers to a private group's questions"
    )


class HandleIn(BaseModel):
    handle: str = Field(description="A member's handle", json_schema_extra=stated(max_length=60))


class CircleIn(BaseModel):
    tier_id: Id | None = Field(None, description="One of your tiers")
    tag_id: Id | None = Field(None, description="Or one of your tags")


class CircleInvitationsOut(BaseModel):
    invited: int
    refused: dict[str, int] = Field(
        description="How many could not be invited, by refusal code (already_member, "
        "already_invited, cannot_invite, group_invitation_limit...)"
    )


class RoleIn(BaseModel):
    role: Literal["manager", "member"]


class PinIn(BaseModel):
    post_id: int | None = Field(None, ge=1, description="The post to pin; null unpins")


class GroupPostIn(BaseModel):
    body: str = Field(
        description="Up to 3,000 characters", json_schema_extra=stated(max_length=3000)
    )


class GroupOut(BaseModel):
    id: int
    name: str
    description: str
    rules: str
    kind: Kind
    industry: str
    topics: list[str]
    questions: list[str]
    post_approval: bool
    logo: dict[str, str] | None = Field(None, description="The logo by size: sm and lg")
    member_count: int
    archived: bool
    created_at: datetime
    my_status: Status = Field(
        "none",
        description="Yours: owner, manager, member, requested (a request waiting, however "
        "it was answered), invited, banned or none",
    )
    connections: int | None = Field(None, description="How many of your connections are members")
    pinned_post_id: int | None = None
    request_count: int | None = Field(None, description="Managers: requests waiting")

    @classmethod
    def of(cls, group: Group, status: str = "none", connections: int | None = None) -> GroupOut:
        managing = status in ("owner", "manager")
        return cls(
            id=group.id,
            name=group.name,
            description=group.description,
            rules=group.rules,
            kind=group.kind,
            industry=group.industry,
            topics=list(group.topics),
            questions=list(group.questions),
            post_approval=group.post_approval,
            logo=photo_urls(group.logo_key),
            member_count=group.member_count,
            archived=group.archived_at is not None,
            created_at=group.created_at,
            my_status=status,
            connections=connections,
            pinned_post_id=group.pinned_post_id,
            request_count=group.request_count if managing else None,
        )


class GroupPage(Paged):
    items: list[GroupOut]


class GroupMemberOut(BaseModel):
    member: MemberSummary
    role: str

    @classmethod
    def of(cls, member: Member, role: str, badge: Badge | None) -> GroupMemberOut:
        return cls(member=MemberSummary.of(member, badge), role=role)


class GroupMemberPage(Paged):
    items: list[GroupMemberOut]
    connections: int = Field(description="How many of your connections are in the group")


class RequestOut(BaseModel):
    member: MemberSummary
    answers: list[str]
    requested_at: datetime | None

    @classmethod
    def of(cls, row: GroupMember) -> RequestOut:
        return cls(
            member=MemberSummary.of(row.member),
            answers=list(row.answers),
            requested_at=row.requested_at,
        )


class RequestPage(Paged):
    items: list[RequestOut]


class BanPage(Paged):
    items: list[MemberSummary]


class JoinOut(BaseModel):
    status: Literal["member", "requested"]


class AuditOut(BaseModel):
    id: int
    action: str
    actor: MemberSummary | None
    subject: MemberSummary | None
    post_id: int | None
    detail: str
    created_at: datetime

    @classmethod
    def of(cls, row: GroupAudit) -> AuditOut:
        return cls(
            id=row.id,
            action=row.action,
            actor=MemberSummary.of(row.actor) if row.actor else None,
            subject=MemberSummary.of(row.subject) if row.subject else None,
            post_id=row.post_id,
            detail=row.detail,
            created_at=row.created_at,
        )


class GroupAuditPage(Paged):
    items: list[AuditOut]


class GroupInvitationOut(BaseModel):
    group: GroupOut
    invited_by: MemberSummary


class DigestOut(BaseModel):
    group_id: int
    name: str
    new_posts: int
