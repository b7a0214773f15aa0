"""In-app notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kith.db import Base
from kith.models.members import Member, Skill
from kith.models.types import UTCDateTime


class Notification(Base):
    """``kind``: invitation_received, invitation_accepted, new_follower, and for posts
    post_mention, comment_mention, post_comment, comment_reply, post_repost,
    post_reaction (grouped per post while unread), comment_reaction (grouped per comment)
    and post_removed (``detail`` says which post); skill_endorsed (grouped per skill while
    unread); for written recommendations recommendation_requested, _written, _revision (a
    revision asked for), _revised and _accepted; introduction_request,
    introduction_received and introduction_accepted (``detail`` names the other member
    of the introduction); group_request (to its managers), group_approved and
    group_invitation (``group_id`` says which group, ``detail`` its name)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_member_unread", "member_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE")
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    # skill_endorsed: the skill (grouped per skill while unread, as reactions per post)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE")
    )
    # For introduction_request, introduction_received and introduction_accepted.
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introduction_requests.id", ondelete="CASCADE")
    )
    # For the group notifications (requests, approvals, invitations).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    actor: Mapped[Member | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    skill: Mapped[Skill | None] = relationship(lazy="joined")
