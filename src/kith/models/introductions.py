"""Warm introductions: a member asks a shared connection to introduce them.

History is kept: a request is never deleted while its members exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kith.db import Base
from kith.models.members import Member
from kith.models.types import UTCDateTime

# The stored states of a request. Before forwarding: pending, declined (by the
# intermediary, silently), withdrawn (by the requester). After forwarding:
# forwarded (waiting for the target), accepted, ignored (the target declined,
# silently), reported ("I don't know this person"), undelivered (forwarded to a
# target who had said they don't know the requester: never shown to them). Any
# open request can end silently (``ended``: a block between two of the three, a
# removed connection before forwarding, a deleted account); ``forwarded_at`` says at
# which stage.
INTRODUCTION_STATUSES = (
    "pending",
    "declined",
    "withdrawn",
    "forwarded",
    "accepted",
    "ignored",
    "reported",
    "undelivered",
    "ended",
)


class IntroductionRequest(Base):
    """``requester`` asks ``intermediary`` (their connection) to introduce them to
    ``target`` (the intermediary's connection). For a 3rd-degree member,
    ``final_target`` is whom the requester hopes to reach in the end, through
    ``target``."""

    __tablename__ = "introduction_requests"
    __table_args__ = (
        Index("ix_introduction_requests_requester", "requester_id", "created_at"),
        Index("ix_introduction_requests_intermediary", "intermediary_id", "status", "created_at"),
        Index("ix_introduction_requests_target", "target_id", "status", "forwarded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    intermediary_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    final_target_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(1000), default="")  # to the intermediary
    message: Mapped[str] = mapped_column(String(1000), default="")  # for the target
    forward_note: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The requester's prompt to thank the intermediary, once dismissed.
    thanked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    requester: Mapped[Member] = relationship(foreign_keys=[requester_id])
    intermediary: Mapped[Member] = relationship(foreign_keys=[intermediary_id])
    target: Mapped[Member] = relationship(foreign_keys=[target_id])
    final_target: Mapped[Member | None] = relationship(foreign_keys=[final_target_id])


class IntroductionOptOut(Base):
    """A member who has turned off introduction requests: "Ask" does not offer them."""

    __tablename__ = "introduction_optouts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
