"""Profile request and response models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kith.graph.service import Badge
from kith.models import Member


class MemberSummary(BaseModel):
    """How a member appears in any list, with how you are connected to them."""

    handle: str
    name: str
    headline: str
    location: str
    industry: str
    url: str
    degree: int | None = Field(
        None,
        description="1, 2, 3, or 0 for out of network; null for yourself and a former member",
    )
    degree_label: str = Field("", description="'1st', '2nd', '3rd', 'Out of network' or 'You'")
    mutual_connections: int = Field(0, description="Connections you share")
    former_member: bool = Field(
        False,
        description="The member deleted their account: named 'Former member', with no "
        "profile (url is empty) and no degree",
    )

    @classmethod
    def of(cls, member: Member, badge: Badge | None = None) -> MemberSummary:
        former = member.deleted_at is not None
        if former:
            badge = None
        return cls(
            handle=member.handle,
            name=member.name,
            headline=member.headline,
            location=member.location,
            industry=member.industry,
            url="" if former else f"/in/{member.handle}",
            degree=badge.degree if badge else None,
            degree_label=badge.label if badge else "",
            mutual_connections=badge.mutual if badge else 0,
            former_member=former,
        )


class PositionOut(BaseModel):
    company: str
    company_id: int
    title: str
    location: str
    description: str
    start_year: int
    start_month: int | None
    end_year: int | None
    end_month: int | None
    current: bool


class EducationOut(BaseModel):
    school: str
    school_id: int
    degree: str
    field_of_study: str
    start_year: int | None
    end_year: int | None


class RelationshipOut(BaseModel):
    connected: bool
    connected_since: str | None = None
    invitation_sent_id: int | None = Field(None, description="Your pending invitation to them")
    invitation_received_id: int | None = Field(None, description="Their pending invitation to you")
    following: bool
    followed_by: bool


class ProfileOut(BaseModel):
    handle: str
    name: str
    degree: int | None = Field(description="1, 2, 3, or 0 for out of network; null on your own")
    degree_label: str
    mutual_connections: int
    first_name: str
    last_name: str
    headline: str
    about: str
    location: str
    industry: str
    career_stage: str | None
    career_stage_derived: bool
    positions: list[PositionOut]
    education: list[EducationOut]
    skills: list[str]
    websites: list[str]
    languages: list[str]
    certifications: list[str]
    follow_primary: bool
    followers: int
    following: int
    connections: int
    relationship: RelationshipOut | None = Field(
        None, description="How you stand with this member (absent on your own profile)"
    )


class PositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200)
    start_year: int
    start_month: int | None = None
    end_year: int | None = Field(None, description="Leave out for a current position")
    end_month: int | None = None
    location: str = ""
    description: str = ""


class EducationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(min_length=1, max_length=200)
    degree: str = ""
    field_of_study: str = ""
    start_year: int | None = None
    end_year: int | None = None


class ProfileUpdate(BaseModel):
    """Fields left out are not changed; lists replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    about: str | None = None
    location: str | None = None
    industry: str | None = None
    career_stage: str | None = Field(
        None,
        description="student, recent_graduate, early_career, mid_career, executive; '' = derive",
    )
    positions: list[PositionIn] | None = None
    education: list[EducationIn] | None = None
    skills: list[str] | None = None
    websites: list[str] | None = Field(None, max_length=10, description="https:// addresses")
    languages: list[str] | None = Field(None, max_length=20)
    certifications: list[str] | None = Field(None, max_length=50)


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invite_policy: str | None = Field(None, description="everyone | email | shared_connection")
    follow_policy: str | None = Field(None, description="everyone | connections")
    connections_visibility: str | None = Field(None, description="connections | only_me")
    follow_primary: bool | None = None


class SettingsOut(BaseModel):
    email: str
    handle: str
    role: str
    invite_policy: str
    follow_policy: str
    connections_visibility: str
    follow_primary: bool
    invite_restricted_until: str | None
