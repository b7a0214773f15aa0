"""Profile request and response models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.connections.service import Relationship
from kith.graph.service import Badge, badge
from kith.members.photos import COVER, PHOTO, api_urls
from kith.members.service import (
    CAREER_STAGES,
    FOLLOW_POLICIES,
    INVITE_POLICIES,
    MAX_EDUCATION,
    MAX_POSITIONS,
    MAX_SKILLS,
    PROFILE_LISTS,
    VISIBILITY,
    profile_view,
)
from kith.models import Education, Member, Position
from kith.uow import Ctx
from kith.web.params import WORDS, Count, Flag, stated

PHOTO_DESCRIPTION = (
    "The profile photo's URLs by width in pixels (square WebP images: '48', '96', "
    "'200', '400'), or null for none (show initials)"
)
COVER_DESCRIPTION = (
    "The cover image's URLs by width in pixels (4:1 WebP images: '792', '1584'), or null"
)


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
    degree_label: str = Field(
        "",
        description="'1st', '2nd', '3rd', 'Out of network' (or 'Fellow member of <group>' "
        "for a member out of network who shares a group with you) or 'You'",
    )
    mutual_connections: int = Field(0, description="Connections you share")
    photo: dict[str, str] | None = Field(None, description=PHOTO_DESCRIPTION)
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
            photo=None if former else api_urls(member.photo_key, PHOTO),
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

    @classmethod
    def of(cls, p: Position) -> PositionOut:
        return cls(
            company=p.company.name,
            company_id=p.company_id,
            title=p.title,
            location=p.location,
            description=p.description,
            start_year=p.start_year,
            start_month=p.start_month,
            end_year=p.end_year,
            end_month=p.end_month,
            current=p.is_current,
        )


class EducationOut(BaseModel):
    school: str
    school_id: int
    degree: str
    field_of_study: str
    start_year: int | None
    end_year: int | None

    @classmethod
    def of(cls, e: Education) -> EducationOut:
        return cls(
            school=e.school.name,
            school_id=e.school_id,
            degree=e.degree,
            field_of_study=e.field_of_study,
            start_year=e.start_year,
            end_year=e.end_year,
        )


class PublicProfileOut(BaseModel):
    """A profile as a signed-out visitor sees it (when the community makes profiles
    public): the professional facts, never the address, network or activity."""

    handle: str
    name: str
    headline: str
    about: str
    location: str
    industry: str
    photo: dict[str, str] | None = Field(None, description=PHOTO_DESCRIPTION)
    positions: list[PositionOut]
    education: list[EducationOut]
    skills: list[str]

    @classmethod
    def of(cls, member: Member) -> PublicProfileOut:
        return cls(
            handle=member.handle,
            name=member.name,
            headline=member.headline,
            about=member.about,
            location=member.location,
            industry=member.industry,
            photo=api_urls(member.photo_key, PHOTO),
            positions=[PositionOut.of(p) for p in member.positions],
            education=[EducationOut.of(e) for e in member.education],
            skills=[s.name for s in member.skills],
        )


class RelationshipOut(BaseModel):
    connected: bool
    connected_since: str | None = None
    invitation_sent_id: int | None = Field(None, description="Your pending invitation to them")
    invitation_received_id: int | None = Field(None, description="Their pending invitation to you")
    following: bool
    followed_by: bool

    @classmethod
    def of(cls, rel: Relationship) -> RelationshipOut:
        return cls(
            connected=rel.connected,
            connected_since=rel.connection.created_at.isoformat() if rel.connection else None,
            invitation_sent_id=rel.sent.id if rel.sent else None,
            invitation_received_id=rel.received.id if rel.received else None,
            following=rel.following,
            followed_by=rel.followed_by,
        )


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
    photo: dict[str, str] | None = Field(None, description=PHOTO_DESCRIPTION)
    cover: dict[str, str] | None = Field(None, description=COVER_DESCRIPTION)
    relationship: RelationshipOut | None = Field(
        None, description="How you stand with this member (absent on your own profile)"
    )

    @classmethod
    def of(cls, ctx: Ctx, viewer: Member, member: Member) -> ProfileOut:
        """``member``'s profile as ``viewer`` may see it, with their degree badge."""
        view = profile_view(ctx, viewer, member)
        found = badge(ctx, viewer, member)
        return cls(
            handle=member.handle,
            name=member.name,
            degree=found.degree,
            degree_label=found.label,
            mutual_connections=found.mutual,
            first_name=member.first_name,
            last_name=member.last_name,
            headline=member.headline,
            about=member.about,
            location=member.location,
            industry=member.industry,
            career_stage=view.career_stage,
            career_stage_derived=view.career_stage_derived,
            positions=[PositionOut.of(p) for p in member.positions],
            education=[EducationOut.of(e) for e in member.education],
            skills=[s.name for s in member.skills],
            websites=list(member.websites or []),
            languages=list(member.languages or []),
            certifications=list(member.certifications or []),
            follow_primary=member.follow_primary,
            followers=view.followers,
            following=view.following,
            connections=view.connections,
            photo=api_urls(member.photo_key, PHOTO),
            cover=api_urls(member.cover_key, COVER),
            relationship=None
            if view.relationship is None
            else RelationshipOut.of(view.relationship),
        )


#: A name on a profile (refused as invalid_profile).
NAME = stated(min_length=1, max_length=100, pattern=WORDS)
#: A plausible year (the service also refuses one more than ten years ahead).
YEAR = stated(ge=1900)
MONTH = stated(ge=1, le=12)
#: A skill: at most 100 characters (refused as invalid_skill; a blank one is skipped).
SKILL = stated(max_length=100)


class PositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company: str = Field(min_length=1, max_length=200, json_schema_extra=stated(pattern=WORDS))
    title: str = Field(min_length=1, max_length=200, json_schema_extra=stated(pattern=WORDS))
    start_year: Count = Field(json_schema_extra=YEAR)
    start_month: Count | None = Field(None, json_schema_extra=MONTH)
    end_year: Count | None = Field(
        None, description="Leave out for a current position", json_schema_extra=YEAR
    )
    end_month: Count | None = Field(None, json_schema_extra=MONTH)
    location: str = Field("", json_schema_extra=stated(max_length=120))
    description: str = Field("", json_schema_extra=stated(max_length=2000))


class EducationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(min_length=1, max_length=200, json_schema_extra=stated(pattern=WORDS))
    degree: str = Field("", json_schema_extra=stated(max_length=200))
    field_of_study: str = Field("", json_schema_extra=stated(max_length=200))
    start_year: Count | None = Field(None, json_schema_extra=YEAR)
    end_year: Count | None = Field(None, json_schema_extra=YEAR)


class ProfileUpdate(BaseModel):
    """Fields left out are not changed; lists replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = Field(None, json_schema_extra=NAME)
    last_name: str | None = Field(None, json_schema_extra=NAME)
    headline: str | None = Field(None, json_schema_extra=stated(max_length=220))
    about: str | None = Field(None, json_schema_extra=stated(max_length=2600))
    location: str | None = Field(None, json_schema_extra=stated(max_length=120))
    industry: str | None = Field(None, json_schema_extra=stated(max_length=100))
    career_stage: str | None = Field(
        None,
        description="student, recent_graduate, early_career, mid_career, executive; '' = derive",
        json_schema_extra={"enum": ["", *CAREER_STAGES, None]},
    )
    positions: list[PositionIn] | None = Field(
        None, json_schema_extra=stated(max_items=MAX_POSITIONS)
    )
    education: list[EducationIn] | None = Field(
        None, json_schema_extra=stated(max_items=MAX_EDUCATION)
    )
    skills: list[Annotated[str, Field(json_schema_extra=SKILL)]] | None = Field(
        None, json_schema_extra=stated(max_items=MAX_SKILLS)
    )
    websites: list[str] | None = Field(
        None,
        description="https:// addresses",
        json_schema_extra=stated(max_items=PROFILE_LISTS["websites"][0]),
    )
    languages: list[str] | None = Field(
        None, json_schema_extra=stated(max_items=PROFILE_LISTS["languages"][0])
    )
    certifications: list[str] | None = Field(
        None, json_schema_extra=stated(max_items=PROFILE_LISTS["certifications"][0])
    )


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invite_policy: str | None = Field(
        None,
        description="everyone | email | shared_connection",
        json_schema_extra={"enum": [*INVITE_POLICIES, None]},
    )
    follow_policy: str | None = Field(
        None,
        description="everyone | connections",
        json_schema_extra={"enum": [*FOLLOW_POLICIES, None]},
    )
    connections_visibility: str | None = Field(
        None, description="connections | only_me", json_schema_extra={"enum": [*VISIBILITY, None]}
    )
    follow_primary: Flag | None = None


class SettingsOut(BaseModel):
    email: str
    handle: str
    role: str
    invite_policy: str
    follow_policy: str
    connections_visibility: str
    follow_primary: bool
    invite_restricted_until: str | None

    @classmethod
    def of(cls, member: Member) -> SettingsOut:
        until = member.invite_restricted_until
        return cls(
            email=member.email,
            handle=member.handle,
            role=member.role,
            invite_policy=member.invite_policy,
            follow_policy=member.follow_policy,
            connections_visibility=member.connections_visibility,
            follow_primary=member.follow_primary,
            invite_restricted_until=until.isoformat() if until else None,
        )
