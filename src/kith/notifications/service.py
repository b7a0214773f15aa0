"""Notification actions."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, func, or_, select, update

from kith.connections.queries import block_exists
from kith.errors import NotFound
from kith.models import Member, Notification, Post
from kith.pagination import Page, PageRequest, paginate_rows
from kith.posts.audience import visible_to
from kith.uow import Ctx

KINDS = (
    "invitation_received",
    "invitation_accepted",
    "new_follower",
    "contact_joined",
    "post_mention",
)


def notify(
    ctx: Ctx,
    member_id: int,
    kind: str,
    *,
    actor_id: int | None,
    invitation_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
) -> Notification:
    assert kind in KINDS, kind
    note = Notification(
        member_id=member_id,
        kind=kind,
        actor_id=actor_id,
        invitation_id=invitation_id,
        post_id=post_id,
        comment_id=comment_id,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(note)
    ctx.session.flush()
    return note


def _visible(member_id: int) -> ColumnElement[bool]:
    """Notifications whose actor the member has not blocked and is not blocked by,
    about no post or about a post the member may still read."""
    return (
        (Notification.member_id == member_id)
        & ~block_exists(member_id, Notification.actor_id)
        & or_(
            Notification.post_id.is_(None),
            exists().where(Post.id == Notification.post_id, visible_to(member_id)),
        )
    )


def unread_count(ctx: Ctx, member: Member) -> int:
    stmt = (
        select(func.count())
        .select_from(Notification)
        .where(_visible(member.id), Notification.read_at.is_(None))
    )
    return int(ctx.session.scalar(stmt) or 0)


def list_notifications(
    ctx: Ctx, member: Member, req: PageRequest, *, unread_only: bool = False
) -> Page[Notification]:
    stmt = select(Notification).where(_visible(member.id))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def mark_read(ctx: Ctx, member: Member, notification_id: int | None = None) -> int:
    """Mark one notification (or all when ``notification_id`` is None) as read."""
    stmt = update(Notification).where(
        Notification.member_id == member.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        note = ctx.session.get(Notification, notification_id)
        if note is None or note.member_id != member.id:
            raise NotFound("There is no such notification.", code="notification_not_found")
        stmt = stmt.where(Notification.id == notification_id)
    result = ctx.session.execute(stmt.values(read_at=ctx.clock.now()))
    return int(result.rowcount)  # type: ignore[attr-defined]
