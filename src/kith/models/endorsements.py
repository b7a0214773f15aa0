"""Skill endorsements: one row per member who endorsed a skill of another, the
recipient's choices about them, and endorsements read from a LinkedIn export.

What a profile shows is never stored: an endorsement counts only while its endorser
is a current connection of its recipient (:mod:`kith.endorsements.service` reads the
connection state each time), so removing a connection hides it and reconnecting
brings it back without touching these rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class Endorsement(Base):
    """``endorser_id`` endorsed ``recipient_id`` for ``skill_id`` on Kith. ``hidden``:
    the recipient hid this one endorsement (it stays, shown to them alone)."""

    __tablename__ = "endorsements"
    __table_args__ = (
        UniqueConstraint("recipient_id", "skill_id", "endorser_id", name="uq_endorsements"),
        Index("ix_endorsements_endorser", "endorser_id", "recipient_id"),
        # a profile's shown endorsements, from the index alone
        Index("ix_endorsements_shown", "recipient_id", "hidden", "skill_id", "endorser_id"),
        Index("ix_endorsements_skill_recipient", "skill_id", "recipient_id"),
        CheckConstraint("recipient_id <> endorser_id", name="endorsement_not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    endorser_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SkillChoice(Base):
    """A member's choices about one of their skills: pinned among the top three
    (``top_rank`` 1-3) and/or closed to endorsements (``closed``)."""

    __tablename__ = "skill_choices"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )
    top_rank: Mapped[int | None] = mapped_column(SmallInteger)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class EndorsementSetting(Base):
    """A member's endorsement settings (no row: the defaults). ``receiving``: others may
    endorse them; the day's endorsement prompts shown so far (``prompts_day``)."""

    __tablename__ = "endorsement_settings"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    receiving: Mapped[bool] = mapped_column(Boolean, default=True)
    prompts_day: Mapped[date | None] = mapped_column(Date)
    prompts_shown: Mapped[int] = mapped_column(SmallInteger, default=0)


class EndorsementPrompt(Base):
    """ "Does Ana know Python?" answered or dismissed: never asked again."""

    __tablename__ = "endorsement_prompts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImportedEndorsement(Base):
    """An endorsement read from a LinkedIn export: kept in its member's private archive,
    marked imported, never counted or shown as given on Kith. ``direction``: received
    (``other_*`` is the endorser) or given (``other_*`` is who was endorsed)."""

    __tablename__ = "imported_endorsements"
    __table_args__ = (
        UniqueConstraint("member_id", "source_key", name="uq_imported_endorsements"),
        CheckConstraint("direction IN ('received', 'given')", name="imported_direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(10))
    skill_name: Mapped[str] = mapped_column(String(100))
    other_name: Mapped[str] = mapped_column(String(200), default="")
    other_url: Mapped[str] = mapped_column(String(400), default="")
    endorsed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(40), default="")
    source_key: Mapped[str] = mapped_column(String(400))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
