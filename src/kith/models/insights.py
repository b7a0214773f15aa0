"""Stored results of the community insights job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class CommunityInsightsResult(Base):
    """One run of the community insights job: when it ran, how long it took, and
    every figure as a JSON document (see ``kith.insights.community``). Pages and
    the API serve the newest row; a few older ones are kept for comparison."""

    __tablename__ = "community_insights"
    __table_args__ = (Index("ix_community_insights_computed_at", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    members: Mapped[int] = mapped_column(Integer)
    connections: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
