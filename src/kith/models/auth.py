"""Sign-in sessions, API tokens and the sign-in attempt log used for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class AuthToken(Base):
    """A browser session (``kind='session'``) or an API bearer token (``kind='api'``).

    Only a SHA-256 digest of the secret is stored. ``user_agent`` is the client that
    signed in and ``last_seen_at`` its latest use (kept to within a few minutes), for
    the list of active sessions in Settings.
    """

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SigninAttempt(Base):
    __tablename__ = "signin_attempts"
    __table_args__ = (
        Index("ix_signin_attempts_email_at", "email", "at"),
        Index("ix_signin_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    success: Mapped[bool] = mapped_column(Boolean)
