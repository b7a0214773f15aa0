"""The community's own settings, kept in the database (``kith.community.settings``).

One row per setting that an administrator has changed; a setting without a row has
the value the environment seeds (``KITH_JOIN_MODE`` and the like)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class CommunitySetting(Base):
    __tablename__ = "community_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class JoinInvitation(Base):
    """An invitation to join the community: a link or code made by an administrator
    (``kind='admin'``: any address, up to ``max_uses`` sign-ups until ``expires_at``)
    or by a member inviting a colleague (``kind='member'``: one sign-up, by ``email``).

    Only a digest of the code is kept; ``hint`` is its first characters, so that the
    one who made it can tell it apart in a list. ``uses`` is raised by one statement
    that checks the limit, so concurrent sign-ups never exceed it."""

    __tablename__ = "join_invitations"
    __table_args__ = (Index("ix_join_invitations_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JoinRequest(Base):
    """A sign-up waiting for an administrator (``join_mode='approval'``).

    The applicant's account exists but is inactive until approved. A declined
    applicant's account is removed; the request stays, with the address and name it
    was made with, as the record of the decision."""

    __tablename__ = "join_requests"
    __table_args__ = (Index("ix_join_requests_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(201))
    status: Mapped[str] = mapped_column(String(10))  # pending | approved | declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")


class AuditEntry(Base):
    """One administrator action: who (``admin_id``, and their name as it was), what
    (``action`` on ``subject`` ``subject_id``, named ``subject_label`` as it was), when,
    and why (``reason``); ``detail`` holds what changed (settings before and after)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    admin_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    subject_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[Any] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
