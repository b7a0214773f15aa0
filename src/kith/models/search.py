"""What people search reads and what people-you-may-know remembers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from kith.db import Base
from kith.models.types import UTCDateTime


class SearchDocument(Base):
    """One member's profile as plain, accent-folded text, one column per weight.

    Written by :mod:`kith.search_index` whenever profile data is flushed (its session
    listeners, installed on the database at start). Each
    database keeps its own full-text structure equal to this table: SQLite an FTS5
    table (``search_fts``, fed by triggers; migration 0002), PostgreSQL a table of
    ``tsvector``s (``search_vectors``, written by statement triggers; migration 0007)
    with a GIN index. Both are deliberately not part of the models.
    """

    __tablename__ = "search_documents"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    name: Mapped[str] = mapped_column(Text, default="")  # first and last name
    headline: Mapped[str] = mapped_column(Text, default="")
    work: Mapped[str] = mapped_column(Text, default="")  # titles and companies
    study: Mapped[str] = mapped_column(Text, default="")  # schools, degrees, fields
    skills: Mapped[str] = mapped_column(Text, default="")
    about: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")  # location and industry


class SuggestionSeen(Base):
    """A member suggested to a viewer: how often it was shown, and a dismissal.

    A suggestion shown ``suggestion_fade_after`` times without action fades; a
    dismissed one never comes back.
    """

    __tablename__ = "suggestions_seen"
    viewer_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    shown: Mapped[int] = mapped_column(Integer, default=0)
    first_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
