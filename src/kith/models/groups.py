"""Groups: a community within the community, with its members, its posts (posts whose
audience is the group), and the log of what its managers did.

Who may see a group and its posts is decided in :mod:`kith.groups.access` and, for
posts, in :mod:`kith.posts.audience`; nothing here is visible on its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
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

# public: anyone sees its posts and joins; private: listed, its posts for its members,
# joining needs a manager's approval; unlisted: by invitation only, found by no search.
GROUP_KINDS = ("public", "private", "unlisted")
# A membership row: a member (owner, manager or member), a request waiting for a
# manager (or silently declined: ``declined_at``), or a ban.
GROUP_STATUSES = ("member", "requested", "banned")
GROUP_ROLES = ("owner", "manager", "member")
GROUP_AUDIT_ACTIONS = (
    "approve",
    "decline",
    "remove",
    "ban",
    "unban",
    "delete_post",
    "approve_post",
    "pin_post",
    "unpin_post",
    "promote",
    "demote",
    "transfer",
    "edit",
    "archive",
)


class Group(Base):
    """A group. ``member_count`` and ``request_count`` are kept in the row, changed in
    the same transaction as the membership they count."""

    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint("kind IN ('public', 'private', 'unlisted')", name="group_kind"),
        Index("ix_groups_kind_members", "kind", "member_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[str] = mapped_column(Text, default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Private groups: what a member asking to join is asked (answers come with the request).
    questions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    kind: Mapped[str] = mapped_column(String(12), default="public")
    logo_key: Mapped[str | None] = mapped_column(String(64))
    # New members' posts wait for a manager's approval (their first ``approval_posts``).
    post_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # A post in the group shown first (no foreign key: a post may go; it is then no pin).
    pinned_post_id: Mapped[int | None] = mapped_column(Integer)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    request_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # An archived group keeps its posts for its members and takes nothing new.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class GroupMember(Base):
    """A member's place in a group: ``status`` member (with a ``role``), requested (with
    the answers to the group's questions; ``declined_at`` when a manager declined,
    which the requester never learns), or banned."""

    __tablename__ = "group_members"
    __table_args__ = (
        Index("ix_group_members_group_status", "group_id", "status", "role", "joined_at"),
        # A group's members in the order they joined (the directory's pages).
        Index("ix_group_members_group_joined", "group_id", "status", "joined_at", "member_id"),
        Index("ix_group_members_member", "member_id", "status", "group_id"),
        CheckConstraint("status IN ('member', 'requested', 'banned')", name="group_member_status"),
        CheckConstraint("role IN ('owner', 'manager', 'member')", name="group_member_role"),
    )

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(12), default="member")
    answers: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Since when a manager (for handing the group on: the longest-serving first).
    managing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The group feed was last opened: what is newer is "new in your groups".
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many of the member's posts a manager approved (post approval: the first few).
    approved_posts: Mapped[int] = mapped_column(Integer, default=0)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    group: Mapped[Group] = relationship(foreign_keys=[group_id])


class GroupInvitation(Base):
    """A member invites one of their connections to a group (a weekly limit per
    inviter); one open invitation per group and invitee."""

    __tablename__ = "group_invitations"
    __table_args__ = (
        UniqueConstraint("group_id", "invitee_id", name="uq_group_invitations_invitee"),
        Index("ix_group_invitations_inviter", "inviter_id", "created_at"),
        Index("ix_group_invitations_invitee", "invitee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    inviter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # pending | accepted | declined
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    group: Mapped[Group] = relationship(foreign_keys=[group_id])
    inviter: Mapped[Member] = relationship(foreign_keys=[inviter_id])


class GroupAudit(Base):
    """One thing a manager or the owner did in a group, for its managers to read."""

    __tablename__ = "group_audit"
    __table_args__ = (Index("ix_group_audit_group", "group_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(Integer)  # the post may since be gone
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    actor: Mapped[Member | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Member | None] = relationship(foreign_keys=[subject_id])
