"""Members, their profiles, and the companies, schools and skills they refer to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kith.db import Base
from kith.models.types import UTCDateTime
from kith.names import NAME_KEY_LENGTH, name_key


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)  # normalized name
    industry: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), unique=True)


def _name_key_default(context: DefaultExecutionContext) -> str:
    """``name_key`` for rows inserted without the ORM (bulk inserts of members)."""
    params = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return name_key(params.get("first_name"), params.get("last_name"))


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        # People you may know: members in the same industry and location.
        Index("ix_members_industry_location", "industry", "location"),
        # Imports find members by name, case and accents aside.
        Index("ix_members_name_key", "name_key"),
        # The few inactive members (deactivated, suspended, awaiting approval): counts
        # of one member's connections and follows leave them out without reading the
        # other members (kith.connections.queries.profile_counts).
        Index(
            "ix_members_inactive",
            "id",
            sqlite_where=text("NOT is_active"),
            postgresql_where=text("NOT is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    handle: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="member")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # account deleted
    # Suspended by an administrator (kith.admin.members): inactive, hidden as a deleted
    # member is, but everything kept for a reactivation.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Profile
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # The whole name folded (kith.names.name_key), kept up to date with the names.
    name_key: Mapped[str] = mapped_column(
        String(NAME_KEY_LENGTH), default=_name_key_default, server_default=""
    )
    headline: Mapped[str] = mapped_column(String(220), default="")
    about: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    career_stage: Mapped[str | None] = mapped_column(String(30))  # explicit; None = derived
    # Short lists shown on the profile (as LinkedIn's export has them): web addresses,
    # languages ("French (Native or bilingual)"), certifications ("AWS Architect, Amazon")
    websites: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    certifications: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # The profile photo and the cover image: the content hash naming their files under
    # the data directory's media folder (kith.members.photos); None = none uploaded.
    photo_key: Mapped[str | None] = mapped_column(String(64))
    cover_key: Mapped[str | None] = mapped_column(String(64))

    # Settings
    invite_policy: Mapped[str] = mapped_column(String(30), default="everyone")
    follow_policy: Mapped[str] = mapped_column(String(30), default="everyone")
    connections_visibility: Mapped[str] = mapped_column(String(30), default="connections")
    follow_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    # "I don't know this person" restriction: until then, invitations need the email
    invite_restricted_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An administrator lifted the restriction: reports made before then no longer count
    invite_restriction_lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    positions: Mapped[list[Position]] = relationship(
        back_populates="member",
        cascade="all, delete-orphan",
        order_by="(Position.end_year.is_(None).desc(), Position.start_year.desc())",
    )
    education: Mapped[list[Education]] = relationship(
        back_populates="member",
        cascade="all, delete-orphan",
        order_by="Education.start_year.desc()",
    )
    skills: Mapped[list[Skill]] = relationship(secondary="member_skills", order_by="Skill.name")

    @validates("first_name", "last_name")
    def _keep_name_key(self, key: str, value: Any) -> Any:
        first = value if key == "first_name" else self.first_name
        last = value if key == "last_name" else self.last_name
        self.name_key = name_key(first, last)
        return value

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class MemberSkill(Base):
    __tablename__ = "member_skills"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Position(Base):
    __tablename__ = "positions"
    __table_args__ = (
        Index("ix_positions_company_years", "company_id", "start_year"),
        # current (end_year NULL) or recent tenures at a company, newest first, and
        # the member ids of a company filter without reading the rows
        Index("ix_positions_company_end", "company_id", "end_year", "start_year", "member_id"),
        # the current companies of a set of members (search facets) from the index alone
        Index(
            "ix_positions_current_member",
            "member_id",
            "company_id",
            sqlite_where=text("end_year IS NULL"),
            postgresql_where=text("end_year IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    start_year: Mapped[int] = mapped_column(Integer)
    start_month: Mapped[int | None] = mapped_column(SmallInteger)
    end_year: Mapped[int | None] = mapped_column(Integer)  # None = current
    end_month: Mapped[int | None] = mapped_column(SmallInteger)

    member: Mapped[Member] = relationship(back_populates="positions")
    company: Mapped[Company] = relationship(lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.end_year is None


class Education(Base):
    __tablename__ = "education"
    __table_args__ = (Index("ix_education_school_years", "school_id", "start_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    degree: Mapped[str] = mapped_column(String(200), default="")
    field_of_study: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)

    member: Mapped[Member] = relationship(back_populates="education")
    school: Mapped[School] = relationship(lazy="joined")
