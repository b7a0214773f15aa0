"""Written recommendations, and the ones a member brought from LinkedIn.

A recommendation is written by ``author_id`` about ``recipient_id``. Its ``status``
records what happened; what each side reads is computed by
:mod:`kith.recommendations.states` (a declined one reads "sent" to its writer
forever). What a profile shows is computed from the current connections and blocks
(:mod:`kith.recommendations.visibility`), never stored: removing a connection hides
what was given between the two and reconnecting brings it back.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kith.db import Base
from kith.models.members import Education, Member, Position
from kith.models.types import UTCDateTime

# How the writer knows the recipient, from the writer's side ("Ana managed Ben
# directly", "Ana reported to Ben").
RECOMMENDATION_RELATIONSHIPS = (
    "managed_directly",
    "same_team",
    "reported_to",
    "client",
    "studied_together",
    "mentored",
)
# requested: asked for, not written yet; draft: the writer saved it unsent; pending:
# sent, waiting for the recipient; revision: the recipient asked for changes;
# accepted: on the recipient's profile (unless ``hidden``); declined: the recipient
# said no (silently); withdrawn: taken back (by the writer, or a request by the one who
# asked); dismissed: the writer set a request aside (it still reads "requested" to the
# one who asked).
RECOMMENDATION_STATUSES = (
    "requested",
    "draft",
    "pending",
    "revision",
    "accepted",
    "declined",
    "withdrawn",
    "dismissed",
)


class Recommendation(Base):
    __tablename__ = "recommendations"
    __table_args__ = (
        Index("ix_recommendations_recipient", "recipient_id", "status", "accepted_at"),
        Index("ix_recommendations_author", "author_id", "status", "accepted_at"),
        CheckConstraint(
            "status IN ('requested', 'draft', 'pending', 'revision', 'accepted', "
            "'declined', 'withdrawn', 'dismissed')",
            name="recommendation_status",
        ),
        CheckConstraint(
            "relation IN ('managed_directly', 'same_team', 'reported_to', 'client', "
            "'studied_together', 'mentored')",
            name="recommendation_relationship",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # Whether the recipient asked for it (else the writer wrote it unasked).
    asked: Mapped[bool] = mapped_column(Boolean, default=False)
    relation: Mapped[str] = mapped_column(String(30))
    # Which of the recipient's positions or schools it is about.
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="SET NULL"))
    education_id: Mapped[int | None] = mapped_column(
        ForeignKey("education.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(String(1000), default="")  # the request's message
    body: Mapped[str] = mapped_column(Text, default="")
    revision_note: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # "linkedin" for one brought from a LinkedIn export, with the day it was written there.
    source: Mapped[str] = mapped_column(String(20), default="")
    source_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the writer last saved or sent it (what the writer sees); never moved by the
    # recipient's answer.
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[Member] = relationship(foreign_keys=[author_id])
    recipient: Mapped[Member] = relationship(foreign_keys=[recipient_id])
    position: Mapped[Position | None] = relationship()
    education: Mapped[Education | None] = relationship()


class ImportedRecommendation(Base):
    """A recommendation from a LinkedIn export that is not on Kith: private to its
    owner, marked imported. ``direction`` is received or given."""

    __tablename__ = "imported_recommendations"
    __table_args__ = (
        UniqueConstraint("owner_id", "source_key", name="uq_imported_recommendations_key"),
        CheckConstraint("direction IN ('received', 'given')", name="imported_direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(10))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    written_on: Mapped[date | None] = mapped_column(Date)
    linkedin_status: Mapped[str] = mapped_column(String(40), default="")
    source_key: Mapped[str] = mapped_column(String(80))
    # The Kith recommendation it became a request for, when its writer is a member.
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="SET NULL")
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
