"""What administrators did about reported content: the moderation audit trail.

A removed post takes its reports with it (they cascade with the post), so each
decision is kept here on its own, with the words it was about, who decided and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class ModerationAction(Base):
    """One administrator's decision on one reported post or comment.

    ``action`` is ``removed`` or ``dismissed``; ``subject`` is ``post`` or ``comment``
    and ``subject_id`` its id (kept after the row is gone, so no foreign key)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    excerpt: Mapped[str] = mapped_column(String(200), default="")
    reports: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
