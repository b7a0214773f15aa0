"""Invitations, connections, follows, blocks, and the network outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kith.db import Base
from kith.models.members import Member
from kith.models.types import UTCDateTime

OPEN_STATUSES = ("pending", "ignored")
# Closed or never delivered, yet read "pending" by the sender until the expiry date:
# ignoring, "I don't know this person" and an invitation sent after that one
# ("undelivered": the recipient never sees it) must all look alike to the sender.
SILENT_STATUSES = ("ignored", "declined_unknown", "undelivered")
SENDER_PENDING_STATUSES = ("pending", *SILENT_STATUSES)


class Invitation(Base):
    """An invitation to connect. History is kept: rows are never deleted.

    ``status`` is one of pending, accepted, ignored, withdrawn, expired,
    declined_unknown ("I don't know this person"), undelivered (sent after a
    "don't know": it reads pending to its sender and never reaches the
    recipient) and cancelled (closed by a block). Expiry is decided from
    ``created_at``; the stored status may still say pending or ignored after the
    expiry date until a sweep or a new invitation between the two closes it.

    ``reported_at`` records "I don't know this person" as a fact of its own: a block
    later cancels the invitation like any other that reads pending to its sender,
    and the report (which stops the sender reaching the recipient for good and counts
    towards the sender's restriction) stays.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        # At most one open invitation per unordered pair, whichever way it goes.
        Index(
            "uq_invitations_open_pair",
            "pair_lo",
            "pair_hi",
            unique=True,
            sqlite_where=text("status IN ('pending', 'ignored')"),
            postgresql_where=text("status IN ('pending', 'ignored')"),
        ),
        Index("ix_invitations_recipient_status", "recipient_id", "status", "created_at"),
        Index("ix_invitations_sender_created", "sender_id", "created_at"),
        Index("ix_invitations_pair", "pair_lo", "pair_hi"),
        Index("ix_invitations_sender_reported", "sender_id", "reported_at"),
        CheckConstraint("pair_lo < pair_hi", name="pair_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    pair_lo: Mapped[int] = mapped_column()
    pair_hi: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(1000), default="")
    context: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the sender withdraws; a silently declined invitation keeps its
    # status and only leaves the sender's list.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the recipient answers "I don't know this person"; kept whatever the
    # status becomes.
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    sender: Mapped[Member] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[Member] = relationship(foreign_keys=[recipient_id])


class Connection(Base):
    """A two-way connection: an unordered pair stored as (lo, hi)."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("member_lo_id", "member_hi_id"),
        Index("ix_connections_hi_lo", "member_hi_id", "member_lo_id"),
        CheckConstraint("member_lo_id < member_hi_id", name="pair_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_lo_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_hi_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    inviter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    context: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_followee", "followee_id", "follower_id"),)

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Block(Base):
    """A block; kept after unblocking (``unblocked_at``) for the re-block wait."""

    __tablename__ = "blocks"
    __table_args__ = (
        Index(
            "uq_blocks_active",
            "blocker_id",
            "blocked_id",
            unique=True,
            sqlite_where=text("unblocked_at IS NULL"),
            postgresql_where=text("unblocked_at IS NULL"),
        ),
        Index("ix_blocks_blocked", "blocked_id", "blocker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unblocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NetworkOutbox(Base):
    """Committed connection changes, in order, for every process's network engine.

    ``kind`` is ``connect``, ``disconnect`` or ``remove_member`` (``b`` is 0).
    """

    __tablename__ = "network_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    a: Mapped[int] = mapped_column()
    b: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
