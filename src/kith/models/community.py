"""The community's own settings, kept in the database (``kith.community.settings``).

One row per setting that an administrator has changed; a setting without a row has
the value the environment seeds (``KITH_JOIN_MODE`` and the like)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class CommunitySetting(Base):
    __tablename__ = "community_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
