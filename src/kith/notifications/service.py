"""Notification actions."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, or_, select, update

from kith.connections.queries import block_exists
from kith.errors import NotFound
from kith.mail.notices import mail_notification
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
    "comment_mention",
    # On the member's posts and comments (post_reaction is grouped per post while unread,
    # comment_reaction per comment).
    "post_comment",
    "comment_reply",
    "post_repost",
    "post_reaction",
    "comment_reaction",
    # An administrator removed the member's post or comment (``detail`` names it).
    "post_removed",
    # A connection endorsed one of the member's skills (grouped per skill while unread).
    "skill_endorsed",
    # Written recommendations (a decline is silent: it is never told).
    "recommendation_requested",
    "recommendation_written",
    "recommendation_revision",
    "recommendation_revised",
    "recommendation_accepted",
    # Introductions (``detail`` names the other member of the introduction):
    # asked of the member; forwarded to them; accepted (to the requester: thank the
    # intermediary); made (to the intermediary).
    "introduction_request",
    "introduction_received",
    "introduction_accepted",
    "introduction_made",
    # Groups (``group_id`` says which; ``detail`` is its name): a request to join, to
    # its managers; a request approved; an invitation. A declined request is never told.
    "group_request",
    "group_approved",
    "group_invitation",
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
    recommendation_id: int | None = None,
    introduction_id: int | None = None,
    group_id: int | None = None,
    detail: str = "",
) -> Notification:
    assert kind in KINDS, kind
    note = Notification(
        member_id=member_id,
        kind=kind,
        actor_id=actor_id,
        invitation_id=invitation_id,
        post_id=post_id,
        comment_id=comment_id,
        recommendation_id=recommendation_id,
        introduction_id=introduction_id,
        group_id=group_id,
        detail=detail,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(note)
    ctx.session.flush()
    mail_notification(ctx, note)  # by email too, if the member wants this kind
    return note


def notify_grouped(
    ctx: Ctx,
    member_id: int,
    kind: str,
    *,
    actor_id: int,
    post_id: int,
    size: int,
    comment_id: int | None = None,
) -> None:
    """One unread notification per post (or per ``comment_id``) and kind: the latest
    actor becomes its actor and ``detail`` says how many the group stands for (``size``,
    counted by the caller from what it is about, so that someone who takes back and
    acts again is not counted twice) until the member reads it. The caller holds the
    post's row lock, so the group is found or made once."""
    note = ctx.session.scalar(
        select(Notification).where(
            Notification.member_id == member_id,
            Notification.kind == kind,
            Notification.post_id == post_id,
            Notification.comment_id == comment_id
            if comment_id is not None
            else Notification.comment_id.is_(None),
            Notification.read_at.is_(None),
        )
    )
    if note is None:
        note = notify(
            ctx, member_id, kind, actor_id=actor_id, post_id=post_id, comment_id=comment_id
        )
    elif note.actor_id != actor_id:
        note.actor_id = actor_id
        note.created_at = ctx.clock.now()
    note.detail = str(max(size, 1))
    ctx.session.flush()


def group_size(note: Notification) -> int:
    """How many actors a grouped notification stands for (1 for any other)."""
    return int(note.detail) if note.detail.isdigit() else 1


def _visible(member_id: int | ColumnElement[int]) -> ColumnElement[bool]:
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


#: SQL: how many notifications of the member ``member_id`` are unread (built once: the
#: header's badge asks it on every page, with the other counts).
UNREAD: Select[int] = (
    select(func.count())
    .select_from(Notification)
    .where(
        _visible(bindparam("member_id", type_=Notification.member_id.type)),
        Notification.read_at.is_(None),
    )
)


def unread_count(ctx: Ctx, member: Member) -> int:
    return int(ctx.session.scalar(UNREAD, {"member_id": member.id}) or 0)


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
