"""Email: the outbox of mail to send, the single-use links mailed to members, and each
member's mail settings (verified address, notifications by email, the weekly digest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime

# ``status`` of an outbox row: ``request`` (a password reset asked for an address; the
# worker turns it into a mail or drops it), ``pending`` (to send), ``sent``, ``failed``
# (given up after ``mail_max_attempts``), ``dropped`` (nobody to send it to any more).
MAIL_STATUSES = ("request", "pending", "sent", "failed", "dropped")


class MailOutbox(Base):
    """One mail, written in the same transaction as the action that sends it and
    delivered by the worker (``kith worker``) with retries: a down mail server delays
    mail and loses none. A worker claims a row for ``mail_claim_seconds``
    (``claimed_until``) before sending, so two workers never send the same mail."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        Index("ix_mail_outbox_member_kind", "member_id", "kind", "created_at"),
        Index("ix_mail_outbox_address_kind", "to_address", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), default="")
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str] = mapped_column(Text, default="")
    # The one-click unsubscribe URL (RFC 8058), "" for mail one cannot unsubscribe from.
    unsubscribe_url: Mapped[str] = mapped_column(String(600), default="")
    message_id: Mapped[str] = mapped_column(String(200))
    # What the mail is about, to send one mail per thing ("conversation:12").
    ref: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EmailLink(Base):
    """A single-use, expiring link mailed to a member: ``purpose`` ``verify`` (confirms
    ``email``, the address it was sent to) or ``reset`` (a new password). The link
    carries a signed nonce; only the nonce's SHA-256 digest is stored."""

    __tablename__ = "email_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailSettings(Base):
    """A member's mail settings; a member without a row has the defaults (every
    notification on, the digest on, the address not yet verified). Notifications and
    the digest go only to a verified address."""

    __tablename__ = "mail_settings"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invitations: Mapped[bool] = mapped_column(Boolean, default=True)
    messages: Mapped[bool] = mapped_column(Boolean, default=True)
    introductions: Mapped[bool] = mapped_column(Boolean, default=True)
    recommendations: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
