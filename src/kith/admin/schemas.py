"""Administration requests and responses, as the API sends them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from kith.admin.service import MemberRow
from kith.clock import as_utc
from kith.community import invitations
from kith.community.audit import REASON_MAX
from kith.community.settings import CommunitySettings, JoinMode
from kith.models import AuditEntry, JoinInvitation, JoinRequest
from kith.web.paging import Paged
from kith.web.params import id_path, stated

#: Ids in the administrators' paths (beyond any id: the same 404 as a missing one).
MemberId = Annotated[int, id_path("member")]
RequestId = Annotated[int, id_path("join request")]
InvitationId = Annotated[int, id_path("invitation")]

REASON = stated(max_length=REASON_MAX)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="Why: kept in the audit log", json_schema_extra=REASON)


class OptionalReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", description="Why (optional): kept in the audit log")


class AdminMemberOut(BaseModel):
    id: int
    handle: str
    name: str
    email: str
    role: str
    standing: str = Field(description="'active', 'suspended' or 'applicant'")
    restricted_until: datetime | None = Field(
        description='Until when an "I don\'t know this person" restriction lasts'
    )
    created_at: datetime
    suspended_at: datetime | None

    @classmethod
    def of(cls, row: MemberRow) -> AdminMemberOut:
        m = row.member
        return cls(
            id=m.id,
            handle=m.handle,
            name=m.name,
            email=m.email,
            role=m.role,
            standing=row.standing,
            restricted_until=m.invite_restricted_until if row.restricted else None,
            created_at=m.created_at,
            suspended_at=m.suspended_at,
        )


class AdminMemberPage(Paged):
    items: list[AdminMemberOut]


class JoinRequestOut(BaseModel):
    id: int
    member_id: int | None
    email: str
    name: str
    status: str
    created_at: datetime

    @classmethod
    def of(cls, r: JoinRequest) -> JoinRequestOut:
        return cls(
            id=r.id,
            member_id=r.member_id,
            email=r.email,
            name=r.name,
            status=r.status,
            created_at=r.created_at,
        )


class JoinRequestPage(Paged):
    items: list[JoinRequestOut]


class CommunitySettingsOut(BaseModel):
    join_mode: JoinMode
    allowed_domains: list[str]
    members_may_invite: bool
    public_profiles: bool
    sso_only: bool
    admin_two_factor_required: bool

    @classmethod
    def of(cls, s: CommunitySettings) -> CommunitySettingsOut:
        return cls.model_validate({**s.model_dump(), "allowed_domains": list(s.allowed_domains)})


class CommunitySettingsIn(BaseModel):
    """Only the settings given change; the rest keep their values."""

    model_config = ConfigDict(extra="forbid")

    join_mode: JoinMode | None = None
    allowed_domains: list[str] | None = None
    members_may_invite: bool | None = None
    public_profiles: bool | None = None
    sso_only: bool | None = None
    admin_two_factor_required: bool | None = None
    reason: str = Field("", description="Why (optional): kept in the audit log")

    def changes(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.model_dump(exclude_unset=True).items()
            if k != "reason" and v is not None
        }


class JoinInvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_uses: int = Field(
        1, description="How many sign-ups it admits", json_schema_extra=stated(ge=1, le=10_000)
    )
    days: int = Field(
        14, description="How many days it lasts", json_schema_extra=stated(ge=1, le=365)
    )
    label: str = Field("", description="What it is for (seen by administrators)")
    email: str | None = Field(None, description="Only this address may use it")


class ColleagueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(description="Your colleague's email address")


class JoinInvitationOut(BaseModel):
    id: int
    kind: str = Field(description="'admin' (made by an administrator) or 'member'")
    hint: str = Field(description="The code's first characters")
    label: str
    email: str | None
    created_at: datetime
    expires_at: datetime
    max_uses: int
    uses: int
    state: str = Field(description="'active', 'used', 'expired' or 'revoked'")
    code: str | None = Field(None, description="The code: only in the answer that made it")
    link: str | None = Field(None, description="The link: only in the answer that made it")

    @classmethod
    def of(cls, i: JoinInvitation, now: datetime, made: invitations.Made | None = None) -> Self:
        return cls(
            id=i.id,
            kind=i.kind,
            hint=i.hint,
            label=i.label,
            email=i.email,
            created_at=i.created_at,
            expires_at=as_utc(i.expires_at),
            max_uses=i.max_uses,
            uses=i.uses,
            state=invitations.state(i, now),
            code=made.code if made else None,
            link=made.link if made else None,
        )


class JoinInvitationPage(Paged):
    items: list[JoinInvitationOut]


class AuditEntryOut(BaseModel):
    id: int
    created_at: datetime
    admin_id: int | None
    admin: str = Field(description="The administrator, named as they were")
    action: str
    subject: str
    subject_id: int | None
    subject_label: str
    reason: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(
            id=e.id,
            created_at=e.created_at,
            admin_id=e.admin_id,
            admin=e.admin_label,
            action=e.action,
            subject=e.subject,
            subject_id=e.subject_id,
            subject_label=e.subject_label,
            reason=e.reason,
            detail=dict(e.detail or {}),
        )


class AdminAuditPage(Paged):
    items: list[AuditEntryOut]
