"""Messaging and private relationship data (tags, notes, tiers, interactions)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kith.db import Base
from kith.models.members import Member
from kith.models.types import UTCDateTime


class Conversation(Base):
    """A conversation between two members, stored as the unordered pair (lo, hi).

    ``status``: ``open`` (connections, or an accepted request), ``request`` (a
    message request waiting for ``requested_by``'s counterpart) or ``declined``.
    ``last_seq`` numbers the messages; each side's ``*_read_seq`` says how far
    they have read, so unread counts need no scan of the messages.
    """

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("member_lo_id", "member_hi_id"),
        Index("ix_conversations_hi_lo", "member_hi_id", "member_lo_id"),
        CheckConstraint("member_lo_id < member_hi_id", name="pair_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_lo_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_hi_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE")
    )
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    lo_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    hi_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member_lo: Mapped[Member] = relationship(foreign_keys=[member_lo_id])
    member_hi: Mapped[Member] = relationship(foreign_keys=[member_hi_id])

    def other_id(self, member_id: int) -> int:
        return self.member_hi_id if member_id == self.member_lo_id else self.member_lo_id

    def read_seq(self, member_id: int) -> int:
        return self.lo_read_seq if member_id == self.member_lo_id else self.hi_read_seq

    def unread(self, member_id: int) -> int:
        return max(0, self.last_seq - self.read_seq(member_id))


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq"),
        Index("ix_messages_sender_created", "sender_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Tier(Base):
    """An owner's tier (Inner circle, Industry experts, ...) with its keep-in-touch cadence."""

    __tablename__ = "tiers"
    __table_args__ = (UniqueConstraint("owner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60))  # folded name, unique per owner
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("owner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60))
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contact(Base):
    """What ``owner`` privately keeps about a person: tier, how we met, cadence,
    snooze, and the last interaction (kept up to date by messages and logs).

    The person is a member (``other_id``, a connection of the owner) or a *private
    contact* the owner brought from elsewhere (``other_id`` is NULL; ``name``,
    ``email``, ``company``, ``title`` and ``url`` describe them, ``source_key``
    identifies them within the owner's imports so importing again changes nothing).
    A private contact recognised as a member is ``matched_member_id`` (how: ``match``);
    it turns into that member's contact once the two connect.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("owner_id", "other_id"),
        UniqueConstraint("owner_id", "source_key"),
        Index("ix_contacts_owner_tier", "owner_id", "tier_id"),
        Index("ix_contacts_matched_member", "matched_member_id"),
        Index("ix_contacts_email", "email"),
        CheckConstraint("other_id IS NOT NULL OR source_key IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    other_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # A private contact (other_id NULL): who they are, as the owner's source has it.
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(20), default="")  # "linkedin", or "" for Kith
    source_key: Mapped[str | None] = mapped_column(String(400))
    connected_elsewhere_on: Mapped[date | None] = mapped_column(Date)
    matched_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    match: Mapped[str | None] = mapped_column(String(20))  # url | email | name_company | name
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"))
    how_we_met: Mapped[str] = mapped_column(String(500), default="")
    cadence_days: Mapped[int | None] = mapped_column(Integer)  # overrides tier and tags
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_interaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    tier: Mapped[Tier | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary="contact_tags", order_by="Tag.name")

    @property
    def is_private(self) -> bool:
        """A person from elsewhere, not (yet) a connection on Kith."""
        return self.other_id is None


class ContactTag(Base):
    __tablename__ = "contact_tags"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ContactNote(Base):
    __tablename__ = "contact_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Interaction(Base):
    """An entry in the interaction log: ``kind`` meeting, call or event (logged by the
    owner), or automatic: one entry per day and person, counted, of kind message,
    engagement (comments and reactions on their posts) or mixed (both that day)."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_contact_when", "contact_id", "occurred_at"),
        Index(
            "uq_interactions_auto_day",
            "contact_id",
            "day",
            unique=True,
            sqlite_where=text("automatic"),
            postgresql_where=text("automatic"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(1000), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(Date)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """The prompt, right after connecting, to thank or follow up with the new connection."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_owner_open", "owner_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    invited_by_owner: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))  # messaged | dismissed

    other: Mapped[Member] = relationship(foreign_keys=[other_id])


class ImportRun(Base):
    """One import of a LinkedIn export by ``owner``: what was in it and the report of
    every row (``report`` is JSON), kept so the member can come back to it: invite
    the matched members, apply profile changes (``profile`` holds the file's profile
    part as JSON until then)."""

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filename: Mapped[str] = mapped_column(String(300), default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    report: Mapped[str] = mapped_column(Text, default="{}")
    profile: Mapped[str] = mapped_column(Text, default="{}")
