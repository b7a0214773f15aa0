"""Posts, their images and mentions, reactions, comments, reports, and what a member
chose to see less of in the feed.

Who may read a post is decided in one place, :mod:`kith.posts.audience`; nothing here
is visible on its own. Counts on posts and comments are kept in the row and changed in
the same transaction as the reaction, comment or repost they count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kith.db import Base
from kith.models.members import Member
from kith.models.types import UTCDateTime

# anyone: every member (and so the author's followers); connections: the author's 1st
# degree; tier / tag: the members in one of the author's own tiers or tags (they never
# learn its name); only_me: the author alone (imported posts wait here until the author
# chooses an audience); group: the members of one group (anyone, for a public group). A
# tier or tag that is deleted leaves its posts to the author alone.
AUDIENCES = ("anyone", "connections", "tier", "tag", "only_me", "group")
REACTIONS = ("like", "celebrate", "support", "love", "insightful", "funny")
REPORT_REASONS = ("spam", "harassment", "hate", "violence", "misinformation", "other")


class Post(Base):
    """A post, or a repost of another (``repost_of_id``, with or without text of its own).

    A repost always points at the original post, never at another repost, and is
    visible only to a member who may see both the repost and the original.
    """

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_author_created", "author_id", "created_at", "id"),
        Index("ix_posts_created", "created_at", "id"),
        Index("ix_posts_repost_of", "repost_of_id", "author_id"),
        Index("ix_posts_group_created", "audience_group_id", "created_at", "id"),
        UniqueConstraint("author_id", "source_key", name="uq_posts_author_source"),
        CheckConstraint(
            "audience IN ('anyone', 'connections', 'tier', 'tag', 'only_me', 'group')",
            name="post_audience",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(20), default="anyone")
    audience_tier_id: Mapped[int | None] = mapped_column(
        ForeignKey("tiers.id", ondelete="SET NULL")
    )
    audience_tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    audience_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )
    # A new member's post in a group that asks for approval waits here for a manager.
    awaiting_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    repost_of_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    # The author's choice to hear about reactions, comments and reposts on this post.
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    reaction_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    repost_count: Mapped[int] = mapped_column(Integer, default=0)
    # "linkedin" for a post imported from Shares.csv; source_key keeps re-imports idempotent.
    source: Mapped[str] = mapped_column(String(20), default="")
    source_key: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[Member] = relationship(foreign_keys=[author_id])
    images: Mapped[list[PostImage]] = relationship(
        order_by="PostImage.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PostImage(Base):
    """One of up to four images; ``media_key`` names its resized files (kith.media)."""

    __tablename__ = "post_images"
    __table_args__ = (UniqueConstraint("post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    media_key: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    alt: Mapped[str] = mapped_column(String(500), default="")


class PostMention(Base):
    """A member mentioned in a post or a comment (notified once, when first mentioned)."""

    __tablename__ = "post_mentions"
    __table_args__ = (
        UniqueConstraint("post_id", "comment_id", "member_id"),
        Index("ix_post_mentions_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))


class Comment(Base):
    """A comment on a post, or a reply to one (``parent_id``; replies go one level deep)."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_parent", "post_id", "parent_id", "id"),
        # The post too, so that "posts your connections commented on" reads the index only.
        Index("ix_comments_author_created", "author_id", "created_at", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    reaction_count: Mapped[int] = mapped_column(Integer, default=0)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[Member] = relationship(foreign_keys=[author_id])


class Reaction(Base):
    """One reaction per member on a post or on a comment; changing it keeps the row."""

    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("member_id", "post_id", name="uq_reactions_member_post"),
        UniqueConstraint("member_id", "comment_id", name="uq_reactions_member_comment"),
        Index("ix_reactions_post_created", "post_id", "created_at"),
        Index("ix_reactions_comment", "comment_id"),
        # The post too, so that "posts your connections reacted to" reads the index only.
        Index("ix_reactions_member_created", "member_id", "created_at", "post_id"),
        CheckConstraint(
            "(post_id IS NULL) <> (comment_id IS NULL)", name="reaction_on_post_or_comment"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContentReport(Base):
    """A member's report of a post or a comment, for the administrators' queue."""

    __tablename__ = "content_reports"
    __table_args__ = (
        Index("ix_content_reports_open", "resolved_at", "created_at"),
        Index("ix_content_reports_reporter", "reporter_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # removed | dismissed
    outcome: Mapped[str | None] = mapped_column(String(20))


class PostImpression(Base):
    """How many times members of each degree saw a post (1, 2, 3 = 3rd and beyond;
    0 = the author's own views are not counted). Written in batches, never per view."""

    __tablename__ = "post_impressions"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    degree: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class FeedHide(Base):
    """ "Hide this": the post leaves this member's feed."""

    __tablename__ = "feed_hides"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedFewer(Base):
    """ "See fewer from Ana": her posts rank lower in this member's *For you*."""

    __tablename__ = "feed_fewer"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
