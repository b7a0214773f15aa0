"""Two-factor sign-in and single sign-on: a member's TOTP secret, their recovery
codes, and the identities at the organization's identity provider linked to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class TwoFactor(Base):
    """A member's TOTP authenticator (``kith.accounts.two_factor``).

    ``confirmed_at`` is None while enrolment waits for a first right code; sign-in asks
    for a code only once it is set. ``last_step`` is the TOTP time step of the last code
    accepted: a code is never accepted twice. ``failures`` counts wrong codes since
    ``failed_since``, for the throttle.
    """

    __tablename__ = "two_factor"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_step: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failed_since: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RecoveryCode(Base):
    """One single-use recovery code: only a SHA-256 digest is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LinkedIdentity(Base):
    """An identity at an OpenID Connect provider (``issuer`` + ``subject``) that signs
    in as ``member_id`` (``kith.accounts.oidc``)."""

    __tablename__ = "linked_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320))  # the verified address that linked it
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
